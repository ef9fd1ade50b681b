package grpo

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
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

// TestScoreTargetsSmoothing checks that targets move toward the tool's
// mean outcome on the task's category by Smooth, and stay raw without a
// category lookup. One category lumps the bandit's three, so a tool's
// mean is the share of categories it solves.
func TestScoreTargetsSmoothing(t *testing.T) {
	env := newBandit(9, 1, "sm")
	tps, err := ProbeEnv(context.Background(), env, 2)
	if err != nil {
		t.Fatal(err)
	}
	one := func(string) string { return "all" }
	own := func(id string) string { return fmt.Sprint(env.cat[id]) }
	mean := map[string]float64{"cheap": 1.0 / 3, "mid": 2.0 / 3, "big": 1}
	cases := []struct {
		name   string
		cat    func(string) string
		smooth float64
		want   func(raw float64, tool string) float64
	}{
		{"no categories", nil, 0.8, func(raw float64, _ string) float64 { return raw }},
		{"own category keeps outcomes", own, 0.8, func(raw float64, _ string) float64 { return raw }},
		{"fully smoothed", one, 1, func(_ float64, tool string) float64 { return mean[tool] }},
		{"half smoothed", one, 0.5, func(raw float64, tool string) float64 { return (raw + mean[tool]) / 2 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := WarmConfig{Category: c.cat, Smooth: c.smooth, MaxTurns: 5}
			exs, err := scoreExamples(smallPolicy(t, 1), cfg, tps)
			if err != nil {
				t.Fatal(err)
			}
			if len(exs) != len(tps) {
				t.Fatalf("%d examples from %d tasks", len(exs), len(tps))
			}
			for i, ex := range exs {
				for k := range ex.y {
					tool := ex.dec.Source(k)
					raw := 0.0
					if env.right(tool, tps[i].Task.ID) {
						raw = 1
					}
					if w := c.want(raw, tool); math.Abs(ex.y[k]-w) > 1e-12 {
						t.Errorf("task %s tool %s: target %v, want %v", tps[i].Task.ID, tool, ex.y[k], w)
					}
				}
			}
		})
	}
}

func TestScoreStartRejectsSmooth(t *testing.T) {
	for _, s := range []float64{-0.1, 1.5, math.NaN()} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			cfg := WarmConfig{Smooth: s, Category: func(string) string { return "x" }}
			_, _, err := ScoreStart(context.Background(), cfg, newBandit(3, 1, "v"), nil)
			if err == nil || !strings.Contains(err.Error(), "smooth") {
				t.Errorf("got %v, want an error naming smooth", err)
			}
		})
	}
}
