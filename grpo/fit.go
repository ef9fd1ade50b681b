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
	// Multi makes the policy multi-turn: after the score head, the
	// decider is enabled and cloned from a [CascadeTeacher]
	// ([CloneStart]), and GRPO then trains the decider on whole
	// episodes. The returned policy is always GRPO's (its best validation
	// step); the clone is kept in [FitStats.WarmPolicy] for comparison.
	Multi bool
	// Clone configures the multi-turn warm start.
	Clone CloneConfig
	// Init, when set, is the policy the warm start begins from (cloned,
	// not modified): its score head is refitted on train's outcomes
	// instead of starting from fresh weights, as when retraining a
	// serving checkpoint on its own traffic.
	Init *learned.Policy
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
	// WarmPolicy is the warm start GRPO began from.
	WarmPolicy *learned.Policy `json:"-"`
	// CloneAgreement is the share of the cascade teacher's decisions the
	// multi-turn warm start reproduces (multi-turn fits only).
	CloneAgreement float64 `json:"clone_agreement,omitempty"`
	// WarmStart names the multi-turn warm start chosen on validation:
	// "cascade-clone" or "score-router".
	WarmStart string `json:"warm_start,omitempty"`
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
	warm, ws, err := start(ctx, cfg.Warm, train, cfg.Init)
	st.Warm = ws
	if err != nil {
		return nil, st, err
	}
	if cfg.Multi {
		return fitMulti(ctx, cfg, train, val, warm, st)
	}
	st.WarmPolicy = warm
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

// fitMulti clones the cascade teacher into scored's decider, then trains
// the decider with GRPO on whole episodes and returns GRPO's policy.
func fitMulti(ctx context.Context, cfg FitConfig, train, val env.Env, scored *learned.Policy, st FitStats) (*learned.Policy, FitStats, error) {
	cc := cfg.Clone
	if cc.Seed == 0 {
		cc.Seed = cfg.Warm.Seed
	}
	clone, cs, err := CloneStart(ctx, cc, train, scored)
	if err != nil {
		return nil, st, err
	}
	st.CloneAgreement = cs.Agreement
	gcfg := cfg.GRPO
	MultiDefaults(&gcfg)
	// Two warm starts: the cascade clone, and the score router (the
	// decider reproducing score mode: one call, then answer). A source
	// whose models never return the same answer (LLMRouter records no
	// answer text) gives a cascade nothing to go on: there GRPO starts
	// from the router.
	warm := clone
	st.WarmStart = "cascade-clone"
	if cs.AgreedTasks < minAgreedTasks {
		if warm, err = scored.WithDecider(); err != nil {
			return nil, st, err
		}
		st.WarmStart = "score-router"
	}
	st.WarmPolicy = warm
	if gcfg.Steps < 0 {
		st.Chosen = "warm"
		return warm, st, nil
	}
	tuned, gs, err := Train(ctx, gcfg, train, val, warm)
	st.GRPO = gs
	if err != nil {
		return nil, st, err
	}
	st.Chosen = "grpo"
	if val != nil {
		gcfg.Defaults()
		ev, err := Evaluate(ctx, warm, val, gs.Scale, gcfg.MaxTurns, gcfg.Workers)
		if err != nil {
			return nil, st, fmt.Errorf("grpo: validate warm start: %w", err)
		}
		st.WarmEval = &ev
	}
	return tuned, st, nil
}

// minAgreedTasks is the share of training tasks on which the cascade
// teacher must see two answers agree for the cascade clone to be the
// multi-turn warm start.
const minAgreedTasks = 0.05

// MultiDefaults fills zero GRPO fields for training the multi-turn
// decider: plain gradient descent (see [Config.SGD]) at lr 0.5, sampling
// temperature 1.5 (the clone is nearly deterministic at 1), KL 0.1, 80
// steps of 32 tasks × 8 rollouts validated every 10 with patience 4, and
// 6 turns per episode. Chosen on the validation split of zeroeval:gsm.
func MultiDefaults(c *Config) {
	c.SGD = true
	if c.LR == 0 {
		c.LR = 0.5
	}
	if c.Temp == 0 {
		c.Temp = 1.5
	}
	if c.KL == 0 {
		c.KL = 0.1
	}
	if c.Steps == 0 {
		c.Steps = 80
	}
	if c.MaxTurns == 0 {
		c.MaxTurns = 6
	}
	if c.Patience == 0 {
		c.Patience = 4
	}
	FineTuneDefaults(c)
}
