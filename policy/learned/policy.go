package learned

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
)

// Policy is the learned orchestrator: weights plus caches. Decide and
// Sample may run concurrently; changing the weights (through [Policy.Params])
// must not, and must be followed by [Policy.Touch].
type Policy struct {
	cfg     Config
	l       layout
	w       []float64
	version atomic.Uint64
	feats   *featCache
	emb     embCache
}

var _ policy.Policy = (*Policy)(nil)

// New returns a randomly initialised policy; the same config and seed give
// the same weights.
func New(cfg Config, seed int64) (*Policy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := newPolicy(cfg)
	initParams(p.l, p.w, rand.New(rand.NewSource(seed)))
	return p, nil
}

func newPolicy(cfg Config) *Policy {
	l := newLayout(cfg)
	p := &Policy{cfg: cfg, l: l, w: make([]float64, l.size), feats: newFeatCache()}
	p.version.Store(1)
	return p
}

// Config returns the network's sizes.
func (p *Policy) Config() Config { return p.cfg }

// TrainedThrough returns [Config.TrainedThrough] as a time (zero when
// unset).
func (p *Policy) TrainedThrough() time.Time {
	if p.cfg.TrainedThrough == 0 {
		return time.Time{}
	}
	return time.UnixMilli(p.cfg.TrainedThrough).UTC()
}

// SetTrainedThrough records that p was trained on logged runs created up
// to t (see [Config.TrainedThrough]).
func (p *Policy) SetTrainedThrough(t time.Time) {
	p.cfg.TrainedThrough = 0
	if !t.IsZero() {
		p.cfg.TrainedThrough = t.UnixMilli()
	}
}

// Params returns the live flat parameter vector, for optimisers. Call
// [Policy.Touch] after changing it.
func (p *Policy) Params() []float64 { return p.w }

// Touch invalidates cached embeddings after the weights changed.
func (p *Policy) Touch() { p.version.Add(1) }

// Clone returns an independent copy of the weights sharing the
// weight-independent feature cache.
func (p *Policy) Clone() *Policy {
	q := &Policy{cfg: p.cfg, l: p.l, w: append([]float64(nil), p.w...), feats: p.feats}
	q.version.Store(1)
	return q
}

// CopyFrom overwrites p's weights with q's (same config) and touches p.
func (p *Policy) CopyFrom(q *Policy) error {
	if p.cfg != q.cfg {
		return fmt.Errorf("learned: copy between different configs %+v and %+v", q.cfg, p.cfg)
	}
	copy(p.w, q.w)
	p.Touch()
	return nil
}

// Decide implements policy.Policy greedily: the highest-scoring candidate,
// the first on ties.
func (p *Policy) Decide(ctx context.Context, s *policy.State) (episode.Action, error) {
	if err := ctx.Err(); err != nil {
		return episode.Action{}, fmt.Errorf("learned: %w", err)
	}
	dec, err := p.decision(s)
	if err != nil {
		return episode.Action{}, err
	}
	if len(dec.cands) == 0 {
		return noCandidate(), nil
	}
	f := p.forward(dec)
	best := 0
	for i, z := range f.logits {
		if z > f.logits[best] {
			best = i
		}
	}
	return dec.action(best), nil
}

func noCandidate() episode.Action {
	return episode.Action{Final: true, Thought: "learned: no tool left to call and no result to answer with"}
}

// Trace records one sampled decision: enough to recompute its log-probability
// and gradient under other weights.
type Trace struct {
	dec *decision
	// Index is the chosen candidate.
	Index int
	// LogProb is log π(Index) under the sampling weights at Temp.
	LogProb float64
	// Temp is the sampling temperature.
	Temp float64
}

// Candidates returns the number of candidates the choice was among.
func (t *Trace) Candidates() int { return len(t.dec.cands) }

// Sample draws an action from softmax(logits/temp) with rng and returns it
// with its trace. The trace is nil when there was no candidate (the action
// is then an empty answer, which has no choice to learn from).
func (p *Policy) Sample(s *policy.State, rng *rand.Rand, temp float64) (episode.Action, *Trace, error) {
	if temp <= 0 || math.IsNaN(temp) {
		return episode.Action{}, nil, fmt.Errorf("learned: temperature %v: want > 0", temp)
	}
	dec, err := p.decision(s)
	if err != nil {
		return episode.Action{}, nil, err
	}
	if len(dec.cands) == 0 {
		return noCandidate(), nil, nil
	}
	f := p.forward(dec)
	pr, logp := softmax(f.logits, temp)
	r := rng.Float64()
	idx := len(pr) - 1
	for i, v := range pr {
		if r < v {
			idx = i
			break
		}
		r -= v
	}
	return dec.action(idx), &Trace{dec: dec, Index: idx, LogProb: logp[idx], Temp: temp}, nil
}

// LogProb returns log π(tr.Index) under p's current weights at tr.Temp.
func (p *Policy) LogProb(tr *Trace) float64 {
	lp, _ := p.LogProbEntropy(tr)
	return lp
}

// LogProbEntropy returns log π(tr.Index) and the entropy of π over the
// decision's candidates, under p's current weights at tr.Temp.
func (p *Policy) LogProbEntropy(tr *Trace) (logp, entropy float64) {
	f := p.forward(tr.dec)
	pr, lp := softmax(f.logits, tr.Temp)
	return lp[tr.Index], entropyOf(pr, lp)
}

func entropyOf(pr, lp []float64) float64 {
	h := 0.0
	for i := range pr {
		h -= pr[i] * lp[i]
	}
	return h
}

// Backward adds ∂L/∂w to grad (len = len(Params())) for a loss L that
// depends on the decision through log π(tr.Index) and the entropy H of π,
// under p's current weights at tr.Temp. dLoss receives both and returns
// ∂L/∂log π and ∂L/∂H; taking a function lets a PPO loss depend on the new
// log-probability without a second forward pass. Backward returns log π.
func (p *Policy) Backward(tr *Trace, dLoss func(logp, entropy float64) (dLogp, dEntropy float64), grad []float64) float64 {
	f := p.forward(tr.dec)
	pr, lp := softmax(f.logits, tr.Temp)
	h := entropyOf(pr, lp)
	gl, ge := dLoss(lp[tr.Index], h)
	if gl == 0 && ge == 0 {
		return lp[tr.Index]
	}
	gz := make([]float64, len(pr))
	for c := range gz {
		ind := 0.0
		if c == tr.Index {
			ind = 1
		}
		// ∂H/∂(z_c/T) = −p_c (log p_c + H).
		gz[c] = (gl*(ind-pr[c]) - ge*pr[c]*(lp[c]+h)) / tr.Temp
	}
	p.backprop(f, gz, grad)
	return lp[tr.Index]
}

// net runs the network on dec with cached activations.
func (p *Policy) net(dec *decision) *forward {
	v := p.version.Load()
	t, ok := p.emb.text(v, dec.text)
	if !ok {
		t = make([]float64, p.l.d)
		embed(p.w, p.l.text, p.l.d, dec.text.x, t)
		p.emb.putText(v, dec.text, t)
	}
	return p.l.run(p.w, dec, t, func(i int) *toolAct {
		tf := dec.tools[i]
		a, ok := p.emb.tool(v, tf)
		if !ok {
			a = p.l.toolAct(p.w, tf)
			p.emb.putTool(v, tf, a)
		}
		return a
	})
}

// Logits returns each candidate's action and logit for s, for inspection
// and tests.
func (p *Policy) Logits(s *policy.State) ([]episode.Action, []float64, error) {
	dec, err := p.decision(s)
	if err != nil {
		return nil, nil, err
	}
	f := p.forward(dec)
	acts := make([]episode.Action, len(dec.cands))
	for i := range acts {
		acts[i] = dec.action(i)
	}
	return acts, f.logits, nil
}
