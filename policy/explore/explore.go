// Package explore wraps the learned policy for serving with exploration
// that can be corrected for: with probability ε the action is drawn
// uniformly from the policy's candidates (every tool it may call, every
// answer it may give), otherwise it is the greedy (highest-logit) action,
// and the exact probability of the chosen action under that mixture,
//
//	π(a) = (1 − ε)·[a = greedy] + ε / |candidates|,
//
// is returned with it ([policy.Prober]). The orchestrator stores it on the
// episode step, so logged traffic supports off-policy evaluation and
// training. Uniform rather than softmax exploration is deliberate: a
// confident policy's softmax all but never tries the models it rates low,
// so its logs would never show what they do, and importance weights under
// it are unbounded; uniform exploration tries every model and bounds each
// step's weight by |candidates| / ε.
package explore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
)

var (
	_ policy.Policy = (*Policy)(nil)
	_ policy.Prober = (*Policy)(nil)
)

// Policy is a learned policy with ε-greedy exploration. It is safe for
// concurrent use.
type Policy struct {
	p   *learned.Policy
	eps float64
	mu  sync.Mutex
	rng *rand.Rand
}

// New wraps p with exploration rate eps in [0, 1] (0 is greedy, 1 samples
// every decision); seed seeds the sampling.
func New(p *learned.Policy, eps float64, seed uint64) (*Policy, error) {
	if p == nil {
		return nil, fmt.Errorf("explore: no policy to wrap")
	}
	if math.IsNaN(eps) || eps < 0 || eps > 1 {
		return nil, fmt.Errorf("explore: exploration rate %v: want a number in [0, 1] (e.g. 0.1)", eps)
	}
	return &Policy{p: p, eps: eps, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}, nil
}

// Decide implements [policy.Policy].
func (e *Policy) Decide(ctx context.Context, s *policy.State) (episode.Action, error) {
	a, _, err := e.DecideWithProb(ctx, s)
	return a, err
}

// DecideWithProb implements [policy.Prober]: the chosen action and its
// probability under the mixture. With no candidate (nothing left to call
// or answer) the wrapped policy's empty answer comes back with
// probability 1.
func (e *Policy) DecideWithProb(ctx context.Context, s *policy.State) (episode.Action, float64, error) {
	if err := ctx.Err(); err != nil {
		return episode.Action{}, 0, fmt.Errorf("explore: %w", err)
	}
	acts, probs, err := Distribution(e.p, s, e.eps)
	if err != nil {
		return episode.Action{}, 0, err
	}
	if len(acts) == 0 {
		a, err := e.p.Decide(ctx, s)
		return a, 1, err
	}
	e.mu.Lock()
	u := e.rng.Float64()
	e.mu.Unlock()
	idx := len(probs) - 1
	for i, p := range probs {
		if u < p {
			idx = i
			break
		}
		u -= p
	}
	return acts[idx], probs[idx], nil
}

// Distribution returns the candidates p considers in s and each one's
// probability under the ε-greedy mixture of p's greedy choice (the
// highest logit, the first on ties, as [learned.Policy.Decide] picks) and
// the uniform choice. eps = 0 is p's greedy policy. The
// probabilities sum to 1; no candidate gives empty slices.
func Distribution(p *learned.Policy, s *policy.State, eps float64) ([]episode.Action, []float64, error) {
	acts, logits, err := p.Logits(s)
	if err != nil {
		return nil, nil, fmt.Errorf("explore: %w", err)
	}
	return acts, Mixture(logits, eps), nil
}

// Mixture is the ε-greedy mixture over logits: (1 − ε) on the first
// highest logit plus ε spread evenly over every candidate.
func Mixture(logits []float64, eps float64) []float64 {
	if len(logits) == 0 {
		return nil
	}
	best := 0
	for i, z := range logits {
		if z > logits[best] {
			best = i
		}
	}
	out := make([]float64, len(logits))
	for i := range out {
		out[i] = eps / float64(len(logits))
	}
	out[best] += 1 - eps
	return out
}

// ProbOf returns the probability that p, exploring at eps, chooses act in
// s: the mixture probability of the candidate equal to act (same tool and
// arguments, or same final answer), 0 when no candidate is. With no
// candidate at all, an empty final answer has probability 1.
func ProbOf(p *learned.Policy, s *policy.State, eps float64, act episode.Action) (float64, error) {
	acts, probs, err := Distribution(p, s, eps)
	if err != nil {
		return 0, err
	}
	if len(acts) == 0 {
		if act.Final && act.Answer == "" {
			return 1, nil
		}
		return 0, nil
	}
	total := 0.0
	for i, a := range acts {
		if SameAction(a, act) {
			total += probs[i]
		}
	}
	return total, nil
}

// SameAction reports whether two actions do the same thing: both the same
// final answer, or both a call of the same tool with equal arguments (as
// JSON values). Thought, usage and cost are ignored.
func SameAction(a, b episode.Action) bool {
	if a.Final || b.Final {
		return a.Final == b.Final && a.Answer == b.Answer
	}
	if a.Tool != b.Tool {
		return false
	}
	return sameJSON(a.Args, b.Args)
}

func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return isEmptyArgs(a) && isEmptyArgs(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func isEmptyArgs(r json.RawMessage) bool {
	switch string(r) {
	case "", "null", "{}":
		return true
	}
	return false
}
