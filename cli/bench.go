package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/batonhq/baton/bench"
	"github.com/batonhq/baton/dataset"
	envs "github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/grpo"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/baseline"
	"github.com/batonhq/baton/policy/learned"
)

func init() {
	register(Command{Name: "bench", Short: "train the learned orchestrator and compare it with every model and baseline (the main job)", Run: runBench})
}

const benchAbout = `Trains Baton's learned orchestrator with GRPO on recorded outcomes of real
models (LLMRouter by default: 9 models on 14 benchmarks), then evaluates it on
the held-out split against every single model, random, cheapest, strongest,
the oracle (cheapest correct model per question), a kNN similarity router
swept over thresholds, and the learned policy under three preferences
(accuracy-first, balanced, cost-first). Prints one table and writes a report
directory (index.html, pareto.png, results.json).

Data is found by --data, $BATON_DATA, ../shared/data beside the checkout, or a
verified download. --train/--eval take directories laid out like the source.

Other benchmarks: "baton bench tau2" (an agent on a τ²-bench domain) and
"baton bench gateway" (the server's added latency and throughput).

Examples:
  baton bench
  baton bench --checkpoint default          # skip training, use the embedded policy
  baton bench --holdout-models gpt-4,llama  # hide models from training only
  baton bench --all --out report/`

type benchFlags struct {
	data, train, eval, source, checkpoint, holdout, out, jsonOut, export string
	all                                                                  bool
	seed                                                                 int64
	steps                                                                int
}

func runBench(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "tau2" {
		return runBenchTau2(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "gateway" {
		return runBenchGateway(ctx, env, args[1:])
	}
	fs := newFlags(env, "bench", "bench [flags]", benchAbout)
	var f benchFlags
	fs.StringVar(&f.data, "data", "", "data root (default $BATON_DATA, then ../shared/data)")
	fs.StringVar(&f.source, "source", "llmrouter", "data source: llmrouter, routerarena, routellm, zeroeval:gsm, zeroeval:math-l5")
	fs.StringVar(&f.train, "train", "", "training directory laid out like the source (default: the source's train split)")
	fs.StringVar(&f.eval, "eval", "", "evaluation directory laid out like the source (default: the source's test split)")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "evaluate this checkpoint instead of training ('default' = the embedded one)")
	fs.StringVar(&f.holdout, "holdout-models", "", "comma-separated models hidden from training, present at evaluation")
	fs.StringVar(&f.out, "out", "baton-report", "report directory")
	fs.StringVar(&f.jsonOut, "json", "", "also write results.json to FILE ('-' for stdout)")
	fs.StringVar(&f.export, "export", "", "write training rollouts as JSONL to FILE (see grpo docs)")
	fs.BoolVar(&f.all, "all", false, "run every bundled source (llmrouter, routerarena, routellm gsm8k and mmlu)")
	fs.Int64Var(&f.seed, "seed", 1, "seed for training and sampling baselines")
	fs.IntVar(&f.steps, "steps", 0, "GRPO steps (default: the trainer's default)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, pos[0])
	}
	sources := []string{f.source}
	if f.all {
		if f.train != "" || f.eval != "" {
			return fmt.Errorf("%w: --all runs the bundled sources; drop --train/--eval", ErrUsage)
		}
		sources = []string{"llmrouter", "routerarena", "routellm:gsm8k", "routellm:mmlu"}
	}
	for _, src := range sources {
		out := f.out
		if f.all {
			out = filepath.Join(f.out, strings.ReplaceAll(src, ":", "-"))
		}
		res, err := benchSource(ctx, env, src, f)
		if err != nil {
			return err
		}
		if err := bench.PrintTable(env.Stdout, res); err != nil {
			return err
		}
		if err := bench.WriteReport(out, res); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "\nReport: %s\n\n", filepath.Join(out, "index.html"))
		if f.jsonOut != "" && !f.all {
			w, done, err := createOutput(env, f.jsonOut)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			err = enc.Encode(res)
			done()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// loadSplits returns the training and evaluation environments of src, and
// the replay env that holds the evaluation tasks' recorded outcomes.
func loadSplits(ctx context.Context, env *Env, src string, f benchFlags) (train, eval envs.Env, outcomes *replay.Env, err error) {
	source, subset, _ := strings.Cut(src, ":")
	opts := dataset.Options{Dir: f.data, Getenv: env.Getenv, Progress: env.Stderr}
	load := func(dir, split string) (*replay.Env, error) {
		if source == "routellm" && subset != "" {
			return replay.LoadRouteLLM(dir, subset)
		}
		if source == "zeroeval" {
			return replay.LoadZeroEval(dir, subset)
		}
		return replay.Load(ctx, source, dir, split)
	}
	dir := func(flagDir string) (string, error) {
		if flagDir != "" {
			return flagDir, nil
		}
		return dataset.Resolve(ctx, source, opts)
	}
	if source == "llmrouter" {
		trDir, err := dir(f.train)
		if err != nil {
			return nil, nil, nil, err
		}
		evDir, err := dir(f.eval)
		if err != nil {
			return nil, nil, nil, err
		}
		tr, err := load(trDir, "train")
		if err != nil {
			return nil, nil, nil, err
		}
		ev, err := load(evDir, "test")
		if err != nil {
			return nil, nil, nil, err
		}
		return tr, ev, ev, nil
	}
	// Sources without a split of their own: every 5th question is held out,
	// unless --eval names a directory.
	d, err := dir(f.train)
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := load(d, "")
	if err != nil {
		return nil, nil, nil, err
	}
	if f.eval != "" {
		ev, err := load(f.eval, "")
		if err != nil {
			return nil, nil, nil, err
		}
		return all, ev, ev, nil
	}
	tr, ev := envs.Split(all, 5)
	return tr, ev, all, nil
}

func benchSource(ctx context.Context, env *Env, src string, f benchFlags) (*bench.Results, error) {
	train, eval, outcomes, err := loadSplits(ctx, env, src, f)
	if err != nil {
		return nil, err
	}
	holdout, err := holdoutModels(outcomes, f.holdout)
	if err != nil {
		return nil, err
	}
	res := &bench.Results{Dataset: eval.Name(), NEval: len(eval.Tasks()), Notes: map[string]string{}}
	pol, err := learnedPolicy(ctx, env, train, holdout, f, res)
	if err != nil {
		return nil, err
	}
	var entries []bench.Entry
	for _, s := range outcomes.Specs() {
		entries = append(entries, bench.Entry{Name: "single:" + s.Name, Policy: bench.Single(s.Name)})
	}
	entries = append(entries,
		bench.Entry{Name: "random", Policy: baseline.New("random", baseline.Random(f.seed))},
		bench.Entry{Name: "cheapest", Policy: baseline.New("cheapest", baseline.ByCost(false))},
		bench.Entry{Name: "strongest", Policy: baseline.New("strongest", baseline.ByCost(true))},
		bench.Entry{Name: "oracle", Policy: bench.Oracle(outcomes)},
	)
	// The kNN router indexes the training tasks only; their recorded
	// outcomes live in the training env, or for split sources in the
	// source's one env.
	rec, ok := train.(*replay.Env)
	if !ok {
		rec = outcomes
	}
	knn := bench.NewKNN(train, rec, 20)
	// The sweep spans always-cheapest (0) to always-best-estimate (1), so
	// the kNN curve covers the whole cost range the AUC is taken over.
	thresholds := []float64{0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}
	for _, th := range thresholds {
		entries = append(entries, bench.Entry{Name: fmt.Sprintf("knn:%.1f", th), Policy: knn.Router(th)})
	}
	for _, pr := range grpo.Presets {
		entries = append(entries, bench.Entry{Name: "learned:" + pr.Name, Policy: pol, Preferences: pr.Pref})
	}
	// As the kNN router is swept over thresholds, the learned policy is
	// swept over the weight of cost against accuracy, so both families are
	// compared as curves with points across the cost range.
	for _, w := range learnedSweep {
		entries = append(entries, bench.Entry{Name: fmt.Sprintf("learned:cost=%g", w), Policy: pol,
			Preferences: episode.Preferences{Accuracy: 1, Cost: w}})
	}
	start := time.Now()
	for _, e := range entries {
		row, err := bench.Evaluate(ctx, eval, e, bench.Options{Budget: episode.Budget{MaxTurns: 5}})
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, row)
	}
	res.Notes["evaluation_time"] = time.Since(start).Round(time.Millisecond).String()
	res.AUC = curveAUC(res, thresholds)
	return res, nil
}

// learnedSweep is the cost weights (against accuracy 1) of the learned
// policy's accuracy-cost curve. Like the kNN thresholds it reaches
// always-cheapest (a weight so high that no predicted score difference
// pays for a dearer tool), so the curve has a point at the bottom of the
// cost range its AUC is taken over.
var learnedSweep = []float64{0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 1, 2, 5, 100}

// learnedPolicy trains a policy on train (minus held-out models), or loads
// the one --checkpoint names.
func learnedPolicy(ctx context.Context, env *Env, train envs.Env, holdout []string, f benchFlags, res *bench.Results) (policy.Policy, error) {
	switch f.checkpoint {
	case "":
	case "default":
		res.Notes["policy"] = "embedded default checkpoint"
		return learned.Default()
	default:
		res.Notes["policy"] = "checkpoint " + f.checkpoint
		return learned.Open(learned.Options{Checkpoint: f.checkpoint})
	}
	trainEnv := envs.WithoutTools(train, holdout...)
	fit, val := envs.Split(trainEnv, 10)
	cfg := grpo.FitConfig{
		Warm: grpo.WarmConfig{Seed: f.seed, Category: taskCategory(train), Progress: env.Stderr},
		GRPO: grpo.Config{Seed: f.seed, Steps: f.steps, Progress: env.Stderr},
	}
	if f.export != "" {
		w, done, err := createOutput(env, f.export)
		if err != nil {
			return nil, err
		}
		defer done()
		cfg.GRPO.Export = w
	}
	start := time.Now()
	p, stats, err := grpo.Fit(ctx, cfg, fit, val)
	if err != nil {
		return nil, err
	}
	res.Notes["training"] = fmt.Sprintf("score-head start (%d tasks, best of %d epochs: %d) + GRPO %d steps (%s) in %s, seed %d; kept the %s policy",
		stats.Warm.Tasks, len(stats.Warm.HeldOutLoss), stats.Warm.BestEpoch, len(stats.GRPO.Steps), stats.GRPO.Stopped, time.Since(start).Round(time.Second), f.seed, stats.Chosen)
	if len(holdout) > 0 {
		res.Notes["holdout_models"] = strings.Join(holdout, ",")
	}
	return p, nil
}

// taskCategory returns e's task-category lookup when it records one (a
// replay env: the benchmark each question comes from), for the score
// head's target smoothing; nil otherwise.
func taskCategory(e envs.Env) func(string) string {
	if c, ok := e.(interface{ Category(taskID string) string }); ok {
		return c.Category
	}
	return nil
}

// curveAUC computes the kNN and learned families' accuracy-cost AUC over
// the cost range of the single models.
func curveAUC(res *bench.Results, thresholds []float64) map[string]float64 {
	lo, hi := 0.0, 0.0
	var knn, lrn []bench.Point
	for _, r := range res.Rows {
		switch {
		case strings.HasPrefix(r.Policy, "single:"):
			if lo == 0 || r.CostUSD < lo {
				lo = r.CostUSD
			}
			hi = max(hi, r.CostUSD)
		case strings.HasPrefix(r.Policy, "knn:"):
			knn = append(knn, bench.Point{Cost: r.CostUSD, Accuracy: r.Accuracy})
		case strings.HasPrefix(r.Policy, "learned:"):
			lrn = append(lrn, bench.Point{Cost: r.CostUSD, Accuracy: r.Accuracy})
		}
	}
	return map[string]float64{"knn": bench.AUC(knn, lo, hi), "learned": bench.AUC(lrn, lo, hi)}
}

// holdoutModels parses --holdout-models and checks that e records each.
func holdoutModels(e *replay.Env, flag string) ([]string, error) {
	names := splitList(flag)
	known := map[string]bool{}
	for _, s := range e.Specs() {
		known[s.Name] = true
	}
	for _, n := range names {
		if !known[n] {
			return nil, fmt.Errorf("%w: --holdout-models: no model %q in %s", ErrUsage, n, e.Name())
		}
	}
	return names, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
