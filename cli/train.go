package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/batonhq/baton/bench"
	envs "github.com/batonhq/baton/env"
	"github.com/batonhq/baton/grpo"
)

func init() {
	register(Command{Name: "train", Short: "train the learned orchestrator (warm start + GRPO) and write a checkpoint", Run: runTrain})
}

const trainAbout = `Trains Baton's learned orchestrator on recorded outcomes of real models
(LLMRouter by default): a supervised warm start on the training split's
outcomes, then GRPO fine-tuning with the preference-weighted reward, keeping
whichever validates better on a held-out tenth of the training tasks. Writes
a checkpoint that baton bench --checkpoint and the "learned" policy's
checkpoint option load. The same data, seed and flags give the same bytes.

Data is found as for baton bench (--data, $BATON_DATA, ../shared/data).

Examples:
  baton train --out baton.ckpt
  baton train --seed 7 --steps 0 --prefs cost --out cost.ckpt
  baton train --holdout-models gpt-4,llama --export rollouts.jsonl`

type trainFlags struct {
	data, source, train, out, holdout, export, prefs string
	seed                                             int64
	steps, group                                     int
}

// prefSamplers maps --prefs values to training preference distributions.
var prefSamplers = map[string]grpo.PreferenceSampler{
	"default":  grpo.SamplePreferences,
	"accuracy": grpo.Fixed(grpo.AccuracyFirst),
	"balanced": grpo.Fixed(grpo.Balanced),
	"cost":     grpo.Fixed(grpo.CostFirst),
}

func runTrain(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "train", "train [flags]", trainAbout)
	var f trainFlags
	fs.StringVar(&f.data, "data", "", "data root (default $BATON_DATA, then ../shared/data)")
	fs.StringVar(&f.source, "source", "llmrouter", "data source: llmrouter, routerarena, routellm:gsm8k, routellm:mmlu, zeroeval:gsm, zeroeval:math-l5")
	fs.StringVar(&f.train, "train", "", "training directory laid out like the source (default: the source's train split)")
	fs.StringVar(&f.out, "out", "baton.ckpt", "checkpoint to write")
	fs.StringVar(&f.holdout, "holdout-models", "", "comma-separated models hidden from training")
	fs.StringVar(&f.export, "export", "", "write GRPO rollouts as JSONL to FILE (see grpo docs)")
	fs.StringVar(&f.prefs, "prefs", "default", "training preferences: default (a mix), accuracy, balanced or cost")
	fs.Int64Var(&f.seed, "seed", 1, "seed: same data, seed and flags give the same checkpoint")
	fs.IntVar(&f.steps, "steps", 0, "GRPO fine-tuning steps (0: the default; -1: warm start only)")
	fs.IntVar(&f.group, "group", 0, "GRPO rollouts per task (0: the default, 8)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, pos[0])
	}
	sampler, ok := prefSamplers[f.prefs]
	if !ok {
		return fmt.Errorf("%w: --prefs %q: want default, accuracy, balanced or cost", ErrUsage, f.prefs)
	}
	if f.group == 1 || f.group < 0 {
		return fmt.Errorf("%w: --group %d: want at least 2 rollouts per task", ErrUsage, f.group)
	}
	if f.steps < -1 {
		return fmt.Errorf("%w: --steps %d: want ≥ 0, or -1 for warm start only", ErrUsage, f.steps)
	}
	if strings.TrimSpace(f.out) == "" {
		return fmt.Errorf("%w: --out: want a file name", ErrUsage)
	}
	// Training reads only the training side of the source, split into
	// train and validation by bench's protocol.
	sp, err := bench.LoadSplits(ctx, f.source, bench.SplitOptions{Data: f.data, Train: f.train, Eval: f.train, Getenv: env.Getenv, Progress: env.Stderr})
	if errors.Is(err, bench.ErrInvalid) {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if err != nil {
		return err
	}
	holdout := splitList(f.holdout)
	if err := bench.CheckHoldout(sp.Records, holdout); err != nil {
		return fmt.Errorf("%w: --holdout-models: %w", ErrUsage, err)
	}
	train := sp.Train
	fit, val := envs.WithoutTools(sp.Train, holdout...), envs.WithoutTools(sp.Val, holdout...)
	cfg := grpo.FitConfig{
		Warm: grpo.WarmConfig{Seed: f.seed, Prefs: sampler, Category: sp.Records.Category, Progress: env.Stderr},
		GRPO: grpo.Config{Seed: f.seed, Steps: f.steps, Group: f.group, Prefs: sampler, Progress: env.Stderr},
	}
	if f.export != "" {
		w, done, err := createOutput(env, f.export)
		if err != nil {
			return err
		}
		defer done()
		cfg.GRPO.Export = w
	}
	start := time.Now()
	p, st, err := grpo.Fit(ctx, cfg, fit, val)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := p.Save(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(f.out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Trained on %s (%d tasks) in %s: score-head start %d epochs (kept epoch %d), GRPO %d steps (%s); kept the %s policy.\n",
		train.Name(), st.Warm.Tasks, time.Since(start).Round(time.Second), len(st.Warm.HeldOutLoss), st.Warm.BestEpoch, len(st.GRPO.Steps), st.GRPO.Stopped, st.Chosen)
	if ev := st.WarmEval; ev != nil {
		fmt.Fprintf(env.Stdout, "Validation score: warm start %.4f", ev.Score)
		if b := st.GRPO.Best; b != nil {
			fmt.Fprintf(env.Stdout, ", GRPO best %.4f (step %d)", b.Score, b.Step)
		}
		fmt.Fprintln(env.Stdout)
	}
	fmt.Fprintf(env.Stdout, "Checkpoint: %s (%d bytes)\n", f.out, buf.Len())
	return nil
}
