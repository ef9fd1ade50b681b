package grpo

import (
	"context"
	"fmt"
	"math"
	"math/rand"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
)

// CascadeTeacher is the fixed policy [CloneStart] imitates: a cascade
// over the score head's view of the tools. It answers as soon as two
// observed answers agree (with the agreed answer); otherwise, while fewer
// than MaxCalls calls were made, it calls the competent tool not yet
// called (predicted score ŝ at least the median ŝ of the run's tools) that
// is cheapest and fastest as the preference weighs price and latency;
// after MaxCalls calls without agreement it calls the strongest tool left
// (highest ŝ) once; then it answers with the answer the decider's vote
// rates most likely. Preferences only steer which competent tool is
// cheapest; when to stop and when to escalate are left to GRPO.
type CascadeTeacher struct {
	P        *learned.Policy // a policy with a decider, for its features
	MaxCalls int             // calls before escalating to the strongest tool; ≥ 1
}

// Choose returns the index of the candidate of d the teacher takes in s,
// or -1 when d has none.
func (t CascadeTeacher) Choose(s *policy.State, d *learned.Decision) int {
	fs := t.P.DecisionFeatures(d)
	if len(fs) == 0 {
		return -1
	}
	calls := 0
	for _, st := range s.Steps {
		if !st.Action.Final && st.Result != nil {
			calls++
		}
	}
	agreed, top, comp, cheapest, strongest := -1, -1, -1, -1, -1
	for i, f := range fs {
		switch {
		case f.AnsBias == 1:
			if f.AnsAgree2 == 1 && (agreed < 0 || f.AnsConf > fs[agreed].AnsConf) {
				agreed = i
			}
			if top < 0 || f.AnsConf > fs[top].AnsConf {
				top = i
			}
		case f.CallBias == 1:
			if f.CallAboveMedian == 1 && (comp < 0 || f.CallCost+f.CallLat < fs[comp].CallCost+fs[comp].CallLat) {
				comp = i
			}
			if cheapest < 0 || f.CallCheapRank < fs[cheapest].CallCheapRank {
				cheapest = i
			}
			if strongest < 0 || f.CallPrior > fs[strongest].CallPrior {
				strongest = i
			}
		}
	}
	switch {
	case agreed >= 0:
		return agreed
	case calls < t.MaxCalls && comp >= 0:
		return comp
	case calls < t.MaxCalls && cheapest >= 0:
		return cheapest
	case calls == t.MaxCalls && strongest >= 0:
		return strongest
	case top >= 0:
		return top
	}
	return 0
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
// score head is left as it is.
func CloneStart(ctx context.Context, cfg CloneConfig, train env.Env, scored *learned.Policy) (*learned.Policy, CloneStats, error) {
	cfg.defaults()
	p, err := scored.WithDecider()
	if err != nil {
		return nil, CloneStats{}, fmt.Errorf("grpo: clone start: %w", err)
	}
	// The clone starts from θ = 0, not from score mode's utilities, so
	// its logits keep the scale the teacher's choices give them.
	clear(p.DeciderWeights())
	p.Touch()
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
		return nil, CloneStats{}, err
	}
	var exs []example
	for _, e := range per {
		exs = append(exs, e...)
	}
	agreed := 0
	for _, e := range per {
		if n := len(e); n > 0 && p.IsAgreement(e[n-1].d, e[n-1].target) {
			agreed++
		}
	}
	if len(exs) == 0 {
		return nil, CloneStats{}, fmt.Errorf("grpo: clone start: the teacher made no decision on %s", train.Name())
	}
	rng := rand.New(rand.NewSource(cfg.Seed))
	opt := newAdam(len(p.Params()), cfg.LR)
	grad := make([]float64, len(p.Params()))
	const batch = 64
	for ep := 0; ep < cfg.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			return nil, CloneStats{}, fmt.Errorf("grpo: clone start: %w", err)
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
					return nil, CloneStats{}, err
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
	return p, CloneStats{Agreement: float64(agree) / float64(len(exs)), AgreedTasks: float64(agreed) / float64(len(tasks))}, nil
}

// CloneStats reports a [CloneStart].
type CloneStats struct {
	// Agreement is the share of the teacher's decisions the clone
	// reproduces.
	Agreement float64 `json:"agreement"`
	// AgreedTasks is the share of training tasks the teacher answered
	// because two observed answers agreed: zero on a source whose models
	// never return the same answer (LLMRouter records no answer text),
	// where a cascade has nothing to go on.
	AgreedTasks float64 `json:"agreed_tasks"`
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
