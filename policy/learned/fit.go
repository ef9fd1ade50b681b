package learned

import (
	"fmt"
	"math"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
)

// Decision is one prepared turn: the candidates of a state with every
// weight-independent feature the network reads. Supervised trainers build
// it once and score it under changing weights with [Policy.BackwardLogits].
type Decision struct{ dec *decision }

// Prepare builds the decision the policy would face in s.
func (p *Policy) Prepare(s *policy.State) (*Decision, error) {
	dec, err := p.decision(s)
	if err != nil {
		return nil, err
	}
	return &Decision{dec: dec}, nil
}

// Len returns the number of candidates.
func (d *Decision) Len() int { return len(d.dec.cands) }

// Action returns candidate i as the action the policy would take.
func (d *Decision) Action(i int) episode.Action { return d.dec.action(i) }

// IsAnswer reports whether candidate i adopts a held result as the answer.
func (d *Decision) IsAnswer(i int) bool { return d.dec.cands[i].kind == kindAnswer }

// Source returns the tool candidate i calls, or for an answer the tool
// whose result it adopts (the dearest one when several returned it).
func (d *Decision) Source(i int) string { return d.dec.tools[d.dec.cands[i].tool].spec.Name }

// DecisionLogits returns the candidates' logits under the current weights.
func (p *Policy) DecisionLogits(d *Decision) []float64 {
	if len(d.dec.cands) == 0 {
		return nil
	}
	return p.forward(d.dec).logits
}

// BackwardLogits runs the network on d, hands the logits to loss, which
// returns a loss value and its gradient with respect to each logit, adds
// ∂loss/∂w to grad (len = len(Params())) and returns the loss. It lets a
// trainer fit any differentiable function of the logits (cross-entropy to
// soft targets, expected utility) without a trace. A decision without
// candidates contributes nothing.
func (p *Policy) BackwardLogits(d *Decision, loss func(logits []float64) (float64, []float64), grad []float64) (float64, error) {
	if len(d.dec.cands) == 0 {
		return 0, nil
	}
	if len(grad) != len(p.w) {
		return 0, fmt.Errorf("learned: gradient has %d entries, want %d", len(grad), len(p.w))
	}
	f := p.forward(d.dec)
	v, gz := loss(f.logits)
	if len(gz) != len(f.logits) {
		return 0, fmt.Errorf("learned: loss returned %d logit gradients for %d candidates", len(gz), len(f.logits))
	}
	for _, g := range gz {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return 0, fmt.Errorf("learned: loss gradient is %v", g)
		}
	}
	p.backprop(f, gz, grad)
	return v, nil
}

// Softmax returns softmax(z/temp) and its logarithm, as the policy samples.
func Softmax(z []float64, temp float64) (p, logp []float64) { return softmax(z, temp) }

// TextEmbedding returns the range [lo, hi) of [Policy.Params] that holds
// the text embedding table, so a trainer can regularise it apart: it is
// where a network memorises single prompts.
func (p *Policy) TextEmbedding() (lo, hi int) { return p.l.text, p.l.tool }
