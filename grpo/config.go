package grpo

import (
	"fmt"
	"io"
	"math"
	"runtime"
)

// Config controls a training run. Zero fields take the defaults of
// [Config.Defaults]; [Train] fills them and validates.
type Config struct {
	// Seed makes the run reproducible: same seed, data and config, same
	// checkpoint bytes.
	Seed int64
	// Steps is the number of optimisation steps (batches).
	Steps int
	// BatchTasks is the number of tasks per batch.
	BatchTasks int
	// Group is the number of rollouts per task (G).
	Group int
	// Epochs is the number of gradient steps on each batch.
	Epochs int
	// LR is Adam's learning rate.
	LR float64
	// KL weighs the k3 estimate of KL(π‖π_ref) in the loss.
	KL float64
	// Entropy weighs an entropy bonus (0: none, as in the paper); a small
	// one keeps a policy from collapsing onto one action before the
	// text-dependent signal is learnt.
	Entropy float64
	// ClipLow and ClipHigh are PPO's ε for ratios below and above 1
	// (clip-higher: ClipHigh > ClipLow keeps exploration alive).
	ClipLow, ClipHigh float64
	// Temp is the sampling temperature of rollouts.
	Temp float64
	// MaxTurns is the turn budget given to tasks that set none.
	MaxTurns int
	// MaxGradNorm clips the global gradient norm; 0 takes the default,
	// a negative value disables clipping.
	MaxGradNorm float64
	// RefEvery refreshes the KL reference policy to the current one every
	// this many steps; 0 keeps the initial policy as reference.
	RefEvery int
	// EvalEvery evaluates the greedy policy on the validation env every
	// this many steps (and after the last); the best one is returned.
	EvalEvery int
	// Patience stops training after this many evaluations without
	// improvement; 0 never stops early.
	Patience int
	// Workers runs rollouts of a group in parallel. Results do not depend
	// on it.
	Workers int
	// CheckpointDir, when set, receives step-NNNNNN.ckpt every
	// CheckpointEvery steps and best.ckpt at each new best evaluation.
	CheckpointDir   string
	CheckpointEvery int
	// Prefs samples the preference of each training task; nil means
	// [SamplePreferences].
	Prefs PreferenceSampler
	// Export, when set, receives every rollout as a JSON line (format in
	// the package comment).
	Export io.Writer
	// Progress, when set, shows a progress bar with the running metrics.
	Progress io.Writer
	// OnStep, when set, is called after each step.
	OnStep func(StepStats)
	// SGD updates the weights by plain gradient descent instead of Adam.
	// Adam moves every weight at the learning rate whatever its
	// gradient's size, so a weight that only a rare preference should
	// move is pushed as far by the common ones' faint pull; the decider's
	// preference blocks need the gradient's true proportions.
	SGD bool
}

// Defaults fills zero fields with the defaults: 200 steps of 16 tasks × 8
// rollouts, 2 epochs, lr 3e-3, KL 0.01, clip 0.2/0.28, temperature 1,
// 5 turns, gradient norm 1, evaluation every 20 steps, patience 5,
// checkpoints every 50 steps.
func (c *Config) Defaults() {
	setI := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	setF := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	setI(&c.Steps, 200)
	setI(&c.BatchTasks, 16)
	setI(&c.Group, 8)
	setI(&c.Epochs, 2)
	setF(&c.LR, 3e-3)
	setF(&c.KL, 0.01)
	setF(&c.ClipLow, 0.2)
	setF(&c.ClipHigh, 0.28)
	setF(&c.Temp, 1)
	setI(&c.MaxTurns, 5)
	setF(&c.MaxGradNorm, 1)
	setI(&c.EvalEvery, 20)
	setI(&c.CheckpointEvery, 50)
	setI(&c.Workers, runtime.GOMAXPROCS(0))
	if c.Prefs == nil {
		c.Prefs = SamplePreferences
	}
}

// Validate checks the config after [Config.Defaults].
func (c Config) Validate() error {
	pos := []struct {
		name string
		v    int
	}{{"steps", c.Steps}, {"batch_tasks", c.BatchTasks}, {"epochs", c.Epochs}, {"max_turns", c.MaxTurns},
		{"eval_every", c.EvalEvery}, {"workers", c.Workers}, {"checkpoint_every", c.CheckpointEvery}}
	for _, p := range pos {
		if p.v < 1 {
			return fmt.Errorf("grpo: %s = %d: want ≥ 1", p.name, p.v)
		}
	}
	if c.Group < 2 {
		return fmt.Errorf("grpo: group = %d: want ≥ 2 rollouts per task to compare", c.Group)
	}
	if c.Patience < 0 || c.RefEvery < 0 {
		return fmt.Errorf("grpo: patience and ref_every must be ≥ 0")
	}
	fin := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case !fin(c.LR) || c.LR <= 0:
		return fmt.Errorf("grpo: lr = %v: want > 0", c.LR)
	case !fin(c.Entropy) || c.Entropy < 0:
		return fmt.Errorf("grpo: entropy = %v: want ≥ 0", c.Entropy)
	case !fin(c.KL) || c.KL < 0:
		return fmt.Errorf("grpo: kl = %v: want ≥ 0", c.KL)
	case !fin(c.ClipLow) || c.ClipLow <= 0 || c.ClipLow >= 1:
		return fmt.Errorf("grpo: clip_low = %v: want in (0, 1)", c.ClipLow)
	case !fin(c.ClipHigh) || c.ClipHigh <= 0:
		return fmt.Errorf("grpo: clip_high = %v: want > 0", c.ClipHigh)
	case !fin(c.Temp) || c.Temp <= 0:
		return fmt.Errorf("grpo: temp = %v: want > 0", c.Temp)
	}
	return nil
}
