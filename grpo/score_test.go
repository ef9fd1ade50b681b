package grpo

import (
	"bytes"
	"context"
	"testing"

	"github.com/batonhq/baton/orchestrator"
)

// TestScoreStartBandit checks that the score head learns which model
// solves which category, that cost-first spends less than accuracy-first,
// that early stopping keeps a recorded epoch, and that a seed gives the
// same checkpoint bytes.
func TestScoreStartBandit(t *testing.T) {
	train, test := newBandit(90, 1, "tr"), newBandit(30, 2, "te")
	cfg := WarmConfig{Seed: 3, Epochs: 30, Batch: 16}
	run := func() []byte {
		p, st, err := ScoreStart(context.Background(), cfg, train, smallPolicy(t, 3))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(st.HeldOutLoss); n == 0 || st.BestEpoch < 1 || st.BestEpoch > n || !p.Config().Score.Enabled() {
			t.Fatalf("held-out loss %v, best epoch %d, score head %+v", st.HeldOutLoss, st.BestEpoch, p.Config().Score)
		}
		solved := 0
		spent := map[string]float64{}
		for _, pr := range Presets {
			for _, task := range test.Tasks() {
				task.Preferences = pr.Pref
				task.Budget.MaxTurns = 5
				set, _ := test.Tools(context.Background(), task)
				ep, err := orchestrator.Run(context.Background(), task, p, set)
				if err != nil {
					t.Fatal(err)
				}
				spent[pr.Name] += ep.Cost.USD()
				sc, _ := test.Score(context.Background(), task, ep)
				if pr.Name == "accuracy" && sc.Correct {
					solved++
				}
			}
		}
		if solved < 25 {
			t.Errorf("accuracy-first solved %d/30 held-out tasks, want ≥ 25", solved)
		}
		if spent["cost"] >= spent["accuracy"] {
			t.Errorf("cost-first spent $%.6f, accuracy-first $%.6f: want less", spent["cost"], spent["accuracy"])
		}
		var buf bytes.Buffer
		if err := p.Save(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if a, b := run(), run(); !bytes.Equal(a, b) {
		t.Error("same seed gave different checkpoints")
	}
}
