package learned

import (
	"bytes"
	"math"
	"testing"
)

// TestScoreMode checks that in score mode a call's logit is the
// preference's utility of the predicted score, price and latency, that an
// answer costs nothing more, and that the mode survives a checkpoint.
func TestScoreMode(t *testing.T) {
	p := newTest(t)
	h := ScoreHead{CostWeight: 50, LatencyScaleS: 2, Temp: 0.05}
	if err := p.SetScoreHead(h); err != nil {
		t.Fatal(err)
	}
	s := testState(4, callStep(1, "model-00", "391", false))
	d, err := p.Prepare(s)
	if err != nil {
		t.Fatal(err)
	}
	sc, z := p.Scores(d), p.DecisionLogits(d)
	acc, cost, lat, sum := prefs(s.Task.Preferences)
	for c := range z {
		want := acc * sc[c]
		if !d.IsAnswer(c) {
			spec := s.Tools[d.dec.cands[c].tool]
			want += -cost*h.CostWeight*nominalCost(spec) - lat*spec.Latency.Seconds()/h.LatencyScaleS + s.Task.Preferences.Tools[spec.Name]/sum
		}
		if got := z[c] * h.Temp; math.Abs(got-want) > 1e-9 {
			t.Errorf("candidate %d (%s, answer %v): utility %v, want %v", c, d.Source(c), d.IsAnswer(c), got, want)
		}
	}
	var buf bytes.Buffer
	if err := p.Save(&buf); err != nil {
		t.Fatal(err)
	}
	q, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if q.Config().Score != h {
		t.Errorf("loaded score head %+v, want %+v", q.Config().Score, h)
	}
	if err := p.SetScoreHead(ScoreHead{Temp: math.NaN()}); err == nil {
		t.Error("NaN temperature accepted")
	}
}

// TestBackwardScores compares the score head's gradient with finite
// differences of its loss, and checks that bad targets are refused.
func TestBackwardScores(t *testing.T) {
	p := newTest(t)
	d, err := p.Prepare(testState(4))
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, d.Len())
	y[1], y[2] = 1, 0.5
	grad := make([]float64, len(p.w))
	if _, err := p.BackwardScores(d, y, 0.5, grad); err != nil {
		t.Fatal(err)
	}
	loss := func() float64 {
		l, err := p.BackwardScores(d, y, 0.5, make([]float64, len(p.w)))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	checked := 0
	for i := range p.w {
		if grad[i] == 0 || i%5 != 0 {
			continue
		}
		old := p.w[i]
		const eps = 1e-6
		p.w[i] = old + eps
		p.Touch()
		up := loss()
		p.w[i] = old - eps
		p.Touch()
		down := loss()
		p.w[i] = old
		p.Touch()
		num := (up - down) / (2 * eps)
		if math.Abs(num-grad[i]) > 1e-5*math.Max(1, math.Abs(num)) {
			t.Fatalf("param %d: gradient %v, finite difference %v", i, grad[i], num)
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d parameters checked", checked)
	}
	for name, bad := range map[string][]float64{"short": y[:1], "above one": {2, 0, 0, 0}, "nan": {math.NaN(), 0, 0, 0}} {
		if _, err := p.BackwardScores(d, bad, 1, grad); err == nil {
			t.Errorf("%s targets accepted", name)
		}
	}
}
