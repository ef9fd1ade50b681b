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
	// StopAt, when positive, also answers as soon as the verifier rates
	// an answer at least this likely to be correct.
	StopAt float64
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
	verified := -1
	for i, f := range fs {
		if f.AnsBias == 1 && t.StopAt > 0 && f.AnsVerified >= t.StopAt && (verified < 0 || f.AnsVerified > fs[verified].AnsVerified) {
			verified = i
		}
	}
	switch {
	case agreed >= 0:
		return agreed
	case verified >= 0:
		return verified
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
	// StopAt is the verified probability at which the teacher answers
	// without agreement; default 0.985.
	StopAt float64
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
	if c.StopAt == 0 {
		c.StopAt = 0.985
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
	// rollouts runs the teacher once on every task (preferences cycling
	// through the presets) and hands each decision to visit.
	rollouts := func(visit func(i int, task episode.Task, s *policy.State, d *learned.Decision, k int) error) error {
		return parallel(ctx, len(tasks), cfg.Workers, func(i int) error {
			task := tasks[i]
			task.Preferences = Presets[i%len(Presets)].Pref
			if task.Budget.MaxTurns == 0 {
				task.Budget.MaxTurns = cfg.MaxTurns
			}
			set, err := train.Tools(ctx, task)
			if err != nil {
				return fmt.Errorf("grpo: clone start: tools of %q: %w", task.ID, err)
			}
			pol := policy.Func(func(ctx context.Context, s *policy.State) (episode.Action, error) {
				d, err := p.Prepare(s)
				if err != nil {
					return episode.Action{}, err
				}
				k := teacher.Choose(s, d)
				if k < 0 {
					return episode.Action{Final: true}, nil
				}
				if err := visit(i, task, s, d, k); err != nil {
					return episode.Action{}, err
				}
				return d.Action(k), nil
			})
			if _, err := orchestrator.Run(ctx, task, pol, set, orchestrator.WithRunID("clone")); err != nil {
				return fmt.Errorf("grpo: clone start: task %q: %w", task.ID, err)
			}
			return nil
		})
	}

	// Pass 1: label every answer the teacher could have given, by the
	// verifier of the training env, and fit the answer verifier to them.
	labelled := make([][]verifierExample, len(tasks))
	agreedOn := make([]bool, len(tasks))
	err = rollouts(func(i int, task episode.Task, s *policy.State, d *learned.Decision, _ int) error {
		fs := p.DecisionFeatures(d)
		for c, f := range fs {
			if !d.IsAnswer(c) {
				continue
			}
			agreedOn[i] = agreedOn[i] || p.IsAgreement(d, c)
			ok, err := answerCorrect(ctx, train, task, s, d.Action(c))
			if err != nil {
				return err
			}
			labelled[i] = append(labelled[i], verifierExample{x: f.VerifierInput(), y: b2f(ok)})
		}
		return nil
	})
	if err != nil {
		return nil, CloneStats{}, err
	}
	var vex []verifierExample
	for _, l := range labelled {
		vex = append(vex, l...)
	}
	fitVerifier(p.VerifierWeights(), vex)
	p.Touch()

	// Pass 2: the teacher, now able to stop on a verified answer, and
	// the decisions to clone.
	teacher.StopAt = cfg.StopAt
	per := make([][]example, len(tasks))
	err = rollouts(func(i int, _ episode.Task, _ *policy.State, d *learned.Decision, k int) error {
		per[i] = append(per[i], example{d: d, target: k})
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
	for _, a := range agreedOn {
		if a {
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
					pr, lp := learned.Softmax(z, 1)
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
	// AgreedTasks is the share of training tasks on which the teacher,
	// before it could stop on a verified answer, saw two answers agree:
	// zero on a source whose models never return the same answer
	// (LLMRouter records no answer text), where a cascade has nothing to
	// go on.
	AgreedTasks float64 `json:"agreed_tasks"`
}

// verifierExample is one answer a policy could have given: its decider
// features and whether the training env scores it correct.
type verifierExample struct {
	x []float64
	y float64
}

// answerCorrect reports whether answering with a in state s of task
// would be scored correct by e: the label of the answer verifier, read
// from the training split's recorded outcomes.
func answerCorrect(ctx context.Context, e env.Env, task episode.Task, s *policy.State, a episode.Action) (bool, error) {
	ep := &episode.Episode{Steps: append(append([]episode.Step(nil), s.Steps...), episode.Step{Turn: s.Turn, Action: a}), Answer: a.Answer, Status: episode.StatusAnswered}
	sc, err := e.Score(ctx, task, ep)
	if err != nil {
		return false, fmt.Errorf("grpo: clone start: score a candidate answer of %q: %w", task.ID, err)
	}
	return sc.Correct, nil
}

// fitVerifier fits v by L2-regularised logistic regression (full-batch
// gradient descent; the verifier's own output features are ignored).
func fitVerifier(v []float64, exs []verifierExample) {
	if len(exs) == 0 {
		return
	}
	const (
		epochs = 400
		lr     = 0.5
		l2     = 1e-3
	)
	g := make([]float64, len(v))
	n := float64(len(exs))
	for ep := 0; ep < epochs; ep++ {
		clear(g)
		for _, ex := range exs {
			z := 0.0
			for k, xk := range ex.x {
				if k < len(v) {
					z += v[k] * xk
				}
			}
			d := (1/(1+math.Exp(-z)) - ex.y) / n
			for k, xk := range ex.x {
				if k < len(v) {
					g[k] += d * xk
				}
			}
		}
		for k := range v {
			v[k] -= lr * (g[k] + l2*v[k])
		}
	}
}
