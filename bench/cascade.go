package bench

import (
	"context"
	"fmt"
	"sort"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/baseline"
	"github.com/batonhq/baton/tool"
)

// DefaultCascadeCap is how many cheap models a fixed cascade consults
// before it gives up on agreement and calls the strongest model.
const DefaultCascadeCap = 4

// Cascade is the fixed agreement cascade cascade:agree<K>: it calls the
// models in order of nominal price ([baseline.ReferenceCost]: 1,000 input
// and 1,000 output tokens at the spec's list price), cheapest first, and
// answers as soon as K of the answers it has seen agree (the same
// extracted answer, [Observation.Answer]). After Cap cheap models without
// agreement it calls the strongest model (Strongest: the most accurate on
// the training split; the one of highest nominal price when unset) and
// adopts its answer whatever it is. It learns nothing beyond which model
// is strongest: it is the rule a careful engineer would write by hand.
type Cascade struct {
	K   int // answers that must agree; ≥ 2
	Cap int // cheap models consulted at most; 0 means DefaultCascadeCap
	// Strongest names the model to escalate to; "" or a model absent
	// from the run means the dearest.
	Strongest string
}

var _ policy.Policy = Cascade{}

// MaxTurns is the turn budget the cascade needs: Cap cheap calls, the
// strongest model and the answer.
func (c Cascade) MaxTurns() int { return c.cap() + 2 }

func (c Cascade) cap() int {
	if c.Cap <= 0 {
		return DefaultCascadeCap
	}
	return c.Cap
}

// byPrice returns the tools a reference policy may call, cheapest nominal
// price first (ties by name).
func byPrice(specs []tool.Spec) []tool.Spec {
	return baseline.ByCost(false)(nil, baseline.Candidates(specs))
}

// Decide implements policy.Policy.
func (c Cascade) Decide(_ context.Context, s *policy.State) (episode.Action, error) {
	if c.K < 2 {
		return episode.Action{}, fmt.Errorf("bench: cascade needs K ≥ 2 agreeing answers, got %d", c.K)
	}
	order := byPrice(s.Tools)
	if len(order) == 0 {
		return episode.Action{}, fmt.Errorf("bench: cascade: no tool can take task %s", s.Task.ID)
	}
	strongest := order[len(order)-1].Name
	for i, sp := range order {
		if sp.Name == c.Strongest {
			// Escalation goes last: the cheap models are the others.
			order = append(append(order[:i:i], order[i+1:]...), sp)
			strongest = sp.Name
			break
		}
	}
	obs := Observe(s)
	done := called(s)
	if done[strongest] {
		return answerWith(s, lastFrom(obs, strongest), "the strongest model's answer"), nil
	}
	v := votes(obs)
	for _, o := range obs { // the first answer, in call order, to reach K
		if v[o.Answer] >= c.K && o.Answer != "" {
			return answerWith(s, lastWith(obs, o.Answer), fmt.Sprintf("%d answers agree on %q", v[o.Answer], o.Answer)), nil
		}
	}
	cheap := 0
	for _, sp := range order[:len(order)-1] {
		if done[sp.Name] {
			cheap++
		}
	}
	if cheap < c.cap() {
		for _, sp := range order[:len(order)-1] {
			if !done[sp.Name] {
				return callTool(s, sp.Name, fmt.Sprintf("no %d answers agree yet; next cheapest", c.K)), nil
			}
		}
	}
	return callTool(s, strongest, "no agreement among the cheap models; call the strongest"), nil
}

// lastFrom returns the latest observation of the named tool.
func lastFrom(obs []Observation, name string) *Observation {
	for i := len(obs) - 1; i >= 0; i-- {
		if obs[i].Tool == name {
			return &obs[i]
		}
	}
	return nil
}

// Vote is vote:<k>: it calls the K models most accurate on the training
// split (fixed before evaluation) and answers with the plurality of their
// extracted answers; a tie goes to the answer of the most accurate model
// among those tied, and when no answer parsed it adopts the most accurate
// model's result.
type Vote struct {
	// Models are the voters, most accurate first.
	Models []string
}

var _ policy.Policy = Vote{}

// NewVote picks the k models of highest training accuracy (ties: cheaper
// nominal price, then name) among those acc scores.
func NewVote(acc map[string]float64, k int) Vote {
	names := make([]string, 0, len(acc))
	for n := range acc {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if acc[names[i]] != acc[names[j]] {
			return acc[names[i]] > acc[names[j]]
		}
		return names[i] < names[j]
	})
	if k < len(names) {
		names = names[:k]
	}
	return Vote{Models: names}
}

// MaxTurns is the turn budget a vote needs: one call per voter and the
// answer.
func (v Vote) MaxTurns() int { return len(v.Models) + 1 }

// Decide implements policy.Policy.
func (v Vote) Decide(_ context.Context, s *policy.State) (episode.Action, error) {
	done := called(s)
	// Voters are called cheapest first, so that a budget cut leaves the
	// most votes per dollar.
	var todo []tool.Spec
	rank := map[string]int{}
	for i, m := range v.Models {
		rank[m] = i
	}
	for _, sp := range byPrice(s.Tools) {
		if _, ok := rank[sp.Name]; ok && !done[sp.Name] {
			todo = append(todo, sp)
		}
	}
	if len(todo) > 0 {
		return callTool(s, todo[0].Name, "collect the voters' answers"), nil
	}
	obs := Observe(s)
	if len(obs) == 0 {
		return answerWith(s, nil, "no voter answered"), nil
	}
	counts := votes(obs)
	best, bestN, bestRank := "", 0, len(v.Models)+1
	for _, o := range obs {
		r, ok := rank[o.Tool]
		if !ok || o.Answer == "" {
			continue
		}
		n := counts[o.Answer]
		if n > bestN || (n == bestN && r < bestRank) {
			best, bestN, bestRank = o.Answer, n, r
		}
	}
	if best == "" {
		for _, m := range v.Models {
			if o := lastFrom(obs, m); o != nil {
				return answerWith(s, o, "no voter's answer parsed; the most accurate voter's result"), nil
			}
		}
		return answerWith(s, nil, "no voter answered"), nil
	}
	return answerWith(s, lastWith(obs, best), fmt.Sprintf("plurality: %d of %d votes for %q", bestN, len(obs), best)), nil
}
