package bench

import (
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var replot = flag.String("replot", "", "results.json to redraw into pareto.png beside it (a manual check of the plot's readability)")

// TestReplot redraws a results.json given with -replot; without the flag
// it draws the plot of a small fixed result and checks a PNG was written.
func TestReplot(t *testing.T) {
	if *replot == "" {
		res := &Results{Dataset: "fixed", Rows: []Row{
			{Policy: "single:a", Accuracy: 0.5, CostUSD: 0.001},
			{Policy: "single:b", Accuracy: 0.9, CostUSD: 0.01},
			{Policy: "learned:balanced", Accuracy: 0.85, CostUSD: 0.002},
			{Policy: "learned:cost=1", Accuracy: 0.8, CostUSD: 0.0015},
			{Policy: "learned-warm:balanced", Accuracy: 0.8, CostUSD: 0.002},
			{Policy: "cascade:agree2", Accuracy: 0.88, CostUSD: 0.003},
			{Policy: "frugal", Accuracy: 0.89, CostUSD: 0.0025},
			{Policy: "vote:3", Accuracy: 0.91, CostUSD: 0.02},
			{Policy: "oracle", Accuracy: 0.99, CostUSD: 0.0012},
		}}
		path := t.TempDir() + "/p.png"
		if err := ParetoPlot(path, res); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Size() < 1000 {
			t.Fatalf("plot %v %v", st, err)
		}
		return
	}
	b, err := os.ReadFile(*replot)
	if err != nil {
		t.Fatal(err)
	}
	var res Results
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if err := ParetoPlot(*replot+".png", &res); err != nil {
		t.Fatal(err)
	}
}
