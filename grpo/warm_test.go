package grpo

import (
	"bytes"
	"context"
	"math"
	"math/rand"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
)

func TestProbeEnv(t *testing.T) {
	b := newBandit(6, 1, "p")
	tps, err := ProbeEnv(context.Background(), b, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(tps) != 6 {
		t.Fatalf("%d task probes, want 6", len(tps))
	}
	for _, tp := range tps {
		if len(tp.Probes) != len(banditModels) {
			t.Fatalf("task %s: %d probes, want %d", tp.Task.ID, len(tp.Probes), len(banditModels))
		}
		for k, pr := range tp.Probes {
			want := b.right(pr.Tool, tp.Task.ID)
			if pr.Correct != want || (pr.Outcome == 1) != want {
				t.Errorf("task %s tool %s: correct %v outcome %v, want %v", tp.Task.ID, pr.Tool, pr.Correct, pr.Outcome, want)
			}
			if pr.CostUSD <= 0 || pr.LatencyS <= 0 {
				t.Errorf("task %s tool %s: cost %v latency %v, want > 0", tp.Task.ID, pr.Tool, pr.CostUSD, pr.LatencyS)
			}
			if len(pr.after) != 1 || pr.after[0].Action.Tool != tp.Tools[k].Name {
				t.Errorf("task %s tool %s: history after the call %+v", tp.Task.ID, pr.Tool, pr.after)
			}
		}
	}
}

func TestUtilityLossGradient(t *testing.T) {
	cases := []struct {
		name   string
		z, u   []float64
		tau, w float64
	}{
		{"two", []float64{0.3, -0.2}, []float64{1, 0}, 0.5, 1},
		{"four weighted", []float64{1, 2, -1, 0.5}, []float64{0.2, 0.9, 0.1, 0.5}, 0.05, 0.3},
		{"ties", []float64{0, 0, 0}, []float64{0.4, 0.4, 0.4}, 0.1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, gz, _ := utilityLoss(c.z, c.u, c.tau, c.w)
			for k := range c.z {
				const h = 1e-6
				z := append([]float64(nil), c.z...)
				z[k] += h
				up, _, _ := utilityLoss(z, c.u, c.tau, c.w)
				z[k] -= 2 * h
				down, _, _ := utilityLoss(z, c.u, c.tau, c.w)
				if num := (up - down) / (2 * h); math.Abs(num-gz[k]) > 1e-5 {
					t.Errorf("logit %d: gradient %v, numeric %v", k, gz[k], num)
				}
			}
		})
	}
}

func TestNormPrefs(t *testing.T) {
	cases := []struct {
		name           string
		p              episode.Preferences
		acc, cost, lat float64
		tool           float64
	}{
		{"zero is balanced", episode.Preferences{}, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0},
		{"scaled", episode.Preferences{Accuracy: 2, Cost: 2}, 0.5, 0.5, 0, 0},
		{"negatives dropped", episode.Preferences{Accuracy: 1, Cost: -3}, 1, 0, 0, 0},
		{"tool weight", episode.Preferences{Accuracy: 1, Tools: map[string]float64{"x": 1}}, 0.5, 0, 0, 0.5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := normPrefs(c.p)
			if math.Abs(w.acc-c.acc) > 1e-12 || math.Abs(w.cost-c.cost) > 1e-12 || math.Abs(w.lat-c.lat) > 1e-12 || math.Abs(w.tools["x"]-c.tool) > 1e-12 {
				t.Errorf("normPrefs(%+v) = %+v", c.p, w)
			}
		})
	}
}

// TestWarmStartBandit checks that the supervised warm start alone learns
// the bandit's optimum on held-out tasks (under accuracy-first, the
// cheapest right model; under the linear utility a balanced user would
// rather not pay the big model's price and wait), that a cost-first
// preference spends less than an accuracy-first one, and that it is
// deterministic.
func TestWarmStartBandit(t *testing.T) {
	train, test := newBandit(90, 1, "tr"), newBandit(30, 2, "te")
	cfg := WarmConfig{Seed: 3, Epochs: 60, Batch: 16}
	run := func() []byte {
		p, st, err := WarmStart(context.Background(), cfg, train, smallPolicy(t, 3))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(st.Utility); n != 60 || st.Utility[n-1] <= st.Utility[0] {
			t.Errorf("utility by epoch %v: want 60 epochs, rising", st.Utility)
		}
		want := map[int]string{0: "cheap", 1: "mid", 2: "big"}
		good := 0
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
				if pr.Name == "accuracy" && len(ep.Steps) == 2 && ep.Steps[0].Action.Tool == want[test.cat[task.ID]] && sc.Correct {
					good++
				}
			}
		}
		if good < 25 {
			t.Errorf("accuracy-first: %d/30 held-out tasks solved by the cheapest right model alone, want ≥ 25", good)
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

func TestFixedPrefs(t *testing.T) {
	s := Fixed(episode.PreferCost)
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 5; i++ {
		if p := s(rng, []string{"a"}); p.Cost != episode.PreferCost.Cost || p.Accuracy != episode.PreferCost.Accuracy || len(p.Tools) != 0 {
			t.Fatalf("Fixed gave %+v", p)
		}
	}
}

func TestWarmConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  WarmConfig
	}{
		{"negative lr", WarmConfig{LR: -1}},
		{"nan temp", WarmConfig{Temp: math.NaN()}},
		{"negative follow-up", WarmConfig{FollowUp: -1}},
		{"one turn", WarmConfig{MaxTurns: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := WarmStart(context.Background(), c.cfg, newBandit(3, 1, "v"), nil); err == nil {
				t.Error("want an error")
			}
		})
	}
}
