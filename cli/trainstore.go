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
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/grpo"
	"github.com/batonhq/baton/logenv"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/storeopen"
	"github.com/batonhq/baton/tool"
)

// trainStoreAbout is appended to train's help.
const trainStoreAbout = `

From your own traffic:
  baton train --from-store DB --checkpoint START --out FILE [--config baton.yaml]
trains from the runs baton serve recorded in DB that have feedback
(POST /v1/runs/{id}/feedback), starting from START (the serving
checkpoint). Each run becomes a task whose tools replay what the run's calls
returned, at the recorded cost and latency; a tool the run did not call
answers "not observed in the logs" (unbilled), and an answer other than the
logged one scores 0, since nobody judged it (see package logenv). GRPO runs
with small, cautious steps (--steps, default 20) and keeps the step that
scores best on a held-out tenth of the runs. --config must be the server's
baton.yaml (the tools' specs). Promote the result with baton serve
--checkpoints DIR (the candidate must beat the serving policy off-policy).`

// TrainStoreReport is what baton train --from-store --json writes.
type TrainStoreReport struct {
	Runs     int            `json:"runs"`     // runs used as tasks
	Train    int            `json:"train"`    // of which trained on
	Validate int            `json:"validate"` // of which held out
	Skipped  []logenv.Skip  `json:"skipped"`  // runs left out, and why
	Start    float64        `json:"start"`    // the start policy's validation score
	Trained  float64        `json:"trained"`  // the written policy's validation score
	Steps    int            `json:"steps"`    // GRPO steps run
	Stopped  string         `json:"stopped"`  // why GRPO stopped
	Out      string         `json:"out"`      // the checkpoint written
	Evals    []grpo.Eval    `json:"evals"`    // every validation
	Preset   map[string]int `json:"-"`
}

func trainFromStore(ctx context.Context, env *Env, from, start, cfgPath, out, jsonOut string, seed int64, steps int) error {
	switch {
	case start == "":
		return fmt.Errorf("%w: --from-store needs --checkpoint START (the checkpoint the server runs; baton train writes one)", ErrUsage)
	case steps < 1:
		return fmt.Errorf("%w: --steps %d: training from the store needs at least 1 step", ErrUsage, steps)
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
	specs := func(task episode.Task) ([]tool.Spec, error) {
		sub, err := set.Subset(task.Tools)
		if err != nil {
			return nil, fmt.Errorf("the run allowed a tool --config does not have (use the server's baton.yaml): %w", err)
		}
		return sub.Specs(), nil
	}
	e, skipped, err := logenv.FromStore(ctx, st, specs)
	if err != nil {
		if errors.Is(err, logenv.ErrNoRuns) {
			return fmt.Errorf("train: %w", err)
		}
		return err
	}
	n := len(e.Tasks())
	if n < 2 {
		return fmt.Errorf("train: only %d usable run with feedback in %s: need at least 2 (one is held out to validate); serve more traffic and send feedback", n, from)
	}
	k := 10
	if n < 10 {
		k = n // hold out one run
	}
	fit, val := envs.Split(e, k)
	cfg := grpo.Config{Seed: seed, Steps: steps, Progress: bars(env)}
	grpo.MultiDefaults(&cfg)
	// Cautious: the logs are the serving policy's traffic, so stay close to
	// it (a stronger KL pull, a smaller step than training from scratch).
	cfg.LR, cfg.KL = cfg.LR/5, 0.2
	cfg.EvalEvery = max(1, min(cfg.EvalEvery, steps/4))
	if b := len(fit.Tasks()); cfg.BatchTasks > b {
		cfg.BatchTasks = b
	}
	cfg.Defaults()
	p, gst, err := grpo.Train(ctx, cfg, fit, val, init)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	base, err := grpo.Evaluate(ctx, init, val, gst.Scale, cfg.MaxTurns, cfg.Workers)
	if err != nil {
		return fmt.Errorf("train: validating the start checkpoint: %w", err)
	}
	rep := TrainStoreReport{Runs: n, Train: len(fit.Tasks()), Validate: len(val.Tasks()), Skipped: skipped, Start: base.Score,
		Steps: len(gst.Steps), Stopped: gst.Stopped, Out: out, Evals: gst.Evals}
	rep.Trained = base.Score
	if gst.Best != nil {
		rep.Trained = gst.Best.Score
	}
	if rep.Trained < rep.Start {
		// GRPO made validation worse: write the start unchanged rather
		// than a regression (promotion would refuse it anyway).
		p, rep.Trained = init, rep.Start
		rep.Stopped += "; no validated step beat the start checkpoint, which is written unchanged"
	}
	var buf bytes.Buffer
	if err := p.Save(&buf); err != nil {
		return err
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		return fmt.Errorf("train: write checkpoint: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Trained on %d recorded runs with feedback (%d train, %d held out; %d skipped) from %s: GRPO %d steps (%s).\n",
		n, rep.Train, rep.Validate, len(skipped), start, rep.Steps, rep.Stopped)
	fmt.Fprintf(env.Stdout, "Validation score on held-out runs: start %.4f, trained %.4f\n", rep.Start, rep.Trained)
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
