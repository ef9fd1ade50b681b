package learned

import (
	"context"
	"encoding/json"
	"math"
	"math/rand"
	"sort"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
)

func newTest(t testing.TB) *Policy {
	t.Helper()
	p, err := New(Config{TextBuckets: 256, ToolBuckets: 64, Dim: 6, Hidden: 5}, 7)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func describe(acts []episode.Action) []string {
	var out []string
	for _, a := range acts {
		if a.Final {
			out = append(out, "answer:"+a.Answer)
		} else {
			out = append(out, "call:"+a.Tool)
		}
	}
	sort.Strings(out)
	return out
}

func TestCandidates(t *testing.T) {
	cases := []struct {
		name  string
		state *policy.State
		want  []string
	}{
		{
			name:  "first turn: every tool",
			state: testState(3),
			want:  []string{"call:model-00", "call:model-01", "call:model-02"},
		},
		{
			name:  "called and failed tools are masked; results become answers",
			state: testState(3, callStep(1, "model-00", "391", false), callStep(2, "model-01", "boom", true)),
			want:  []string{"answer:391", "call:model-02"},
		},
		{
			name:  "identical answers are one candidate",
			state: testState(4, callStep(1, "model-00", "391", false), callStep(2, "model-02", "391", false)),
			want:  []string{"answer:391", "call:model-01", "call:model-03"},
		},
		{
			name: "last turn offers only answers",
			state: testState(5, callStep(1, "model-00", "391", false), callStep(2, "model-01", "401", false),
				callStep(3, "model-02", "391", false)),
			want: []string{"answer:391", "answer:401"},
		},
		{
			name: "last turn without answers still calls",
			state: testState(5, callStep(1, "model-00", "", false), callStep(2, "model-01", "x", true),
				callStep(3, "model-02", "err", true)),
			want: []string{"call:model-03", "call:model-04"},
		},
		{
			name:  "nothing left",
			state: testState(1, callStep(1, "model-00", "x", true)),
			want:  nil,
		},
	}
	p := newTest(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			acts, logits, err := p.Logits(c.state)
			if err != nil {
				t.Fatal(err)
			}
			if len(acts) != len(logits) {
				t.Fatalf("%d actions, %d logits", len(acts), len(logits))
			}
			got := describe(acts)
			if len(got) != len(c.want) {
				t.Fatalf("candidates %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("candidates %v, want %v", got, c.want)
				}
			}
			for _, z := range logits {
				if math.IsNaN(z) || math.IsInf(z, 0) {
					t.Fatalf("logit %v", z)
				}
			}
		})
	}
}

func TestDecide(t *testing.T) {
	p := newTest(t)
	a, err := p.Decide(context.Background(), testState(3))
	if err != nil {
		t.Fatal(err)
	}
	if a.Final || a.Tool == "" {
		t.Fatalf("first action %+v: want a call", a)
	}
	var args map[string]any
	if err := json.Unmarshal(a.Args, &args); err != nil {
		t.Fatal(err)
	}
	if args["prompt"] != testState(3).Task.Prompt || len(args) != 1 {
		t.Errorf("args = %s: want the prompt in the required string field only", a.Args)
	}
	// Decide is the argmax of Logits.
	acts, logits, _ := p.Logits(testState(3))
	best := 0
	for i := range logits {
		if logits[i] > logits[best] {
			best = i
		}
	}
	if acts[best].Tool != a.Tool {
		t.Errorf("Decide chose %s, argmax is %s", a.Tool, acts[best].Tool)
	}

	a, err = p.Decide(context.Background(), testState(1, callStep(1, "model-00", "x", true)))
	if err != nil || !a.Final || a.Answer != "" {
		t.Errorf("no candidates: got %+v, %v; want an empty final answer", a, err)
	}
	if _, err := p.Decide(context.Background(), &policy.State{}); err == nil {
		t.Error("state without task: want an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Decide(ctx, testState(2)); err == nil {
		t.Error("cancelled context: want an error")
	}
}

func TestSample(t *testing.T) {
	p := newTest(t)
	s := testState(4, callStep(1, "model-00", "391", false))
	counts := map[string]int{}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		a, tr, err := p.Sample(s, rng, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.LogProb(tr); math.Abs(got-tr.LogProb) > 1e-12 {
			t.Fatalf("LogProb = %v, trace says %v", got, tr.LogProb)
		}
		counts[describe([]episode.Action{a})[0]]++
	}
	// Empirical frequencies match softmax(logits).
	acts, logits, _ := p.Logits(s)
	pr, _ := softmax(logits, 1)
	for i, a := range acts {
		f := float64(counts[describe([]episode.Action{a})[0]]) / 2000
		if math.Abs(f-pr[i]) > 0.04 {
			t.Errorf("%v sampled %.3f, π = %.3f", describe([]episode.Action{a}), f, pr[i])
		}
	}
	if _, _, err := p.Sample(s, rng, 0); err == nil {
		t.Error("temperature 0: want an error")
	}
	// Same seed, same choices.
	r1, r2 := rand.New(rand.NewSource(5)), rand.New(rand.NewSource(5))
	for i := 0; i < 50; i++ {
		_, t1, _ := p.Sample(s, r1, 0.7)
		_, t2, _ := p.Sample(s, r2, 0.7)
		if t1.Index != t2.Index {
			t.Fatal("sampling is not deterministic from the seed")
		}
	}
}

// TestGradient checks Backward against central differences of
// log π + 0.7·H
// for a sample of parameters, including embedding rows the decision uses.
func TestGradient(t *testing.T) {
	for _, temp := range []float64{1, 0.6} {
		p := newTest(t)
		s := testState(4, callStep(1, "model-00", "391", false), callStep(2, "model-02", "401", false))
		s.Task.Budget.MaxTurns = 6
		rng := rand.New(rand.NewSource(3))
		_, tr, err := p.Sample(s, rng, temp)
		if err != nil || tr == nil || tr.Candidates() < 3 {
			t.Fatalf("sample: %v, %+v", err, tr)
		}
		grad := make([]float64, len(p.w))
		p.Backward(tr, func(float64, float64) (float64, float64) { return 1, 0.7 }, grad)
		checked, nonzero := 0, 0
		for i := range p.w {
			// Every parameter with a non-zero gradient plus a stride
			// of the rest (which must have zero gradient numerically too).
			if grad[i] == 0 && i%97 != 0 {
				continue
			}
			old := p.w[i]
			const h = 1e-6
			p.w[i] = old + h
			p.Touch()
			lp, ent := p.LogProbEntropy(tr)
			up := lp + 0.7*ent
			p.w[i] = old - h
			p.Touch()
			lp, ent = p.LogProbEntropy(tr)
			down := lp + 0.7*ent
			p.w[i] = old
			p.Touch()
			num := (up - down) / (2 * h)
			if math.Abs(num-grad[i]) > 1e-5*math.Max(1, math.Abs(num)) {
				t.Errorf("temp %v: param %d: backprop %.8f, numeric %.8f", temp, i, grad[i], num)
			}
			checked++
			if grad[i] != 0 {
				nonzero++
			}
		}
		if nonzero < 100 {
			t.Errorf("only %d non-zero gradients of %d checked", nonzero, checked)
		}
	}
}

func TestNewDeterministic(t *testing.T) {
	a, b := newTest(t), newTest(t)
	for i := range a.w {
		if a.w[i] != b.w[i] {
			t.Fatal("same seed gave different weights")
		}
	}
	if _, err := New(Config{TextBuckets: 100, ToolBuckets: 64, Dim: 4, Hidden: 4}, 1); err == nil {
		t.Error("non-power-of-two buckets: want an error")
	}
}

func TestTouchInvalidatesCache(t *testing.T) {
	p := newTest(t)
	s := testState(3)
	_, before, _ := p.Logits(s)
	for i := p.l.text; i < p.l.head[0].w1s; i++ {
		p.w[i] *= 2
	}
	p.Touch()
	_, after, _ := p.Logits(s)
	same := true
	for i := range before {
		same = same && before[i] == after[i]
	}
	if same {
		t.Error("logits unchanged after changing embeddings and Touch")
	}
}
