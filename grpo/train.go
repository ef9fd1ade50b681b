package grpo

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/reward"
)

// StepStats reports one optimisation step.
type StepStats struct {
	Step int `json:"step"` // 1-based step number
	// MeanReward, Accuracy and MeanCostUSD are over the batch's rollouts.
	MeanReward  float64 `json:"mean_reward"`
	Accuracy    float64 `json:"accuracy"`
	MeanCostUSD float64 `json:"mean_cost_usd"`
	MeanTurns   float64 `json:"mean_turns"` // mean turns per rollout
	// Groups and Skipped count the batch's groups and those skipped for
	// too little reward spread.
	Groups  int `json:"groups"`
	Skipped int `json:"skipped"`
	// Samples is the number of decisions trained on.
	Samples  int     `json:"samples"`
	Loss     float64 `json:"loss"`      // mean clipped surrogate loss, first epoch
	KL       float64 `json:"kl"`        // mean k3 estimate of KL(π‖π_ref), first epoch
	ClipFrac float64 `json:"clip_frac"` // share of samples whose ratio was clipped
	GradNorm float64 `json:"grad_norm"` // gradient norm before clipping
	Entropy  float64 `json:"entropy"`   // mean policy entropy at the samples' decisions
}

// Stats summarises a training run.
type Stats struct {
	Steps   []StepStats `json:"steps"`          // one per optimisation step
	Evals   []Eval      `json:"evals"`          // one per validation, in order
	Scale   Scale       `json:"scale"`          // the training env's cost and latency scale
	Best    *Eval       `json:"best,omitempty"` // the best validation, whose policy Train returns; nil without any
	Stopped string      `json:"stopped"`        // why training ended: "steps" or the early stop
}

// Train runs GRPO on train's tasks starting from init (nil: a fresh
// policy of [learned.DefaultConfig] seeded with cfg.Seed; init itself is
// not modified) and returns the policy with the best validation score on
// val (the last policy when val is nil).
func Train(ctx context.Context, cfg Config, train, val env.Env, init *learned.Policy) (*learned.Policy, Stats, error) {
	cfg.Defaults()
	var stats Stats
	if err := cfg.Validate(); err != nil {
		return nil, stats, err
	}
	if train == nil {
		return nil, stats, fmt.Errorf("grpo: no training env")
	}
	tasks := train.Tasks()
	if len(tasks) == 0 {
		return nil, stats, fmt.Errorf("grpo: training env %s has no tasks", train.Name())
	}
	rng := rand.New(rand.NewSource(cfg.Seed))
	p, err := startPolicy(init, cfg.Seed)
	if err != nil {
		return nil, stats, err
	}
	ref := p.Clone()
	opt := newAdam(len(p.Params()), cfg.LR)
	grad := make([]float64, len(p.Params()))
	if cfg.CheckpointDir != "" {
		if err := os.MkdirAll(cfg.CheckpointDir, 0o755); err != nil {
			return nil, stats, fmt.Errorf("grpo: checkpoint dir: %w", err)
		}
	}

	best, bestScore, sinceBest := p, math.Inf(-1), 0
	if val != nil {
		sc, err := Scales(ctx, val, cfg.Workers)
		if err != nil {
			return nil, stats, err
		}
		stats.Scale = sc
	}
	var bar *progressbar.ProgressBar
	if cfg.Progress != nil {
		bar = progressbar.NewOptions(cfg.Steps, progressbar.OptionSetWriter(cfg.Progress),
			progressbar.OptionSetDescription("grpo"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}

	order := rng.Perm(len(tasks))
	pos := 0
	stats.Stopped = "steps"
	for step := 1; step <= cfg.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return best, stats, fmt.Errorf("grpo: %w", err)
		}
		// Draw everything random for the batch up front, in a fixed order.
		batch := make([]episode.Task, cfg.BatchTasks)
		seeds := make([]int64, cfg.BatchTasks*cfg.Group)
		for b := range batch {
			if pos == len(order) {
				order, pos = rng.Perm(len(tasks)), 0
			}
			batch[b] = prepare(tasks[order[pos]], cfg, rng, train)
			pos++
			for g := 0; g < cfg.Group; g++ {
				seeds[b*cfg.Group+g] = rng.Int63()
			}
		}
		ros := make([]*rollout, len(seeds))
		err := parallel(ctx, len(seeds), cfg.Workers, func(i int) error {
			ro, err := sampleRollout(ctx, train, batch[i/cfg.Group], p, seeds[i], cfg.Temp)
			ros[i] = ro
			return err
		})
		if err != nil {
			return best, stats, err
		}

		st := StepStats{Step: step, Groups: len(batch)}
		var samples []sample
		for b := range batch {
			group := ros[b*cfg.Group : (b+1)*cfg.Group]
			rs := make([]reward.Rollout, len(group))
			for i, ro := range group {
				rs[i] = ro.r
			}
			rew := reward.Group(rs, batch[b].Preferences)
			adv, skip := reward.Advantages(rew)
			if skip {
				st.Skipped++
			}
			for i, ro := range group {
				ro.rew, ro.adv, ro.skip = rew[i], adv[i], skip
				n := float64(len(ros))
				st.MeanReward += rew[i] / n
				st.Accuracy += b2f(ro.r.Solved()) / n
				st.MeanCostUSD += ro.r.Cost.USD() / n
				st.MeanTurns += float64(len(ro.ep.Steps)) / n
				// A skipped group has no policy-gradient signal, but its
				// decisions still feel the KL and entropy terms: otherwise a
				// policy that turned deterministic on a task (all rollouts
				// alike, so always skipped) could never be pulled back.
				if !skip || cfg.KL > 0 || cfg.Entropy > 0 {
					for _, tr := range ro.traces {
						samples = append(samples, sample{tr: tr, adv: adv[i]})
					}
				}
				if cfg.Export != nil {
					rec := newRecord(step, fmt.Sprintf("s%d-t%d", step, b), i, ro.ep, ro.tools, ro.score, ro.logp, ro.r.Latency.Seconds(), rew[i], adv[i], skip)
					if err := writeRecord(cfg.Export, rec); err != nil {
						return best, stats, err
					}
				}
			}
		}
		st.Samples = len(samples)
		if len(samples) > 0 {
			for i := range samples {
				samples[i].refLogp = ref.LogProb(samples[i].tr)
			}
			for e := 0; e < cfg.Epochs; e++ {
				clear(grad)
				ls := ppo(p, samples, cfg.ClipLow, cfg.ClipHigh, cfg.KL, cfg.Entropy, grad)
				norm := clipNorm(grad, cfg.MaxGradNorm)
				if math.IsNaN(norm) || math.IsInf(norm, 0) {
					return best, stats, fmt.Errorf("grpo: step %d: gradient is %v; lower the learning rate", step, norm)
				}
				if cfg.SGD {
					axpy(-cfg.LR, grad, p.Params())
				} else {
					opt.step(p.Params(), grad)
				}
				p.Touch()
				if e == 0 {
					st.Loss, st.KL, st.ClipFrac, st.GradNorm, st.Entropy = ls.Loss, ls.KL, ls.ClipFrac, norm, ls.Entropy
				}
			}
		}
		stats.Steps = append(stats.Steps, st)
		if cfg.OnStep != nil {
			cfg.OnStep(st)
		}
		if bar != nil {
			bar.Describe(fmt.Sprintf("reward %.3f acc %.3f cost $%.6f", st.MeanReward, st.Accuracy, st.MeanCostUSD))
			_ = bar.Add(1)
		}
		if cfg.RefEvery > 0 && step%cfg.RefEvery == 0 {
			if err := ref.CopyFrom(p); err != nil {
				return best, stats, err
			}
		}
		if cfg.CheckpointDir != "" && step%cfg.CheckpointEvery == 0 {
			if err := saveFile(p, filepath.Join(cfg.CheckpointDir, fmt.Sprintf("step-%06d.ckpt", step))); err != nil {
				return best, stats, err
			}
		}
		if val != nil && (step%cfg.EvalEvery == 0 || step == cfg.Steps) {
			ev, err := Evaluate(ctx, p, val, stats.Scale, cfg.MaxTurns, cfg.Workers)
			if err != nil {
				return best, stats, err
			}
			ev.Step = step
			stats.Evals = append(stats.Evals, ev)
			slog.Debug("grpo: validation", "step", step, "score", ev.Score)
			if ev.Score > bestScore {
				best, bestScore, sinceBest = p.Clone(), ev.Score, 0
				stats.Best = &stats.Evals[len(stats.Evals)-1]
				if cfg.CheckpointDir != "" {
					if err := saveFile(best, filepath.Join(cfg.CheckpointDir, "best.ckpt")); err != nil {
						return best, stats, err
					}
				}
			} else if sinceBest++; cfg.Patience > 0 && sinceBest >= cfg.Patience {
				stats.Stopped = fmt.Sprintf("early stop at step %d: no improvement in %d evaluations", step, sinceBest)
				break
			}
		}
	}
	if bar != nil {
		_ = bar.Finish()
	}
	if val == nil {
		best = p
	}
	if stats.Best != nil {
		b := *stats.Best
		stats.Best = &b // detach from the Evals slice
	}
	return best, stats, nil
}

// prepare gives a training task its sampled preference and a turn budget.
func prepare(t episode.Task, cfg Config, rng *rand.Rand, e env.Env) episode.Task {
	names := t.Tools
	if len(names) == 0 {
		// Preference sampling needs the tool names; ask the env once.
		if set, err := e.Tools(context.Background(), t); err == nil {
			names = set.Names()
		}
	}
	t.Preferences = cfg.Prefs(rng, names)
	if t.Budget.MaxTurns == 0 {
		t.Budget.MaxTurns = cfg.MaxTurns
	}
	return t
}

func saveFile(p *learned.Policy, path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("grpo: checkpoint: %w", err)
	}
	if err := p.Save(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("grpo: checkpoint: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("grpo: checkpoint: %w", err)
	}
	return nil
}

// startPolicy returns a copy of init to train, leaving init untouched, or a
// fresh policy of [learned.DefaultConfig] seeded with seed when init is nil.
func startPolicy(init *learned.Policy, seed int64) (*learned.Policy, error) {
	if init != nil {
		return init.Clone(), nil
	}
	return learned.New(learned.DefaultConfig(), seed)
}

// axpy adds a·x to y.
func axpy(a float64, x, y []float64) {
	for i, v := range x {
		if v != 0 {
			y[i] += a * v
		}
	}
}
