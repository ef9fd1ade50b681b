package grpo

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/policy/learned"
)

// FitConfig is the whole training recipe: a supervised warm start, then
// GRPO fine-tuning from it.
type FitConfig struct {
	Warm WarmConfig // the supervised warm start
	// Utility warm-starts with [WarmStart] (logits fitted to expected
	// utility) instead of [ScoreStart] (a score head, the default).
	Utility bool
	// GRPO configures fine-tuning; GRPO.Steps < 0 skips it. Zero fields
	// take [FineTuneDefaults] rather than [Config.Defaults], which are
	// meant for training from scratch.
	GRPO Config
}

// FitStats reports a [Fit].
type FitStats struct {
	Warm WarmStats `json:"warm"` // the warm start's report
	GRPO Stats     `json:"grpo"` // fine-tuning's report; empty when skipped
	// WarmEval is the warm-started policy's validation, the baseline GRPO
	// has to beat.
	WarmEval *Eval `json:"warm_eval,omitempty"`
	// Chosen says which policy was returned: "warm" or "grpo".
	Chosen string `json:"chosen"`
	// WarmPolicy is the warm start itself, so a report can show what GRPO
	// added to it.
	WarmPolicy *learned.Policy `json:"-"`
}

// FineTuneDefaults fills zero GRPO fields for fine-tuning a warm-started
// policy: 60 steps of 32 tasks × 8 rollouts, one epoch, a smaller learning
// rate (5e-4) and a stronger KL to the warm start (0.05) so that GRPO's
// noisy group rewards refine the choice instead of undoing it, and
// validation every 10 steps.
func FineTuneDefaults(c *Config) {
	if c.Steps == 0 {
		c.Steps = 60
	}
	if c.BatchTasks == 0 {
		c.BatchTasks = 32
	}
	if c.Epochs == 0 {
		c.Epochs = 1
	}
	if c.LR == 0 {
		c.LR = 5e-4
	}
	if c.KL == 0 {
		c.KL = 0.05
	}
	if c.EvalEvery == 0 {
		c.EvalEvery = 10
	}
	if c.Patience == 0 {
		c.Patience = 3
	}
}

// Fit warm-starts a policy on train ([WarmStart]), fine-tunes it with GRPO
// ([Train]) validating on val, and returns whichever of the two scores
// better on val (the fine-tuned one when val is nil). The same seeds, data
// and config give the same policy.
func Fit(ctx context.Context, cfg FitConfig, train, val env.Env) (*learned.Policy, FitStats, error) {
	var st FitStats
	start := ScoreStart
	if cfg.Utility {
		start = WarmStart
	}
	warm, ws, err := start(ctx, cfg.Warm, train, nil)
	st.Warm, st.WarmPolicy = ws, warm
	if err != nil {
		return nil, st, err
	}
	st.Chosen = "warm"
	if cfg.GRPO.Steps < 0 {
		return warm, st, nil
	}
	gcfg := cfg.GRPO
	FineTuneDefaults(&gcfg)
	tuned, gs, err := Train(ctx, gcfg, train, val, warm)
	st.GRPO = gs
	if err != nil {
		return nil, st, err
	}
	if val == nil {
		st.Chosen = "grpo"
		return tuned, st, nil
	}
	gcfg.Defaults()
	ev, err := Evaluate(ctx, warm, val, gs.Scale, gcfg.MaxTurns, gcfg.Workers)
	if err != nil {
		return nil, st, fmt.Errorf("grpo: validate warm start: %w", err)
	}
	st.WarmEval = &ev
	slog.Debug("grpo: fit", "warm_score", ev.Score, "grpo_best", gs.Best)
	if gs.Best != nil && gs.Best.Score > ev.Score {
		st.Chosen = "grpo"
		return tuned, st, nil
	}
	return warm, st, nil
}
