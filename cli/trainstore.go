package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	envs "github.com/batonhq/baton/env"
	"github.com/batonhq/baton/grpo"
	"github.com/batonhq/baton/logenv"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/storeopen"
)

// trainStoreAbout is appended to train's help.
const trainStoreAbout = `

From your own traffic:
  baton train --from-store DB --checkpoint START --out FILE [--config baton.yaml]
trains from the runs baton serve recorded in DB that have feedback
(POST /v1/runs/{id}/feedback, or the LLM judge), starting from START (the
serving checkpoint: a file or embedded:SOURCE). Runs are pooled by
question: a question's tools replay what any of its runs' calls returned,
at the recorded cost and latency, and an answer scores the feedback the
runs ending with it got (unjudged answers score 0; see package logenv).
Only tools some run called on a question are offered there. The score head
is refitted from START on those outcomes, the agreement cascade cloned, and
GRPO run (--steps, default the recipe's 80), validated on a tenth of the
questions. The fixed fifth of questions promotion judges on
(logenv.Holdout) is never trained on, and the checkpoint records the newest
run it read, so promotion may also judge it on questions first asked later.
--config must be the server's baton.yaml (the tools' specs). Promote the
result with baton serve --checkpoints DIR.`

// TrainStoreReport is what baton train --from-store --json writes.
type TrainStoreReport struct {
	Runs      int           `json:"runs"`       // judged runs pooled into questions
	Questions int           `json:"questions"`  // questions (tasks) they asked
	Train     int           `json:"train"`      // questions trained on
	Validate  int           `json:"validate"`   // questions held out to validate
	WarmStart string        `json:"warm_start"` // the multi-turn warm start GRPO began from
	Skipped   []logenv.Skip `json:"skipped"`    // runs left out, and why
	Start     float64       `json:"start"`      // the start policy's validation score
	Trained   float64       `json:"trained"`    // the written policy's validation score
	Steps     int           `json:"steps"`      // GRPO steps run
	Stopped   string        `json:"stopped"`    // why GRPO stopped
	Out       string        `json:"out"`        // the checkpoint written
	Evals     []grpo.Eval   `json:"evals"`      // every validation
}

func trainFromStore(ctx context.Context, env *Env, from, start, cfgPath, out, jsonOut string, seed int64, steps int) error {
	switch {
	case start == "":
		return fmt.Errorf("%w: --from-store needs --checkpoint START (the checkpoint the server runs; baton train writes one)", ErrUsage)
	case steps < 0:
		return fmt.Errorf("%w: --steps %d: want 0 (the multi-turn recipe's default) or more", ErrUsage, steps)
	}
	if _, err := os.Stat(from); err != nil && !isURL(from) {
		return fmt.Errorf("train: --from-store %s: %w (point at the database baton serve used)", from, err)
	}
	init, err := learned.Open(learned.Options{Checkpoint: start})
	if err != nil {
		return fmt.Errorf("train: --checkpoint: %w", err)
	}
	_, set, err := openTools(ctx, env, cfgPath)
	if err != nil {
		return err
	}
	defer set.Close()
	st, err := storeopen.Open(ctx, from, store.ForAdmin())
	if err != nil {
		return err
	}
	defer st.Close()
	specs := offpolicy.SpecsOf(set)
	// Questions logenv.Holdout keeps back are where baton serve judges
	// the candidate: never train on them.
	e, skipped, err := logenv.FromStore(ctx, st, specs, logenv.Options{ObservedOnly: true, Keep: func(p string) bool { return !logenv.Holdout(p) }})
	if err != nil {
		if errors.Is(err, logenv.ErrNoRuns) {
			return fmt.Errorf("train: %w", err)
		}
		return err
	}
	n := len(e.Tasks())
	if n < 2 {
		return fmt.Errorf("train: only %d question with judged runs in %s (outside the held-out questions): need at least 2 (one is held out to validate); serve more traffic and send feedback", n, from)
	}
	k := 10
	if n < 10 {
		k = n // hold out one question
	}
	fit, val := envs.Split(e, k)
	gcfg := grpo.Config{Seed: seed, Steps: steps, Progress: bars(env)}
	if b := len(fit.Tasks()); b < 32 {
		gcfg.BatchTasks = b
	}
	p, fst, err := grpo.Fit(ctx, grpo.FitConfig{
		Init:  init,
		Multi: true,
		Warm:  grpo.WarmConfig{Seed: seed, Progress: bars(env)},
		GRPO:  gcfg,
	}, fit, val)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	gst := fst.GRPO
	cfg := gcfg
	grpo.MultiDefaults(&cfg)
	cfg.Defaults()
	base, err := grpo.Evaluate(ctx, init, val, gst.Scale, cfg.MaxTurns, cfg.Workers)
	if err != nil {
		return fmt.Errorf("train: validating the start checkpoint: %w", err)
	}
	rep := TrainStoreReport{Runs: e.Judgments(), Questions: n, Train: len(fit.Tasks()), Validate: len(val.Tasks()), Skipped: skipped, Start: base.Score,
		WarmStart: fst.WarmStart, Steps: len(gst.Steps), Stopped: gst.Stopped, Out: out, Evals: gst.Evals}
	rep.Trained = base.Score
	if gst.Best != nil {
		rep.Trained = gst.Best.Score
	}
	// The trained policy is written even when it validates below the
	// start: validation here sees only the calls the logs observed on each
	// question, which can hide what the candidate would gain; promotion,
	// on held-out questions and the candidate's own runs, decides.
	// Promotion may judge it on every question first asked after the
	// newest run it read.
	p.SetTrainedThrough(e.Newest())
	var buf bytes.Buffer
	if err := p.Save(&buf); err != nil {
		return err
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		return fmt.Errorf("train: write checkpoint: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Trained on %d judged runs pooled into %d questions (%d to train, %d to validate; %d runs skipped) from %s: warm start %s, GRPO %d steps (%s).\n",
		rep.Runs, n, rep.Train, rep.Validate, len(skipped), start, rep.WarmStart, rep.Steps, rep.Stopped)
	fmt.Fprintf(env.Stdout, "Validation score on held-out questions: start %.4f, trained %.4f\n", rep.Start, rep.Trained)
	fmt.Fprintf(env.Stdout, "Checkpoint: %s (%d bytes)\n", out, buf.Len())
	if jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(jsonOut, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("train: --json: %w", err)
		}
	}
	return nil
}

// writeFileAtomic writes b to a temporary file beside path and renames it
// over path, so a reader (a server reloading) never sees half a file.
func writeFileAtomic(path string, b []byte) error {
	if strings.TrimSpace(path) == "" {
		return errors.New("empty file name")
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
