package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/batonhq/baton/bench"
	envs "github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/grpo"
)

func init() {
	register(Command{Name: "train", Short: "train the learned orchestrator (warm start + GRPO) and write a checkpoint", Run: runTrain})
}

const trainAbout = `Trains Baton's learned orchestrator on recorded outcomes of real models
(--source: llmrouter by default, zeroeval:gsm, zeroeval:math-l5, ...) by
bench's protocol (train on the training split, choose on its validation
part; the test split is never read):

  1. a score head predicts each model's chance of answering a question
     correctly from the question's text and the model's spec;
  2. the multi-turn decider (named features: the answers seen so far and
     how they agree, price, latency, turn) starts as a clone of a fixed
     agreement cascade, or as the one-shot score router on sources whose
     models never give the same answer (LLMRouter records none);
  3. GRPO trains the decider on whole episodes with the preference-weighted
     reward; the checkpoint is GRPO's best step on validation.

Writes a checkpoint that baton bench --checkpoint and the "learned"
policy's checkpoint option load. The same data, seed and flags give the same
bytes. The checkpoints embedded in baton were made with --seed 1.

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
	"accuracy": grpo.Fixed(episode.PreferAccuracy),
	"balanced": grpo.Fixed(episode.PreferBalanced),
	"cost":     grpo.Fixed(episode.PreferCost),
}

func runTrain(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "train", "train [flags]", trainAbout+trainStoreAbout)
	var f trainFlags
	fs.StringVar(&f.data, "data", "", "data root (default $BATON_DATA, then ../shared/data)")
	fs.StringVar(&f.source, "source", "llmrouter", "data source: llmrouter, routerarena, routellm:gsm8k, routellm:mmlu, zeroeval:gsm, zeroeval:math-l5")
	fs.StringVar(&f.train, "train", "", "training directory laid out like the source (default: the source's train split)")
	fs.StringVar(&f.out, "out", "baton.ckpt", "checkpoint to write")
	fs.StringVar(&f.holdout, "holdout-models", "", "comma-separated models hidden from training")
	fs.StringVar(&f.export, "export", "", "write GRPO rollouts as JSONL to FILE (see grpo docs)")
	fs.StringVar(&f.prefs, "prefs", "default", "training preferences: default (a mix), accuracy, balanced or cost")
	fs.Int64Var(&f.seed, "seed", 1, "seed: same data, seed and flags give the same checkpoint")
	fs.IntVar(&f.steps, "steps", 0, "GRPO steps (0: the default; -1: warm start only, which is then not GRPO-trained)")
	fs.IntVar(&f.group, "group", 0, "GRPO rollouts per task (0: the default, 8)")
	fromStore := fs.String("from-store", "", "train from the runs with feedback baton serve recorded in this store (a SQLite file or a postgres:// URL); see below")
	startCkpt := fs.String("checkpoint", "", "with --from-store: the checkpoint to start from (the serving one)")
	cfgPath := configFlag(fs)
	jsonOut := fs.String("json", "", "with --from-store: also write a report as JSON to this file")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, pos[0])
	}
	if *fromStore != "" {
		if strings.TrimSpace(f.out) == "" {
			return fmt.Errorf("%w: --out: want a file name", ErrUsage)
		}
		return trainFromStore(ctx, env, *fromStore, *startCkpt, *cfgPath, f.out, *jsonOut, f.seed, f.steps)
	}
	if *startCkpt != "" || *jsonOut != "" {
		return fmt.Errorf("%w: --checkpoint and --json go with --from-store", ErrUsage)
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
		Warm:  grpo.WarmConfig{Seed: f.seed, Prefs: sampler, Category: sp.Records.Category, Progress: bars(env)},
		GRPO:  grpo.Config{Seed: f.seed, Steps: f.steps, Group: f.group, Prefs: sampler, Progress: bars(env)},
		Multi: true,
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
	fmt.Fprintf(env.Stdout, "Trained on %s (%d tasks) in %s: score head %d epochs (kept epoch %d), warm start %s (clone agreement %.3f), GRPO %d steps (%s); shipped the %s policy.\n",
		train.Name(), st.Warm.Tasks, time.Since(start).Round(time.Second), len(st.Warm.HeldOutLoss), st.Warm.BestEpoch, st.WarmStart, st.CloneAgreement, len(st.GRPO.Steps), st.GRPO.Stopped, st.Chosen)
	if ev := st.WarmEval; ev != nil {
		fmt.Fprintf(env.Stdout, "Validation score (%s): warm start %.4f", val.Name(), ev.Score)
		if b := st.GRPO.Best; b != nil {
			fmt.Fprintf(env.Stdout, ", GRPO %.4f (step %d)", b.Score, b.Step)
		}
		fmt.Fprintln(env.Stdout)
	}
	fmt.Fprintf(env.Stdout, "Checkpoint: %s (%d bytes)\n", f.out, buf.Len())
	return nil
}

// bars returns stderr for progress bars when it is a terminal, else nil
// (logs and CI get no bars).
func bars(env *Env) io.Writer {
	if isTerminal(env.Stderr) {
		return env.Stderr
	}
	return nil
}
