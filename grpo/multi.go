package grpo

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"sort"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
)

// CascadeTeacher is the fixed policy [CloneStart] imitates: a cascade
// over the score head's view of the tools. It answers as soon as two
// observed answers agree (with the agreed answer); otherwise, while fewer
// than MaxCalls calls were made, it calls the cheapest tool not yet
// called whose predicted score ŝ is at least the median ŝ of the run's
// tools; otherwise it answers with the answer the decider rates most
// likely. It ignores preferences: learning to trade accuracy against cost
// and latency per preference is left to GRPO.
type CascadeTeacher struct {
	P        *learned.Policy // a policy with a decider, for ŝ and answer ranking
	MaxCalls int             // calls before the teacher must answer; ≥ 1
}

// Choose returns the index of the candidate of d the teacher takes in s.
func (t CascadeTeacher) Choose(s *policy.State, d *learned.Decision) int {
	n := d.Len()
	if n == 0 {
		return -1
	}
	votes := map[string]int{}
	calls := 0
	for _, st := range s.Steps {
		if st.Action.Final || st.Result == nil {
			continue
		}
		calls++
		if st.Failed() {
			continue
		}
		if a, ok := learned.AnswerOf(st.Result); ok {
			votes[learned.NormAnswer(a)]++
		}
	}
	fs := t.P.DecisionFeatures(d)
	scores := t.P.Scores(d)
	top := -1
	for i := 0; i < n; i++ {
		if !d.IsAnswer(i) {
			continue
		}
		if votes[learned.NormAnswer(d.Action(i).Answer)] >= 2 {
			return i
		}
		if top < 0 || fs[i].AnsConf > fs[top].AnsConf {
			top = i
		}
	}
	var callIdx []int
	for i := 0; i < n; i++ {
		if !d.IsAnswer(i) {
			callIdx = append(callIdx, i)
		}
	}
	if len(callIdx) == 0 || (calls >= t.MaxCalls && top >= 0) {
		return top
	}
	all := make([]float64, 0, len(s.Tools))
	for _, i := range callIdx {
		all = append(all, scores[i])
	}
	sort.Float64s(all)
	med := all[(len(all)-1)/2]
	best, bestCost := -1, math.Inf(1)
	for _, i := range callIdx {
		spec, _ := s.Tool(d.Source(i))
		c := learned.NominalCost(spec)
		if scores[i] >= med && c < bestCost {
			best, bestCost = i, c
		}
	}
	return best
}

// CloneConfig controls [CloneStart].
type CloneConfig struct {
	Seed     int64
	Epochs   int     // passes over the teacher's decisions; default 30
	LR       float64 // Adam's learning rate for θ; default 0.05
	MaxCalls int     // the teacher's call limit; default 3
	MaxTurns int     // turn budget of the teacher's episodes; default 6
	Workers  int     // parallel teacher rollouts; default 2
}

func (c *CloneConfig) defaults() {
	if c.Epochs == 0 {
		c.Epochs = 30
	}
	if c.LR == 0 {
		c.LR = 0.05
	}
	if c.MaxCalls == 0 {
		c.MaxCalls = 3
	}
	if c.MaxTurns == 0 {
		c.MaxTurns = 6
	}
	if c.Workers == 0 {
		c.Workers = 2
	}
}

// CloneStart is the multi-turn warm start: it enables the decider of
// scored (a score-mode policy, not modified) and fits the decider's
// weights θ, by softmax cross-entropy, to the choices of a
// [CascadeTeacher] on train's tasks under the preset preferences. The
// score head is left as it is. It returns the cloned policy and the share
// of the teacher's decisions it reproduces.
func CloneStart(ctx context.Context, cfg CloneConfig, train env.Env, scored *learned.Policy) (*learned.Policy, float64, error) {
	cfg.defaults()
	p, err := scored.WithDecider()
	if err != nil {
		return nil, 0, fmt.Errorf("grpo: clone start: %w", err)
	}
	teacher := CascadeTeacher{P: p, MaxCalls: cfg.MaxCalls}
	type example struct {
		d      *learned.Decision
		target int
	}
	tasks := train.Tasks()
	per := make([][]example, len(tasks))
	err = parallel(ctx, len(tasks), cfg.Workers, func(i int) error {
		task := tasks[i]
		task.Preferences = Presets[i%len(Presets)].Pref
		if task.Budget.MaxTurns == 0 {
			task.Budget.MaxTurns = cfg.MaxTurns
		}
		set, err := train.Tools(ctx, task)
		if err != nil {
			return fmt.Errorf("grpo: clone start: tools of %q: %w", task.ID, err)
		}
		pol := policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
			d, err := p.Prepare(s)
			if err != nil {
				return episode.Action{}, err
			}
			k := teacher.Choose(s, d)
			if k < 0 {
				return episode.Action{Final: true}, nil
			}
			per[i] = append(per[i], example{d: d, target: k})
			return d.Action(k), nil
		})
		if _, err := orchestrator.Run(ctx, task, pol, set, orchestrator.WithRunID("clone")); err != nil {
			return fmt.Errorf("grpo: clone start: task %q: %w", task.ID, err)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	var exs []example
	for _, e := range per {
		exs = append(exs, e...)
	}
	if len(exs) == 0 {
		return nil, 0, fmt.Errorf("grpo: clone start: the teacher made no decision on %s", train.Name())
	}
	rng := rand.New(rand.NewSource(cfg.Seed))
	opt := newAdam(len(p.Params()), cfg.LR)
	grad := make([]float64, len(p.Params()))
	const batch = 64
	for ep := 0; ep < cfg.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			return nil, 0, fmt.Errorf("grpo: clone start: %w", err)
		}
		order := rng.Perm(len(exs))
		for b := 0; b < len(order); b += batch {
			clear(grad)
			end := min(b+batch, len(order))
			for _, k := range order[b:end] {
				ex := exs[k]
				_, err := p.BackwardLogits(ex.d, func(z []float64) (float64, []float64) {
					pr, lp := softmaxT(z)
					g := make([]float64, len(z))
					for c := range g {
						g[c] = pr[c] / float64(end-b)
					}
					g[ex.target] -= 1 / float64(end-b)
					return -lp[ex.target], g
				}, grad)
				if err != nil {
					return nil, 0, err
				}
			}
			opt.step(p.Params(), grad)
			p.Touch()
		}
	}
	agree := 0
	for _, ex := range exs {
		z := p.DecisionLogits(ex.d)
		best := 0
		for c := range z {
			if z[c] > z[best] {
				best = c
			}
		}
		if best == ex.target {
			agree++
		}
	}
	return p, float64(agree) / float64(len(exs)), nil
}

// softmaxT returns softmax(z) and its logarithm.
func softmaxT(z []float64) (pr, lp []float64) {
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, v)
	}
	s := 0.0
	for _, v := range z {
		s += math.Exp(v - m)
	}
	ls := m + math.Log(s)
	pr, lp = make([]float64, len(z)), make([]float64, len(z))
	for i, v := range z {
		lp[i] = v - ls
		pr[i] = math.Exp(lp[i])
	}
	return pr, lp
}
