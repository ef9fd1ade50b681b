package grpo

import (
	"context"
	"fmt"
	"math"
	"math/rand"

	"github.com/schollz/progressbar/v3"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
)

// scoreHoldout: every scoreHoldout-th probed task validates the score
// head's early stopping instead of training it.
const scoreHoldout = 10

// scoreEpochs is [ScoreStart]'s default epoch limit; early stopping
// usually ends it sooner.
const scoreEpochs = 40

// scoreL2, scorePatience and scoreSmooth are [ScoreStart]'s defaults for
// the text embedding's L2, the early-stopping patience and the smoothing
// of targets toward their category's mean.
const (
	scoreL2       = 1e-3
	scorePatience = 8
	scoreSmooth   = 0.8
)

// scoreEMA is the weight of the newest iterate in the moving average.
const scoreEMA = 0.05

// scoreTextLR is the plain gradient-descent step size of the text
// embedding (0: Adam like the other weights).
const scoreTextLR = 20.0

// ScoreStart fits a policy in score mode ([learned.ScoreHead]) on the
// recorded outcomes of train's tasks ([ProbeEnv]): the call head learns
// each tool's chance of answering each task correctly by binary
// cross-entropy against the probed outcomes, with the text embedding's L2
// penalty of [WarmConfig] (1e-3 unless set) and, given
// [WarmConfig.Category], targets smoothed toward each tool's mean outcome
// on the task's category. Every tenth task is held out; training stops
// after [WarmConfig.Patience] epochs (8 unless set) without a lower held-out loss and
// keeps the best epoch's weights. The policy then weighs predicted scores
// against price and latency exactly as a preference asks, calibrated on
// the probes (cost per nominal dollar over the mean cost of calling every
// tool; latency over the mean latency), with logits at [WarmConfig.Temp].
// init is cloned (nil: a fresh [learned.DefaultConfig] policy seeded with
// cfg.Seed).
func ScoreStart(ctx context.Context, cfg WarmConfig, train env.Env, init *learned.Policy) (*learned.Policy, WarmStats, error) {
	if cfg.Epochs == 0 {
		cfg.Epochs = scoreEpochs
	}
	// The score head's targets are noisy per prompt but its text
	// embedding has to separate kinds of questions: a light L2, more
	// patience than the utility start and (with categories) smoothed
	// targets let it learn each kind's score instead of the global mean.
	if cfg.L2 == 0 {
		cfg.L2 = scoreL2
	}
	if cfg.Patience == 0 {
		cfg.Patience = scorePatience
	}
	if cfg.Category != nil && cfg.Smooth == 0 {
		cfg.Smooth = scoreSmooth
	}
	cfg.Defaults()
	var st WarmStats
	if err := cfg.Validate(); err != nil {
		return nil, st, err
	}
	if train == nil {
		return nil, st, fmt.Errorf("grpo: score start: no training env")
	}
	tps, err := ProbeEnv(ctx, train, cfg.Workers)
	if err != nil {
		return nil, st, err
	}
	return scoreFromProbes(ctx, cfg, tps, init)
}

// scoreExample is one task's first decision with each candidate's
// probed outcome.
type scoreExample struct {
	dec *learned.Decision
	y   []float64
}

func scoreExamples(p *learned.Policy, cfg WarmConfig, tps []TaskProbes) ([]scoreExample, error) {
	out := make([]scoreExample, 0, len(tps))
	means := categoryMeans(cfg, tps)
	for i := range tps {
		tp := &tps[i]
		if len(tp.Tools) == 0 {
			continue
		}
		index := make(map[string]int, len(tp.Tools))
		for k, s := range tp.Tools {
			index[s.Name] = k
		}
		task := tp.Task
		if task.Budget.MaxTurns == 0 {
			task.Budget.MaxTurns = cfg.MaxTurns
		}
		dec, err := p.Prepare(&policy.State{Task: &task, Tools: tp.Tools, Turn: 1})
		if err != nil {
			return nil, err
		}
		ex := scoreExample{dec: dec, y: make([]float64, dec.Len())}
		ok := dec.Len() > 0
		for c := range ex.y {
			k, found := index[dec.Source(c)]
			if !found {
				ok = false
				break
			}
			ex.y[c] = tp.Probes[k].Outcome
			if means != nil {
				m := means[catTool{cfg.Category(tp.Task.ID), dec.Source(c)}]
				ex.y[c] = (1-cfg.Smooth)*ex.y[c] + cfg.Smooth*m
			}
		}
		if ok {
			out = append(out, ex)
		}
	}
	return out, nil
}

// catTool keys a tool's mean outcome on one category of tasks.
type catTool struct{ cat, tool string }

// categoryMeans is each tool's mean probed outcome per task category, or
// nil when cfg smooths no targets.
func categoryMeans(cfg WarmConfig, tps []TaskProbes) map[catTool]float64 {
	if cfg.Category == nil || cfg.Smooth <= 0 {
		return nil
	}
	sum := map[catTool]float64{}
	n := map[catTool]float64{}
	for i := range tps {
		cat := cfg.Category(tps[i].Task.ID)
		for k, s := range tps[i].Tools {
			key := catTool{cat, s.Name}
			sum[key] += tps[i].Probes[k].Outcome
			n[key]++
		}
	}
	for k := range sum {
		sum[k] /= n[k]
	}
	return sum
}

func scoreFromProbes(ctx context.Context, cfg WarmConfig, tps []TaskProbes, init *learned.Policy) (*learned.Policy, WarmStats, error) {
	st := WarmStats{Tasks: len(tps), Scale: probeScale(tps)}
	p, err := startPolicy(init, cfg.Seed)
	if err != nil {
		return nil, st, err
	}
	exs, err := scoreExamples(p, cfg, tps)
	if err != nil {
		return nil, st, err
	}
	var fit, val []scoreExample
	for i, ex := range exs {
		if len(exs) >= 2*scoreHoldout && i%scoreHoldout == scoreHoldout-1 {
			val = append(val, ex)
		} else {
			fit = append(fit, ex)
		}
	}
	if len(fit) == 0 {
		return nil, st, fmt.Errorf("grpo: score start: no task with probed tools to learn from")
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
			progressbar.OptionSetDescription("score start"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	best, bestLoss, stale := append([]float64(nil), p.Params()...), math.Inf(1), 0
	// The held-out loss and the result use an exponential moving average
	// of the weights: single prompts' outcomes are noisy, and averaging
	// the iterates cancels much of what each step memorises.
	ema := append([]float64(nil), p.Params()...)
	live := make([]float64, len(ema))
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		order := rng.Perm(len(fit))
		for lo := 0; lo < len(order); lo += cfg.Batch {
			if err := ctx.Err(); err != nil {
				return nil, st, fmt.Errorf("grpo: score start: %w", err)
			}
			batch := order[lo:min(lo+cfg.Batch, len(order))]
			per := (len(batch) + gradShards - 1) / gradShards
			w := 1 / float64(len(batch))
			err := parallel(ctx, gradShards, cfg.Workers, func(s int) error {
				g := shards[s]
				clear(g)
				for i := s * per; i < min((s+1)*per, len(batch)); i++ {
					ex := fit[batch[i]]
					if _, err := p.BackwardScores(ex.dec, ex.y, w, g); err != nil {
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
			if cfg.L2 > 0 {
				pw := p.Params()
				tlo, thi := p.TextEmbedding()
				for i := tlo; i < thi; i++ {
					grad[i] += cfg.L2 * pw[i]
				}
			}
			if n := clipNorm(grad, 5); math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, st, fmt.Errorf("grpo: score start: gradient is %v; lower the learning rate", n)
			}
			if scoreTextLR > 0 {
				// Plain gradient steps for the text embedding: a bucket
				// moves in proportion to how many prompts share it, so
				// a question type's common words are learnt and one
				// prompt's rare words are not (Adam would give every
				// bucket the same step size).
				pw := p.Params()
				tlo, thi := p.TextEmbedding()
				for i := tlo; i < thi; i++ {
					pw[i] -= scoreTextLR * grad[i]
					grad[i] = 0
				}
			}
			opt.step(p.Params(), grad)
			p.Touch()
			for i, v := range p.Params() {
				ema[i] += scoreEMA * (v - ema[i])
			}
		}
		copy(live, p.Params())
		copy(p.Params(), ema)
		p.Touch()
		loss := scoreLoss(p, val)
		if len(val) == 0 {
			loss = scoreLoss(p, fit)
		}
		copy(p.Params(), live)
		p.Touch()
		st.HeldOutLoss = append(st.HeldOutLoss, loss)
		if bar != nil {
			bar.Describe(fmt.Sprintf("score start: held-out loss %.4f", loss))
			_ = bar.Add(1)
		}
		if loss < bestLoss {
			bestLoss, stale = loss, 0
			copy(best, ema)
			st.BestEpoch = epoch + 1
			continue
		}
		if stale++; cfg.Patience > 0 && stale >= cfg.Patience {
			break
		}
	}
	if bar != nil {
		_ = bar.Finish()
	}
	copy(p.Params(), best)
	p.Touch()
	if err := p.SetScoreHead(calibrate(tps, st.Scale, cfg.Temp)); err != nil {
		return nil, st, fmt.Errorf("grpo: score start: %w", err)
	}
	return p, st, nil
}

// scoreLoss is the mean cross-entropy per candidate of p's scores on exs.
func scoreLoss(p *learned.Policy, exs []scoreExample) float64 {
	var sum float64
	var n int
	for _, ex := range exs {
		for c, s := range p.Scores(ex.dec) {
			s = math.Min(math.Max(s, 1e-7), 1-1e-7)
			y := ex.y[c]
			sum -= y*math.Log(s) + (1-y)*math.Log(1-s)
			n++
		}
	}
	return sum / float64(max(n, 1))
}

// calibrate measures how score mode turns price and latency into utility
// from the probes: the dollars a call really costs per nominal dollar,
// over the cost scale, so that c·CostWeight·nominal matches the
// c·cost/CostScale of [Eval.Score] and the warm start.
func calibrate(tps []TaskProbes, sc Scale, temp float64) learned.ScoreHead {
	var cost, nominal float64
	for _, tp := range tps {
		for k, pr := range tp.Probes {
			cost += pr.CostUSD
			nominal += learned.NominalCost(tp.Tools[k])
		}
	}
	h := learned.ScoreHead{LatencyScaleS: sc.LatencyS, Temp: temp}
	if nominal > 0 && sc.CostUSD > 0 {
		h.CostWeight = cost / nominal / sc.CostUSD
	}
	return h
}
