package learned

import (
	"fmt"
	"math"
)

// evald is a decision evaluated under the current weights: the logits of
// its candidates and what back-propagating into them needs.
type evald struct {
	logits []float64
	// f holds the network's activations on dec: the decision itself in
	// direct mode, its score decision in score mode.
	f   *forward
	dec *decision
	// In score mode, idx maps each candidate to its tool's row of dec and
	// coef is ∂logit/∂(network output) of each candidate.
	idx  []int
	coef []float64
	// phi holds each candidate's decider features when the policy has a
	// decider; gradients then reach the decider's weights only.
	phi   [][nTheta]float64
	feats []Features
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// forward evaluates dec: in direct mode the network's outputs are the
// logits; in score mode (see [ScoreHead]) the call head predicts each
// tool's score on the task and the logits are the preference's utility of
// each candidate divided by the temperature.
func (p *Policy) forward(dec *decision) *evald {
	h := p.cfg.Score
	if !h.Enabled() {
		f := p.net(dec)
		return &evald{logits: f.logits, f: f, dec: dec}
	}
	if dec.multi != nil {
		return p.forwardDecider(dec)
	}
	sd, idx := scoreDecision(dec)
	f := p.net(sd)
	acc, cost, lat := dec.shared[nText], dec.shared[nText+1], dec.shared[nText+2]
	n := len(dec.cands)
	e := &evald{f: f, dec: sd, idx: idx, logits: make([]float64, n), coef: make([]float64, n)}
	for c := range dec.cands {
		cd := &dec.cands[c]
		s := sigmoid(f.logits[idx[c]])
		// Answering with a held result costs nothing more; calling pays
		// the tool's price and latency and earns its preference weight.
		u := acc * s
		if cd.kind == kindCall {
			tf := dec.tools[cd.tool]
			u -= cost * h.CostWeight * tf.nominal
			if h.LatencyScaleS > 0 {
				u -= lat * tf.spec.Latency.Seconds() / h.LatencyScaleS
			}
			u += cd.dyn[nRel]
		}
		e.logits[c] = u / h.Temp
		e.coef[c] = acc * s * (1 - s) / h.Temp
	}
	return e
}

// forwardDecider evaluates dec with the decider: the score head predicts
// ŝ for every tool of the decision, and each candidate's logit is
// θ·[Features]. The score head is not trained through these logits.
func (p *Policy) forwardDecider(dec *decision) *evald {
	h := p.cfg.Score
	ver := p.version.Load()
	key := scoreKey{text: dec.text, tools: toolsKey(dec.tools)}
	s, ok := p.emb.score(ver, key)
	if !ok {
		sd := &decision{text: dec.text, tools: dec.tools, prompt: dec.prompt, cands: make([]candidate, len(dec.tools))}
		copy(sd.shared[:nText], dec.shared[:nText])
		sd.shared[nSharedNum-1] = 1
		for i := range dec.tools {
			sd.cands[i] = candidate{kind: kindCall, tool: i}
			copy(sd.cands[i].dyn[:nRel], dec.multi.rel[i][:])
		}
		f := p.net(sd)
		s = make([]float64, len(dec.tools))
		for i := range s {
			s[i] = sigmoid(f.logits[i])
		}
		p.emb.putScore(ver, key, dec.tools, s)
	}
	acc, cost, lat := dec.shared[nText], dec.shared[nText+1], dec.shared[nText+2]
	u := make([]float64, len(dec.cands))
	for c := range dec.cands {
		cd := &dec.cands[c]
		v := acc * s[cd.tool]
		if cd.kind == kindCall {
			tf := dec.tools[cd.tool]
			v -= cost * h.CostWeight * tf.nominal
			if h.LatencyScaleS > 0 {
				v -= lat * tf.spec.Latency.Seconds() / h.LatencyScaleS
			}
			v += cd.dyn[nRel]
		}
		u[c] = v / h.Temp
	}
	fs := dec.features(s, u, h)
	verify(p.w[p.l.dec+nTheta:p.l.dec+nTheta+nFeat], fs)
	theta := p.w[p.l.dec : p.l.dec+nTheta]
	m := dec.multi
	e := &evald{dec: dec, logits: make([]float64, len(dec.cands)), phi: make([][nTheta]float64, len(dec.cands)), feats: fs}
	for c := range fs {
		e.phi[c] = fs[c].inputs(m.acc, m.cost, m.lat)
		e.logits[c] = dot(theta, e.phi[c][:])
	}
	return e
}

// backprop adds Σ_c gz[c]·∂logit_c/∂w to grad.
func (p *Policy) backprop(e *evald, gz, grad []float64) {
	if e.phi != nil {
		g := grad[p.l.dec : p.l.dec+nTheta]
		for c, v := range gz {
			if v != 0 {
				axpy(v, e.phi[c][:], g)
			}
		}
		return
	}
	if e.idx == nil {
		p.l.backward(p.w, e.dec, e.f, gz, grad)
		return
	}
	g := make([]float64, len(e.dec.cands))
	for c, v := range gz {
		g[e.idx[c]] += v * e.coef[c]
	}
	p.l.backward(p.w, e.dec, e.f, g, grad)
}

// scoreDecision returns the decision the score head sees for dec: one call
// candidate per distinct tool of dec's candidates, with the task's text
// and each tool's rank in the set but neither preferences nor episode
// state, so a score depends on the task and the tool only. idx maps dec's
// candidates to the rows of the result.
func scoreDecision(dec *decision) (*decision, []int) {
	sd := &decision{text: dec.text, tools: dec.tools, prompt: dec.prompt, cands: make([]candidate, 0, len(dec.cands))}
	copy(sd.shared[:nText], dec.shared[:nText])
	sd.shared[nSharedNum-1] = 1 // the constant input of the state block
	row := make([]int, len(dec.tools))
	for i := range row {
		row[i] = -1
	}
	idx := make([]int, len(dec.cands))
	for c := range dec.cands {
		ti := dec.cands[c].tool
		if row[ti] < 0 {
			row[ti] = len(sd.cands)
			sc := candidate{kind: kindCall, tool: ti}
			copy(sc.dyn[:nRel], dec.cands[c].dyn[:nRel])
			sd.cands = append(sd.cands, sc)
		}
		idx[c] = row[ti]
	}
	return sd, idx
}

// SetScoreHead switches the policy to score mode calibrated by h (or back
// to direct mode with the zero value). Like changing the weights, it must
// not run concurrently with decisions.
func (p *Policy) SetScoreHead(h ScoreHead) error {
	if err := h.validate(); err != nil {
		return err
	}
	p.cfg.Score = h
	p.Touch()
	return nil
}

// Scores returns, for each candidate of d, the score head's predicted
// chance that answering with its tool's result is correct: the tool it
// would call, or the tool whose result it adopts. It works in either mode.
func (p *Policy) Scores(d *Decision) []float64 {
	if len(d.dec.cands) == 0 {
		return nil
	}
	sd, idx := scoreDecision(d.dec)
	f := p.net(sd)
	out := make([]float64, len(idx))
	for c, k := range idx {
		out[c] = sigmoid(f.logits[k])
	}
	return out
}

// BackwardScores fits the score head: it adds to grad the gradient of
// weight·Σ_c BCE(ŝ_c, target_c), the binary cross-entropy between each
// candidate's predicted score ([Policy.Scores]) and its target in [0, 1],
// and returns that loss.
func (p *Policy) BackwardScores(d *Decision, target []float64, weight float64, grad []float64) (float64, error) {
	if len(d.dec.cands) == 0 {
		return 0, nil
	}
	if len(target) != len(d.dec.cands) {
		return 0, fmt.Errorf("learned: %d score targets for %d candidates", len(target), len(d.dec.cands))
	}
	if len(grad) != len(p.w) {
		return 0, fmt.Errorf("learned: gradient has %d entries, want %d", len(grad), len(p.w))
	}
	sd, idx := scoreDecision(d.dec)
	f := p.net(sd)
	g := make([]float64, len(sd.cands))
	loss := 0.0
	for c, k := range idx {
		y := target[c]
		if math.IsNaN(y) || y < 0 || y > 1 {
			return 0, fmt.Errorf("learned: score target %v: want a number in [0, 1]", y)
		}
		z := f.logits[k]
		// BCE with logits, stably: max(z,0) − z·y + log(1 + e^−|z|).
		loss += weight * (math.Max(z, 0) - z*y + math.Log1p(math.Exp(-math.Abs(z))))
		g[k] += weight * (sigmoid(z) - y)
	}
	p.l.backward(p.w, sd, f, g, grad)
	return loss, nil
}
