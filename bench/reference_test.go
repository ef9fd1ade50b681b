package bench

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/baseline"
)

// tinyZero is bench/testdata/tiny-zeroeval: five models on four questions
// whose answers fix each reference policy's path (see the fixture's
// generator in its README).
func tinyZero(t *testing.T) *replay.Env {
	t.Helper()
	e, err := replay.LoadZeroEval("testdata/tiny-zeroeval", "gsm")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// run plays pol on the task with id and returns the tools called in
// order, the final answer and the verifier's outcome.
func run(t *testing.T, e *replay.Env, id string, pol policy.Policy, maxTurns int) (calls []string, answer string, outcome float64) {
	t.Helper()
	ctx := context.Background()
	for _, task := range e.Tasks() {
		if task.ID != id {
			continue
		}
		task.Budget = episode.Budget{MaxTurns: maxTurns}
		set, err := e.Tools(ctx, task)
		if err != nil {
			t.Fatal(err)
		}
		ep, err := orchestrator.Run(ctx, task, pol, set)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := e.Score(ctx, task, ep)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ep.Steps {
			if s.Action.Tool != "" {
				calls = append(calls, s.Action.Tool)
			}
		}
		return calls, ep.Answer, sc.Outcome
	}
	t.Fatalf("no task %s", id)
	return nil, "", 0
}

const (
	gemma   = "gemma-2-2b-it"
	flash   = "gemini-1.5-flash"
	mini    = "gpt-4o-mini-2024-07-18"
	mistral = "Mistral-Large-2"
	gpt4o   = "gpt-4o-2024-08-06"
)

func TestCascadePaths(t *testing.T) {
	e := tinyZero(t)
	tests := []struct {
		name    string
		c       Cascade
		task    string
		calls   []string
		answer  string
		outcome float64
	}{
		{"agree2 stops at the first two agreeing answers", Cascade{K: 2}, "q1", []string{gemma, flash}, "10", 1},
		{"agree2 escalates to the dearest after the cap", Cascade{K: 2}, "q2", []string{gemma, flash, mini, mistral, gpt4o}, "20", 1},
		{"an unparsed answer never agrees", Cascade{K: 2}, "q3", []string{gemma, flash, mini}, "30", 1},
		{"agreeing wrong answers are adopted", Cascade{K: 2}, "q4", []string{gemma, flash}, "4", 0},
		{"agree3 needs a third", Cascade{K: 3}, "q1", []string{gemma, flash, mini, mistral}, "10", 1},
		{"agree3 escalates", Cascade{K: 3}, "q4", []string{gemma, flash, mini, mistral, gpt4o}, "40", 1},
		{"cap 1 escalates after one cheap model", Cascade{K: 2, Cap: 1}, "q2", []string{gemma, gpt4o}, "20", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls, answer, outcome := run(t, e, tc.task, tc.c, tc.c.MaxTurns())
			if strings.Join(calls, ",") != strings.Join(tc.calls, ",") || answer != tc.answer || outcome != tc.outcome {
				t.Fatalf("calls %v answer %q outcome %v; want %v %q %v", calls, answer, outcome, tc.calls, tc.answer, tc.outcome)
			}
		})
	}
	if _, err := (Cascade{K: 1}).Decide(context.Background(), &policy.State{Task: &episode.Task{}}); err == nil {
		t.Error("a cascade with K = 1 decided")
	}
}

func TestVote(t *testing.T) {
	e := tinyZero(t)
	acc := map[string]float64{gpt4o: 0.9, mistral: 0.8, mini: 0.7, flash: 0.6, gemma: 0.2}
	v := NewVote(acc, 3)
	if strings.Join(v.Models, ",") != gpt4o+","+mistral+","+mini {
		t.Fatalf("voters %v", v.Models)
	}
	tests := []struct {
		name    string
		v       Vote
		task    string
		answer  string
		outcome float64
	}{
		{"plurality beats the strongest voter", v, "q3", "30", 1},
		{"plurality", v, "q2", "20", 1},
		{"a tie goes to the most accurate voter", Vote{Models: []string{gpt4o, gemma}}, "q2", "20", 1},
		{"a tie goes to the most accurate voter, whoever is called first", Vote{Models: []string{gemma, gpt4o}}, "q2", "5", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls, answer, outcome := run(t, e, tc.task, tc.v, tc.v.MaxTurns())
			if len(calls) != len(tc.v.Models) || answer != tc.answer || outcome != tc.outcome {
				t.Fatalf("calls %v answer %q outcome %v; want %d calls, %q, %v", calls, answer, outcome, len(tc.v.Models), tc.answer, tc.outcome)
			}
		})
	}
}

func TestFrugalStages(t *testing.T) {
	e := tinyZero(t)
	// A hand-set two-stage cascade: adopt flash's answer only when an
	// earlier answer agrees with it (weight on the agreement feature).
	f := &Frugal{Chain: []string{gemma, flash, gpt4o}, Stages: []FrugalStage{
		{Weights: []float64{-10, 0, 0, 0, 0, 0, 0}, Threshold: 0.5},
		{Weights: []float64{-5, 0, 0, 0, 0, 0, 10}, Threshold: 0.5},
		{Weights: make([]float64, 7), Threshold: math.Inf(1)},
	}}
	for _, tc := range []struct {
		task   string
		calls  int
		answer string
	}{{"q1", 2, "10"}, {"q2", 3, "20"}, {"q3", 3, "31"}} {
		calls, answer, _ := run(t, e, tc.task, f, f.MaxTurns())
		if len(calls) != tc.calls || answer != tc.answer {
			t.Errorf("%s: calls %v answer %q; want %d calls, %q", tc.task, calls, answer, tc.calls, tc.answer)
		}
	}
}

func TestFrugalFit(t *testing.T) {
	ctx := context.Background()
	e := tinyZero(t)
	models := visibleModels(e, nil)
	ff, err := newFrugalFit(ctx, e, e, e, models)
	if err != nil {
		t.Fatal(err)
	}
	if !observable(ff.Train) {
		t.Fatal("the fixture's answers are not observable")
	}
	// Cost dominates: one model, the cheapest on the training Pareto set.
	cheap := ff.Fit(1e6)
	if len(cheap.Chain) != 1 || cheap.Chain[0] != gemma {
		t.Errorf("cost-dominated chain %v, want [%s]", cheap.Chain, gemma)
	}
	// Accuracy only: the chosen cascade is at least as accurate as every
	// single model (chains of one are among the candidates).
	best := ff.Fit(0)
	obj := ff.objective(ff.Val, indexes(models, best.Chain), best.Stages, 0)
	for mi := range models {
		if acc, _ := ff.Train.single(mi); acc > obj+1e-9 {
			t.Errorf("accuracy-first chain %v scores %v, below %s alone (%v)", best.Chain, obj, models[mi], acc)
		}
	}
}

func indexes(all, names []string) []int {
	var out []int
	for _, n := range names {
		for i, a := range all {
			if a == n {
				out = append(out, i)
			}
		}
	}
	return out
}

func TestLogistic(t *testing.T) {
	// y = 1 exactly when x > 0: the fitted weight on x is positive and the
	// predictions fall on the right side of 1/2.
	var xs [][]float64
	var ys []bool
	for i := -10; i <= 10; i++ {
		if i == 0 {
			continue
		}
		xs = append(xs, []float64{1, float64(i) / 10})
		ys = append(ys, i > 0)
	}
	w := logistic(xs, ys, 1e-2, 25)
	if w[1] <= 0 {
		t.Fatalf("weights %v", w)
	}
	for n, x := range xs {
		if (sigmoid(dotF(w, x)) > 0.5) != ys[n] {
			t.Errorf("x=%v misclassified", x)
		}
	}
	if solve([][]float64{{0, 0}, {0, 0}}, []float64{1, 1}) != nil {
		t.Error("a singular system solved")
	}
}

func TestEvaluateCallsDistAndExample(t *testing.T) {
	e := tinyZero(t)
	c := Cascade{K: 2}
	row, err := Evaluate(context.Background(), e, Entry{Name: "cascade:agree2", Policy: c, MaxTurns: c.MaxTurns()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// q1 2 calls, q2 5, q3 3, q4 2.
	want := map[string]float64{"2": 0.5, "3": 0.25, "5": 0.25}
	if len(row.CallsDist) != len(want) {
		t.Fatalf("calls_dist %v, want %v", row.CallsDist, want)
	}
	for k, v := range want {
		if math.Abs(row.CallsDist[k]-v) > 1e-9 {
			t.Errorf("calls_dist[%s] = %v, want %v", k, row.CallsDist[k], v)
		}
	}
	if row.CallsPerTask != 3 || row.Accuracy != 0.75 || !row.UsageEstimated {
		t.Errorf("row %+v", row)
	}
	ex := row.Example
	if ex == nil || ex.Task != "q2" || len(ex.Calls) != 5 || ex.Calls[2].Answer != "20" || ex.Answer != "20" || ex.Outcome != 1 {
		t.Fatalf("example %+v", ex)
	}
	single, err := Evaluate(context.Background(), e, Entry{Name: "single", Policy: Single(gpt4o)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if single.CallsDist != nil {
		t.Errorf("one call per task still reports calls_dist %v", single.CallsDist)
	}
	if single.Accuracy != 0.75 {
		t.Errorf("single gpt-4o accuracy %v, want 0.75 (answers with the extracted answer)", single.Accuracy)
	}
}

func cheapestPolicy() policy.Policy { return baseline.New("cheapest", baseline.ByCost(false)) }
