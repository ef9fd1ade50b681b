package grpo

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand"

	"github.com/schollz/progressbar/v3"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
)

// WarmConfig controls [WarmStart]. Zero fields take the defaults of
// [WarmConfig.Defaults].
type WarmConfig struct {
	// Seed makes the run reproducible.
	Seed int64
	// Epochs is the number of passes over the training tasks.
	Epochs int
	// Batch is the number of decisions per Adam step.
	Batch int
	// LR is Adam's learning rate.
	LR float64
	// Temp is the utility temperature τ: the policy is fitted so that its
	// logits approach expected utility / τ.
	Temp float64
	// FollowUp weighs the second-turn decisions (answer now or call
	// another tool) against the first-turn choice of tool.
	FollowUp float64
	// MaxTurns is the turn budget the states are built with.
	MaxTurns int
	// L2 weighs an L2 penalty on the text embedding, added to the
	// gradient; it keeps the policy from memorising single prompts (whose
	// recorded outcomes are mostly noise around their kind's). Negative
	// disables it.
	L2 float64
	// Patience stops [ScoreStart] after this many epochs without a lower
	// held-out loss; negative never stops early.
	Patience int
	// Category, when set, names a task's category (its benchmark or
	// kind) from its ID; [ScoreStart] then smooths each probed outcome
	// toward the tool's mean outcome on the category by Smooth.
	Category func(taskID string) string
	// Smooth in [0, 1] is how far [ScoreStart]'s targets move from a
	// task's own outcome toward its category's mean: one prompt's outcome
	// is mostly noise around its kind's, and a score head fitted to it
	// ranks tools by that noise. 0 with Category set takes the default.
	Smooth float64
	// Workers computes gradients in parallel. Results do not depend on it.
	Workers int
	// Prefs samples a preference per task and epoch; nil means
	// [SamplePreferences].
	Prefs PreferenceSampler
	// Progress, when set, shows a progress bar.
	Progress io.Writer
}

// Defaults fills zero fields: 12 epochs of 64 decisions per step, lr 1e-2,
// τ 0.02, text-embedding L2 0.01, follow-up weight 0.5, 5 turns, 2
// workers.
func (c *WarmConfig) Defaults() {
	if c.Epochs == 0 {
		c.Epochs = 12
	}
	if c.Batch == 0 {
		c.Batch = 64
	}
	if c.LR == 0 {
		c.LR = 1e-2
	}
	if c.Temp == 0 {
		c.Temp = 0.02
	}
	if c.L2 == 0 {
		c.L2 = 0.01
	}
	if c.FollowUp == 0 {
		c.FollowUp = 0.5
	}
	if c.MaxTurns == 0 {
		c.MaxTurns = 5
	}
	if c.Workers == 0 {
		c.Workers = 2
	}
	if c.Patience == 0 {
		c.Patience = 3
	}
	if c.Prefs == nil {
		c.Prefs = SamplePreferences
	}
}

// Validate checks the config after [WarmConfig.Defaults].
func (c WarmConfig) Validate() error {
	fin := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case c.Epochs < 1 || c.Batch < 1 || c.MaxTurns < 2 || c.Workers < 1:
		return fmt.Errorf("grpo: warm start: epochs, batch and workers must be ≥ 1 and max_turns ≥ 2")
	case !fin(c.LR) || c.LR <= 0:
		return fmt.Errorf("grpo: warm start: lr = %v: want > 0", c.LR)
	case !fin(c.Temp) || c.Temp <= 0:
		return fmt.Errorf("grpo: warm start: temp = %v: want > 0", c.Temp)
	case !fin(c.L2):
		return fmt.Errorf("grpo: warm start: l2 = %v: want a number", c.L2)
	case !fin(c.FollowUp) || c.FollowUp < 0:
		return fmt.Errorf("grpo: warm start: follow_up = %v: want ≥ 0", c.FollowUp)
	case !fin(c.Smooth) || c.Smooth < 0 || c.Smooth > 1:
		return fmt.Errorf("grpo: warm start: smooth = %v: want a number in [0, 1]", c.Smooth)
	}
	return nil
}

// WarmStats summarises a warm start.
type WarmStats struct {
	Tasks int   `json:"tasks"` // training tasks probed
	Scale Scale `json:"scale"` // cost and latency scale the utilities used
	// Utility is the policy's mean expected utility on the training
	// decisions of each epoch (before that epoch's updates).
	Utility []float64 `json:"utility,omitempty"`
	// HeldOutLoss is [ScoreStart]'s held-out cross-entropy after each
	// epoch, and BestEpoch the (1-based) epoch whose weights it kept.
	HeldOutLoss []float64 `json:"held_out_loss,omitempty"`
	BestEpoch   int       `json:"best_epoch,omitempty"`
}

// gradShards is the fixed number of partial gradients a batch is split
// into; summing them in order keeps results independent of Workers.
const gradShards = 2

// WarmStart fits a policy by supervised learning on the recorded outcomes
// of train's tasks ([ProbeEnv]) before any GRPO. For every task and epoch
// it samples a preference P (normalised weights a, c, l and tool weights
// w), and scores each candidate with the utility of the episode it leads to
//
//	U = a·outcome − c·cost/CostScale − l·latency/LatencyScale + Σ w(called tools)
//
// (scales as in [Eval.Score], so warm start and validation agree on what
// a preference means). Two decisions are fitted: the first turn's choice
// of tool, and the turn after one call (answer with its result, or pay for
// another tool). The loss is the entropy-regularised expected utility
//
//	L = −Σ_k π_k U_k/τ − H(π),
//
// whose minimiser for a given text is π ∝ exp(E[U | text]/τ): the greedy
// policy picks the tool with the best expected utility for that kind of
// question and preference, and sampling at temperature 1 still explores
// near-ties, which is what GRPO needs next. init is cloned (nil: a fresh
// [learned.DefaultConfig] policy seeded with cfg.Seed).
func WarmStart(ctx context.Context, cfg WarmConfig, train env.Env, init *learned.Policy) (*learned.Policy, WarmStats, error) {
	cfg.Defaults()
	var st WarmStats
	if err := cfg.Validate(); err != nil {
		return nil, st, err
	}
	if train == nil {
		return nil, st, fmt.Errorf("grpo: warm start: no training env")
	}
	tps, err := ProbeEnv(ctx, train, cfg.Workers)
	if err != nil {
		return nil, st, err
	}
	return warmFromProbes(ctx, cfg, tps, init)
}

func warmFromProbes(ctx context.Context, cfg WarmConfig, tps []TaskProbes, init *learned.Policy) (*learned.Policy, WarmStats, error) {
	st := WarmStats{Tasks: len(tps), Scale: probeScale(tps)}
	p, err := startPolicy(init, cfg.Seed)
	if err != nil {
		return nil, st, err
	}
	rng := rand.New(rand.NewSource(cfg.Seed))
	opt := newAdam(len(p.Params()), cfg.LR)
	grad := make([]float64, len(p.Params()))
	shards := make([][]float64, gradShards)
	for i := range shards {
		shards[i] = make([]float64, len(grad))
	}
	var bar *progressbar.ProgressBar
	if cfg.Progress != nil {
		bar = progressbar.NewOptions(cfg.Epochs, progressbar.OptionSetWriter(cfg.Progress),
			progressbar.OptionSetDescription("warm start"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		exs, err := warmExamples(p, cfg, tps, rng, st.Scale)
		if err != nil {
			return nil, st, err
		}
		var util, weight float64
		for lo := 0; lo < len(exs); lo += cfg.Batch {
			if err := ctx.Err(); err != nil {
				return nil, st, fmt.Errorf("grpo: warm start: %w", err)
			}
			batch := exs[lo:min(lo+cfg.Batch, len(exs))]
			wsum := 0.0
			for _, ex := range batch {
				wsum += ex.weight
			}
			if wsum == 0 {
				continue
			}
			utils := make([]float64, len(batch))
			per := (len(batch) + gradShards - 1) / gradShards
			err := parallel(ctx, gradShards, cfg.Workers, func(s int) error {
				g := shards[s]
				clear(g)
				for i := s * per; i < min((s+1)*per, len(batch)); i++ {
					ex := batch[i]
					_, err := p.BackwardLogits(ex.dec, func(z []float64) (float64, []float64) {
						l, gz, u := utilityLoss(z, ex.util, cfg.Temp, ex.weight/wsum)
						utils[i] = u
						return l, gz
					}, g)
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return nil, st, err
			}
			copy(grad, shards[0])
			for _, g := range shards[1:] {
				for i, v := range g {
					grad[i] += v
				}
			}
			for i, ex := range batch {
				util += ex.weight * utils[i]
				weight += ex.weight
			}
			if cfg.L2 > 0 {
				w := p.Params()
				tlo, thi := p.TextEmbedding()
				for i := tlo; i < thi; i++ {
					grad[i] += cfg.L2 * w[i]
				}
			}
			if n := clipNorm(grad, 5); math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, st, fmt.Errorf("grpo: warm start: gradient is %v; lower the learning rate", n)
			}
			opt.step(p.Params(), grad)
			p.Touch()
		}
		st.Utility = append(st.Utility, util/math.Max(weight, 1e-12))
		if bar != nil {
			bar.Describe(fmt.Sprintf("warm start: utility %.3f", st.Utility[len(st.Utility)-1]))
			_ = bar.Add(1)
		}
	}
	if bar != nil {
		_ = bar.Finish()
	}
	return p, st, nil
}

// utilityLoss returns w·(−Σ π U/τ − H(π)) for π = softmax(z), its gradient
// with respect to z, and the unweighted expected utility Σ π U.
func utilityLoss(z, u []float64, tau, w float64) (loss float64, gz []float64, eu float64) {
	pr, lp := learned.Softmax(z, 1)
	h := 0.0
	for k := range pr {
		eu += pr[k] * u[k]
		h -= pr[k] * lp[k]
	}
	gz = make([]float64, len(z))
	for k := range pr {
		// ∂(Σπ U/τ + H)/∂z_k = π_k ((U_k − Ū)/τ − (log π_k + H)).
		gz[k] = -w * pr[k] * ((u[k]-eu)/tau - (lp[k] + h))
	}
	return -w * (eu/tau + h), gz, eu
}

// warmExample is one decision with the utility of each candidate.
type warmExample struct {
	dec    *learned.Decision
	util   []float64
	weight float64
}

// prefWeights normalises a preference like package reward does: positive
// weights only, summing to 1; none means balanced.
type prefWeights struct {
	acc, cost, lat float64
	tools          map[string]float64
}

func normPrefs(p episode.Preferences) prefWeights {
	pos := func(x float64) float64 {
		if x > 0 && !math.IsInf(x, 1) {
			return x
		}
		return 0
	}
	w := prefWeights{acc: pos(p.Accuracy), cost: pos(p.Cost), lat: pos(p.Latency), tools: map[string]float64{}}
	sum := w.acc + w.cost + w.lat
	for n, v := range p.Tools {
		if v = pos(v); v > 0 {
			w.tools[n] = v
			sum += v
		}
	}
	if sum == 0 {
		return prefWeights{acc: 1.0 / 3, cost: 1.0 / 3, lat: 1.0 / 3, tools: map[string]float64{}}
	}
	w.acc, w.cost, w.lat = w.acc/sum, w.cost/sum, w.lat/sum
	for n := range w.tools {
		w.tools[n] /= sum
	}
	return w
}

// episodeUtility is U of an episode that calls the tools in called (probe
// indices) and answers with the result of the tool at index answer.
func episodeUtility(tp *TaskProbes, w prefWeights, sc Scale, called []int, answer int) float64 {
	u := 0.0
	if answer >= 0 {
		u = w.acc * tp.Probes[answer].Outcome
	}
	for _, k := range called {
		pr := tp.Probes[k]
		if sc.CostUSD > 0 {
			u -= w.cost * pr.CostUSD / sc.CostUSD
		}
		if sc.LatencyS > 0 {
			u -= w.lat * pr.LatencyS / sc.LatencyS
		}
		u += w.tools[pr.Tool]
	}
	return u
}

// warmExamples builds one epoch's decisions in a seeded order: per task,
// the first turn under a sampled preference and the second turn after a
// random tool's call under the same preference.
func warmExamples(p *learned.Policy, cfg WarmConfig, tps []TaskProbes, rng *rand.Rand, sc Scale) ([]warmExample, error) {
	var out []warmExample
	for _, ti := range rng.Perm(len(tps)) {
		tp := &tps[ti]
		if len(tp.Tools) == 0 {
			continue
		}
		names := make([]string, len(tp.Tools))
		index := make(map[string]int, len(tp.Tools))
		for k, s := range tp.Tools {
			names[k], index[s.Name] = s.Name, k
		}
		task := tp.Task
		task.Preferences = cfg.Prefs(rng, names)
		if task.Budget.MaxTurns == 0 {
			task.Budget.MaxTurns = cfg.MaxTurns
		}
		w := normPrefs(task.Preferences)
		first := rng.Intn(len(tp.Tools))

		// First turn: which tool to call.
		dec, err := p.Prepare(&policy.State{Task: &task, Tools: tp.Tools, Turn: 1})
		if err != nil {
			return nil, err
		}
		if ex, ok := example(dec, tp, w, sc, index, nil, 1); ok {
			out = append(out, ex)
		}
		// Second turn, after one call: answer with it or pay for another.
		pr := tp.Probes[first]
		if cfg.FollowUp == 0 || len(pr.after) == 0 {
			continue
		}
		dec, err = p.Prepare(&policy.State{Task: &task, Tools: tp.Tools, Steps: pr.after, Turn: len(pr.after) + 1, Spent: pr.spent})
		if err != nil {
			return nil, err
		}
		if ex, ok := example(dec, tp, w, sc, index, []int{first}, cfg.FollowUp); ok {
			out = append(out, ex)
		}
	}
	return out, nil
}

// example scores dec's candidates given the tools already called.
func example(dec *learned.Decision, tp *TaskProbes, w prefWeights, sc Scale, index map[string]int, called []int, weight float64) (warmExample, bool) {
	if dec.Len() < 2 {
		return warmExample{}, false // nothing to choose
	}
	util := make([]float64, dec.Len())
	for i := range util {
		k, ok := index[dec.Source(i)]
		if !ok {
			return warmExample{}, false
		}
		if dec.IsAnswer(i) {
			util[i] = episodeUtility(tp, w, sc, called, k)
			continue
		}
		util[i] = episodeUtility(tp, w, sc, append(append([]int(nil), called...), k), k)
	}
	return warmExample{dec: dec, util: util, weight: weight}, true
}
