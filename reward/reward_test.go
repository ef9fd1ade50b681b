package reward

import (
	"math"
	"testing"
	"time"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

const tol = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) < tol }

func approxSlice(t *testing.T, name string, got, want []float64, eps float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d (%v)", name, len(got), len(want), got)
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > eps {
			t.Errorf("%s[%d] = %.9f, want %.9f (all %v)", name, i, got[i], want[i], got)
		}
	}
}

// The three-rollout group used by several cases:
//
//	r0: calls a=1,     solved,   $0.10, 1s
//	r1: calls a=1,b=1, solved,   $0.30, 3s
//	r2: calls b=1,     unsolved, $0.20, 2s
func threeRollouts() []Rollout {
	return []Rollout{
		{Calls: map[string]int{"a": 1}, Outcome: 1, Correct: true, Cost: 10 * money.Cent, Latency: time.Second},
		{Calls: map[string]int{"a": 1, "b": 1}, Outcome: 1, Correct: true, Cost: 30 * money.Cent, Latency: 3 * time.Second},
		{Calls: map[string]int{"b": 1}, Outcome: 0, Cost: 20 * money.Cent, Latency: 2 * time.Second},
	}
}

func TestGroup(t *testing.T) {
	cases := []struct {
		name  string
		group []Rollout
		pref  episode.Preferences
		want  []float64
	}{
		{
			// P = [a 0, b 0, acc 1, cost 1, lat 0] / 2.
			// accuracy column [1,1,0] stays [1,1,0];
			// −cost column [−.1,−.3,−.2] → (x+.3)/.2 = [1, 0, .5].
			// R0 = .5·1 + .5·1 = 1; R1 = .5·1 + .5·0 = .5; R2 unsolved = 0.
			name:  "accuracy and cost",
			group: threeRollouts(),
			pref:  episode.Preferences{Accuracy: 1, Cost: 1},
			want:  []float64{1, 0.5, 0},
		},
		{
			// P = [a 0, b 2, acc 2, cost 0, lat 0] / 4 = [0, .5, .5, 0, 0].
			// b column [0,1,1] stays; R0 = .5·0 + .5·1 = .5; R1 = .5 + .5 = 1.
			name:  "tool preference",
			group: threeRollouts(),
			pref:  episode.Preferences{Accuracy: 2, Tools: map[string]float64{"b": 2}},
			want:  []float64{0.5, 1, 0},
		},
		{
			// Zero preference = Balanced: [acc, cost, lat] each 1/3.
			// −latency column [−1,−3,−2] → [1, 0, .5], like cost.
			// R0 = (1+1+1)/3 = 1; R1 = (1+0+0)/3 = 1/3.
			name:  "zero preference is balanced",
			group: threeRollouts(),
			want:  []float64{1, 1.0 / 3, 0},
		},
		{
			// Negative weights count as 0: P = [0,0, acc 1, cost 0, lat 0].
			name:  "negative weight ignored",
			group: threeRollouts(),
			pref:  episode.Preferences{Accuracy: 1, Cost: -5},
			want:  []float64{1, 1, 0},
		},
		{
			// Tool c is named but never called: its column is all 0, no
			// spread, contributes 0, but its weight still dilutes P:
			// P = [a 0, b 0, c 1, acc 1, cost 0, lat 0] / 2.
			// R0 = R1 = .5·1 = .5.
			name:  "preferred tool never called",
			group: threeRollouts(),
			pref:  episode.Preferences{Accuracy: 1, Tools: map[string]float64{"c": 1}},
			want:  []float64{0.5, 0.5, 0},
		},
		{
			// Partial outcomes: .7 counts as solved, .3 does not.
			// accuracy column [.7, .3, 1] → (x−.3)/.7 = [4/7, 0, 1].
			// P = [acc 1]; R0 = 4/7, R1 unsolved = 0, R2 = 1.
			name: "partial outcomes",
			group: []Rollout{
				{Outcome: 0.7}, {Outcome: 0.3}, {Outcome: 1},
			},
			pref: episode.Preferences{Accuracy: 1},
			want: []float64{4.0 / 7, 0, 1},
		},
		{
			// Everything equal: no feature has spread, R = 0 for all.
			name: "all equal",
			group: []Rollout{
				{Calls: map[string]int{"a": 1}, Outcome: 1, Correct: true, Cost: money.Cent},
				{Calls: map[string]int{"a": 1}, Outcome: 1, Correct: true, Cost: money.Cent},
			},
			pref: Balanced,
			want: []float64{0, 0},
		},
		{
			name:  "one rollout",
			group: []Rollout{{Calls: map[string]int{"a": 1}, Outcome: 1, Correct: true, Cost: money.Cent}},
			pref:  Balanced,
			want:  []float64{0},
		},
		{
			name:  "no solved rollout",
			group: []Rollout{{Outcome: 0, Cost: money.Cent}, {Outcome: 0.2, Cost: 2 * money.Cent}},
			pref:  Balanced,
			want:  []float64{0, 0},
		},
		{
			name: "empty group",
			want: []float64{},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			approxSlice(t, "R", Group(c.group, c.pref), c.want, tol)
		})
	}
}

func TestFeaturesAndWeights(t *testing.T) {
	g := threeRollouts()
	p := episode.Preferences{Accuracy: 3, Cost: 1, Tools: map[string]float64{"z": 4}}
	names := Features(g, p)
	want := []string{"a", "b", "z", "accuracy", "cost", "latency"}
	if len(names) != len(want) {
		t.Fatalf("Features = %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("Features = %v, want %v", names, want)
		}
	}
	// Sum 3+1+4 = 8.
	approxSlice(t, "P", Weights(g, p), []float64{0, 0, 0.5, 3.0 / 8, 1.0 / 8, 0}, tol)
	m := Matrix(g, p)
	approxSlice(t, "M1", m[1], []float64{1, 1, 0, 1, -0.3, -3}, tol)
}

func TestOutcome(t *testing.T) {
	cases := []struct {
		name string
		in   float64
		want float64
	}{
		{"inside", 0.4, 0.4},
		{"negative", -1, 0},
		{"above one", 2, 1},
		{"nan", math.NaN(), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Outcome(env.Score{Outcome: c.in}); !near(got, c.want) {
				t.Errorf("Outcome(%v) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}

func TestFromEpisode(t *testing.T) {
	ep := &episode.Episode{
		Steps: []episode.Step{
			{Turn: 1, Action: episode.Action{Tool: "a"}, Result: &tool.Result{Content: "x"}},
			{Turn: 2, Action: episode.Action{Tool: "b"}, Error: "refused"}, // no result: not a call
			{Turn: 3, Action: episode.Action{Tool: "a"}, Result: &tool.Result{Content: "y"}},
			{Turn: 4, Action: episode.Action{Final: true, Answer: "y"}},
		},
		Cost:    money.Cent,
		Latency: 1500 * time.Millisecond,
	}
	r := FromEpisode(ep, env.Score{Outcome: 1, Correct: true})
	if r.Calls["a"] != 2 || r.Calls["b"] != 0 || len(r.Calls) != 1 {
		t.Errorf("Calls = %v, want map[a:2]", r.Calls)
	}
	if !r.Solved() || r.Cost != money.Cent || r.Latency != 1500*time.Millisecond {
		t.Errorf("rollout = %+v", r)
	}
}
