package learned

import (
	"math"
	"strings"
	"testing"
)

// TestBackwardLogits checks the logit-level backward pass against central
// differences of a soft-target cross-entropy, and its input checks.
func TestBackwardLogits(t *testing.T) {
	p := newTest(t)
	d, err := p.Prepare(testState(4, callStep(1, "model-00", "391", false)))
	if err != nil || d.Len() < 3 || !d.IsAnswer(0) || d.Source(0) != "model-00" {
		t.Fatalf("prepare: %v, %d candidates", err, d.Len())
	}
	target := make([]float64, d.Len())
	target[1] = 1
	ce := func(z []float64) (float64, []float64) {
		pr, lp := Softmax(z, 1)
		g := make([]float64, len(z))
		l := 0.0
		for k := range z {
			l -= target[k] * lp[k]
			g[k] = pr[k] - target[k]
		}
		return l, g
	}
	grad := make([]float64, len(p.w))
	if _, err := p.BackwardLogits(d, ce, grad); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i := range p.w {
		if grad[i] == 0 || i%7 != 0 {
			continue
		}
		old := p.w[i]
		const h = 1e-6
		p.w[i] = old + h
		p.Touch()
		up, _ := ce(p.DecisionLogits(d))
		p.w[i] = old - h
		p.Touch()
		down, _ := ce(p.DecisionLogits(d))
		p.w[i] = old
		p.Touch()
		if num := (up - down) / (2 * h); math.Abs(num-grad[i]) > 1e-5*math.Max(1, math.Abs(num)) {
			t.Errorf("param %d: backprop %.8f, numeric %.8f", i, grad[i], num)
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d parameters checked", checked)
	}
	cases := []struct {
		name string
		loss func([]float64) (float64, []float64)
		grad []float64
		want string
	}{
		{"short gradient buffer", ce, make([]float64, 3), "gradient has"},
		{"wrong logit count", func(z []float64) (float64, []float64) { return 0, nil }, make([]float64, len(p.w)), "logit gradients"},
		{"nan", func(z []float64) (float64, []float64) { g := make([]float64, len(z)); g[0] = math.NaN(); return 0, g }, make([]float64, len(p.w)), "NaN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := p.BackwardLogits(d, c.loss, c.grad); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
}
