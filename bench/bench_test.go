package bench

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy/baseline"
)

func tiny(t *testing.T, split string) *replay.Env {
	t.Helper()
	e, err := replay.LoadLLMRouter("../env/replay/testdata/tiny-llmrouter", split)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestAUC(t *testing.T) {
	tests := []struct {
		name   string
		points []Point
		lo, hi float64
		want   float64
	}{
		// One point at the cheapest cost: its accuracy over the whole range.
		{"flat", []Point{{1, 0.5}}, 1, 100, 0.5},
		// 0.4 from 1 to 10, then 0.8 from 10 to 100: half the log range each.
		{"step", []Point{{1, 0.4}, {10, 0.8}}, 1, 100, 0.6},
		// Nothing until 10: zero over the first half.
		{"late start", []Point{{10, 0.8}}, 1, 100, 0.4},
		// A worse, dearer point does not lower the curve.
		{"dominated point", []Point{{1, 0.6}, {10, 0.3}}, 1, 100, 0.6},
		{"point beyond range ignored", []Point{{1, 0.5}, {1000, 1}}, 1, 100, 0.5},
		{"empty", nil, 1, 100, 0},
		{"bad range", []Point{{1, 1}}, 0, 100, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := AUC(tc.points, tc.lo, tc.hi); math.Abs(got-tc.want) > 1e-9 {
				t.Fatalf("AUC = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEvaluateAndOracle(t *testing.T) {
	ctx := context.Background()
	e := tiny(t, "test")
	oracle, err := Evaluate(ctx, e, Entry{Name: "oracle", Policy: Oracle(e)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The oracle's accuracy is the share of tasks some model got right
	// (its best score otherwise), and its cost never exceeds the cheapest
	// correct model's.
	var want float64
	var wantCost money.Amount
	for _, task := range e.Tasks() {
		best := 0.0
		for _, o := range e.Outcomes(task.ID) {
			best = math.Max(best, o.Score)
		}
		if o, ok := e.Oracle(task.ID); ok {
			wantCost += o.Cost
			best = o.Score
		}
		want += best
	}
	want /= float64(len(e.Tasks()))
	if math.Abs(oracle.Accuracy-want) > 1e-9 {
		t.Errorf("oracle accuracy %v, want %v", oracle.Accuracy, want)
	}
	if oracle.CallsPerTask != 1 || oracle.Answered != 1 {
		t.Errorf("oracle calls %v answered %v", oracle.CallsPerTask, oracle.Answered)
	}
	for _, s := range e.Specs() {
		single, err := Evaluate(ctx, e, Entry{Name: "single:" + s.Name, Policy: Single(s.Name)}, Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if single.Accuracy > oracle.Accuracy+1e-9 {
			t.Errorf("single %s beats the oracle: %v > %v", s.Name, single.Accuracy, oracle.Accuracy)
		}
		if single.ToolShare[s.Name] != 1 {
			t.Errorf("single %s tool share %v", s.Name, single.ToolShare)
		}
	}
	// Results do not depend on the number of workers.
	a, _ := Evaluate(ctx, e, Entry{Name: "cheapest", Policy: baseline.New("c", baseline.ByCost(false))}, Options{Workers: 1})
	b, _ := Evaluate(ctx, e, Entry{Name: "cheapest", Policy: baseline.New("c", baseline.ByCost(false))}, Options{Workers: 4})
	if a.TotalCost != b.TotalCost || a.Accuracy != b.Accuracy {
		t.Errorf("workers change results: %+v vs %+v", a, b)
	}
}

func TestKNNThresholds(t *testing.T) {
	ctx := context.Background()
	train, test := tiny(t, "train"), tiny(t, "test")
	kn := NewKNN(train, train, 5)
	lowest, err := Evaluate(ctx, test, Entry{Name: "knn:0", Policy: kn.Router(0)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cheapest, _ := Evaluate(ctx, test, Entry{Name: "cheapest", Policy: baseline.New("c", baseline.ByCost(false))}, Options{})
	if lowest.TotalCost != cheapest.TotalCost {
		t.Errorf("threshold 0 should always pick the cheapest model: %s vs %s", lowest.TotalCost, cheapest.TotalCost)
	}
	highest, _ := Evaluate(ctx, test, Entry{Name: "knn:1", Policy: kn.Router(1.01)}, Options{})
	if highest.TotalCost < lowest.TotalCost {
		t.Errorf("a higher threshold spent less: %s < %s", highest.TotalCost, lowest.TotalCost)
	}
	est := kn.Estimate(test.Tasks()[0].Prompt)
	if len(est) == 0 {
		t.Fatal("no estimates")
	}
	for m, v := range est {
		if v < 0 || v > 1 {
			t.Errorf("estimate for %s out of [0,1]: %v", m, v)
		}
	}
}

func TestWriteReport(t *testing.T) {
	dir := t.TempDir()
	res := &Results{Dataset: "tiny", NEval: 2, Rows: []Row{
		{Policy: "single:a", Accuracy: 0.5, CostUSD: 0.001, ToolShare: map[string]float64{"a": 1}},
		{Policy: "knn:0.5", Accuracy: 0.6, CostUSD: 0.002},
		{Policy: "learned:balanced", Accuracy: 0.7, CostUSD: 0.0015},
		{Policy: "free", Accuracy: 0.1, CostUSD: 0},
	}, AUC: map[string]float64{"knn": 0.3}}
	if err := WriteReport(dir, res); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"results.json", "pareto.png", "index.html"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if _, ok := res.Row("knn:0.5"); !ok {
		t.Fatal("Row lookup failed")
	}
}

func TestParetoPlotDegenerate(t *testing.T) {
	for name, rows := range map[string][]Row{
		"one row":         {{Policy: "llm:x", Accuracy: 0.5, CostUSD: 0.01}},
		"same cost":       {{Policy: "a", Accuracy: 0.5, CostUSD: 0.01}, {Policy: "b", Accuracy: 0.6, CostUSD: 0.01}},
		"everything free": {{Policy: "a", Accuracy: 0.5}},
	} {
		t.Run(name, func(t *testing.T) {
			if err := ParetoPlot(filepath.Join(t.TempDir(), "p.png"), &Results{Dataset: name, Rows: rows}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
