package grpo

import (
	"context"
	"math"
	"math/rand"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
)

// traces samples decisions of p on bandit tasks.
func traces(t *testing.T, p *learned.Policy, n int) []*learned.Trace {
	t.Helper()
	b := newBandit(n, 5, "g")
	rng := rand.New(rand.NewSource(1))
	var out []*learned.Trace
	for _, task := range b.Tasks() {
		set, _ := b.Tools(context.Background(), task)
		task := task
		task.Preferences = episode.PreferBalanced
		s := &policy.State{Task: &task, Tools: set.Specs(), Turn: 1}
		_, tr, err := p.Sample(s, rng, 1)
		if err != nil || tr == nil {
			t.Fatal(err)
		}
		out = append(out, tr)
	}
	return out
}

// perturb returns a copy of p with every weight moved by N(0, sd²).
func perturb(p *learned.Policy, sd float64, seed int64) *learned.Policy {
	q := p.Clone()
	rng := rand.New(rand.NewSource(seed))
	for i := range q.Params() {
		q.Params()[i] += rng.NormFloat64() * sd
	}
	q.Touch()
	return q
}

func TestPPOClip(t *testing.T) {
	p := smallPolicy(t, 1)
	tr := traces(t, p, 1)[0]
	logOld := tr.LogProb
	cases := []struct {
		name     string
		logNew   float64 // log π_new(a); ρ = exp(logNew − logOld)
		adv      float64
		wantLoss float64
		wantClip bool
	}{
		// ρ = 1.5 > 1.28 with A > 0: clipped at 1.28, loss −1.28·2.
		{"positive advantage above clip-high", logOld + math.Log(1.5), 2, -2.56, true},
		// ρ = 1.2 inside (0.8, 1.28): loss −1.2·2.
		{"positive advantage inside", logOld + math.Log(1.2), 2, -2.4, false},
		// ρ = 0.5 with A > 0: min(0.5·2, 0.8·2) = 1.0 unclipped, loss −1.
		{"positive advantage below clip-low is not clipped", logOld + math.Log(0.5), 2, -1, false},
		// ρ = 0.5 with A = −1: min(−0.5, −0.8) = −0.8 clipped, loss 0.8.
		{"negative advantage below clip-low", logOld + math.Log(0.5), -1, 0.8, true},
		// ρ = 1.5 with A = −1: min(−1.5, −1.28) = −1.5 unclipped, loss 1.5.
		{"negative advantage above clip-high is not clipped", logOld + math.Log(1.5), -1, 1.5, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Shift the trace's recorded old log-prob so that the current
			// policy's log-prob plays logNew.
			cur := p.LogProb(tr)
			s := *tr
			s.LogProb = cur - (c.logNew - logOld)
			st := ppo(p, []sample{{tr: &s, adv: c.adv, refLogp: cur}}, 0.2, 0.28, 0, 0, nil)
			if math.Abs(st.Loss-c.wantLoss) > 1e-9 {
				t.Errorf("loss = %v, want %v", st.Loss, c.wantLoss)
			}
			if (st.ClipFrac == 1) != c.wantClip {
				t.Errorf("clip fraction %v, want clipped=%v", st.ClipFrac, c.wantClip)
			}
			// A clipped sample contributes no gradient.
			grad := make([]float64, len(p.Params()))
			ppo(p, []sample{{tr: &s, adv: c.adv, refLogp: cur}}, 0.2, 0.28, 0, 0, grad)
			norm := 0.0
			for _, g := range grad {
				norm += g * g
			}
			if c.wantClip != (norm == 0) {
				t.Errorf("gradient norm² %v with clipped=%v", norm, c.wantClip)
			}
		})
	}
}

func TestKLk3(t *testing.T) {
	p := smallPolicy(t, 1)
	tr := traces(t, p, 1)[0]
	cur := p.LogProb(tr)
	// r = π_ref/π = e^{0.5}: k3 = e^{0.5} − 1 − 0.5 = 0.1487213.
	st := ppo(p, []sample{{tr: tr, adv: 0, refLogp: cur + 0.5}}, 0.2, 0.28, 1, 0, nil)
	if want := math.Exp(0.5) - 1.5; math.Abs(st.KL-want) > 1e-9 || math.Abs(st.Loss-want) > 1e-9 {
		t.Errorf("KL = %v, loss = %v, want %v", st.KL, st.Loss, want)
	}
}

// TestPPOGradient checks the objective's gradient, advantages, clipping
// and KL included, against central differences.
func TestPPOGradient(t *testing.T) {
	old := smallPolicy(t, 2)
	trs := traces(t, old, 9)
	p := perturb(old, 0.4, 3)
	ref := perturb(old, 0.05, 4)
	var samples []sample
	for i, tr := range trs {
		samples = append(samples, sample{tr: tr, adv: float64(i%5) - 2, refLogp: ref.LogProb(tr)})
	}
	grad := make([]float64, len(p.Params()))
	st := ppo(p, samples, 0.2, 0.28, 0.05, 0.02, grad)
	if st.ClipFrac == 0 || st.ClipFrac == 1 {
		t.Fatalf("clip fraction %v: want both clipped and unclipped samples in the check", st.ClipFrac)
	}
	w := p.Params()
	checked := 0
	for i := range w {
		if grad[i] == 0 && i%53 != 0 {
			continue
		}
		const h = 1e-6
		o := w[i]
		w[i] = o + h
		p.Touch()
		up := ppo(p, samples, 0.2, 0.28, 0.05, 0.02, nil).Loss
		w[i] = o - h
		p.Touch()
		down := ppo(p, samples, 0.2, 0.28, 0.05, 0.02, nil).Loss
		w[i] = o
		p.Touch()
		num := (up - down) / (2 * h)
		if math.Abs(num-grad[i]) > 1e-5*math.Max(1, math.Abs(num)) {
			t.Errorf("param %d: backprop %.8f, numeric %.8f", i, grad[i], num)
		}
		checked++
	}
	if checked < 200 {
		t.Errorf("checked only %d parameters", checked)
	}
}

func TestAdam(t *testing.T) {
	// Minimise (w−3)²: Adam's first step moves by lr·sign(g) exactly.
	w := []float64{0}
	a := newAdam(1, 0.1)
	a.step(w, []float64{2 * (w[0] - 3)})
	if math.Abs(w[0]-0.1) > 1e-6 {
		t.Fatalf("first step to %v, want 0.1", w[0])
	}
	for i := 0; i < 500; i++ {
		a.step(w, []float64{2 * (w[0] - 3)})
	}
	if math.Abs(w[0]-3) > 0.05 {
		t.Errorf("converged to %v, want 3", w[0])
	}
	g := []float64{3, 4}
	if n := clipNorm(g, 1); n != 5 || math.Abs(g[0]-0.6) > 1e-12 || math.Abs(g[1]-0.8) > 1e-12 {
		t.Errorf("clipNorm: norm %v, g %v", n, g)
	}
}

func TestSamplePreferences(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var presets, tools int
	for i := 0; i < 4000; i++ {
		p := SamplePreferences(rng, []string{"a", "b"})
		if p.Accuracy < 0.2 || p.Cost < 0 || p.Latency < 0 {
			t.Fatalf("bad preference %+v", p)
		}
		for _, q := range []episode.Preferences{episode.PreferAccuracy, episode.PreferBalanced, episode.PreferCost} {
			if p.Accuracy == q.Accuracy && p.Cost == q.Cost && p.Latency == q.Latency {
				presets++
			}
		}
		if len(p.Tools) > 0 {
			tools++
		}
	}
	// 3/4 presets, 1/8 with a tool weight, within sampling noise.
	if presets < 2850 || presets > 3150 {
		t.Errorf("presets %d of 4000, want ≈ 3000", presets)
	}
	if tools < 400 || tools > 600 {
		t.Errorf("tool preferences %d of 4000, want ≈ 500", tools)
	}
}
