package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/batonhq/baton/bench"
)

func init() {
	register(Command{Name: "bench", Short: "train the learned orchestrator and compare it with every model and baseline (the main job)", Run: runBench})
}

const benchAbout = `Runs Baton's benchmark protocol (see the bench package doc) on recorded
outcomes of real models: each source is split into train, validation and test
by a fixed rule; the learned orchestrator is trained on train (warm start,
then GRPO) and chosen on validation; reference policies are fitted the same
way; every row is evaluated once on test. Rows: every single model, random,
cheapest, strongest, the oracle, a kNN router swept over thresholds, fixed
agreement cascades (cascade:agree2, cascade:agree3), a FrugalGPT-style
cascade (frugal), plurality votes (vote:3, vote:5), and the learned policy
under three preferences (learned:accuracy, learned:balanced, learned:cost)
beside its warm start (learned-warm:*), plus its cost sweep. Prints one
table per source and writes a report directory (index.html, pareto.png,
results.json).

Without --source it runs LLMRouter and ZeroEval GSM8K. Sources: llmrouter,
zeroeval:gsm, zeroeval:math-l5, routerarena, routellm:gsm8k, routellm:mmlu.

Data is found by --data, $BATON_DATA, ../shared/data beside the checkout, or a
verified download. --train/--eval take directories laid out like the source
(one source only).

Question sets (FRAMES, HLE, GSM8K-style) with live models and a judge:
baton bench qa --help. τ²-bench conversations: baton bench tau2 --help.

Other benchmarks: "baton bench tau2" (an agent on a τ²-bench domain) and
"baton bench gateway" (the server's added latency and throughput), and
"baton bench online" (serve, feedback, retrain and promote over HTTP against
recorded models).

Examples:
  baton bench
  baton bench --source zeroeval:gsm --json results.json
  baton bench --checkpoint default          # skip training, use the embedded policy
  baton bench --source zeroeval:gsm --holdout-models gpt-4o-2024-08-06,gemini-1.5-flash,Qwen2-72B-Instruct
  baton bench --all --out report/`

type benchFlags struct {
	data, train, eval, source, checkpoint, holdout, out, jsonOut, export string
	all                                                                  bool
	seed                                                                 int64
	steps, cascadeCap                                                    int
}

func runBench(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "tau2" {
		return runBenchTau2(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "gateway" {
		return runBenchGateway(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "online" {
		return runBenchOnline(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "qa" {
		return runBenchQA(ctx, env, args[1:])
	}
	fs := newFlags(env, "bench", "bench [flags]", benchAbout)
	var f benchFlags
	fs.StringVar(&f.data, "data", "", "data root (default $BATON_DATA, then ../shared/data)")
	fs.StringVar(&f.source, "source", "", "one data source: "+strings.Join(bench.Sources, ", ")+" (default: "+strings.Join(bench.DefaultSources, " and ")+")")
	fs.StringVar(&f.train, "train", "", "training directory laid out like the source (default: the source's train split)")
	fs.StringVar(&f.eval, "eval", "", "evaluation directory laid out like the source (default: the source's test split)")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "evaluate this checkpoint instead of training ('default' = the embedded one)")
	fs.StringVar(&f.holdout, "holdout-models", "", "comma-separated models hidden from training, present at evaluation")
	fs.StringVar(&f.out, "out", "baton-report", "report directory (one subdirectory per source when several run)")
	fs.StringVar(&f.jsonOut, "json", "", "also write results.json to FILE ('-' for stdout); one source only")
	fs.StringVar(&f.export, "export", "", "write training rollouts as JSONL to FILE (see grpo docs)")
	fs.BoolVar(&f.all, "all", false, "run every bundled source")
	fs.Int64Var(&f.seed, "seed", 1, "seed for training and sampling baselines")
	fs.IntVar(&f.steps, "steps", 0, "GRPO steps (0: the trainer's default; -1: warm start only)")
	fs.IntVar(&f.cascadeCap, "cascade-cap", bench.DefaultCascadeCap, fmt.Sprintf("cheap models the agreement cascades consult before calling the dearest (default %d)", bench.DefaultCascadeCap))
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, pos[0])
	}
	sources := bench.DefaultSources
	switch {
	case f.all && f.source != "":
		return fmt.Errorf("%w: --all and --source exclude each other", ErrUsage)
	case f.all:
		sources = []string{"llmrouter", "zeroeval:gsm", "zeroeval:math-l5", "routerarena", "routellm:gsm8k", "routellm:mmlu"}
	case f.source != "":
		sources = []string{f.source}
	}
	if len(sources) > 1 && (f.train != "" || f.eval != "" || f.jsonOut != "" || f.export != "") {
		return fmt.Errorf("%w: --train, --eval, --json and --export apply to one source; add --source NAME", ErrUsage)
	}
	if f.cascadeCap < 1 {
		return fmt.Errorf("%w: --cascade-cap %d: want at least 1", ErrUsage, f.cascadeCap)
	}
	if f.steps < -1 {
		return fmt.Errorf("%w: --steps %d: want ≥ 0, or -1 for warm start only", ErrUsage, f.steps)
	}
	for _, src := range sources {
		p := bench.Plan{
			Source:     src,
			Data:       bench.SplitOptions{Data: f.data, Train: f.train, Eval: f.eval, Getenv: env.Getenv, Progress: env.Stderr},
			Checkpoint: f.checkpoint, Holdout: splitList(f.holdout), Seed: f.seed, Steps: f.steps,
			Log: env.Stderr, Bars: isTerminal(env.Stderr), CascadeCap: f.cascadeCap,
		}
		if f.export != "" {
			w, done, err := createOutput(env, f.export)
			if err != nil {
				return err
			}
			defer done()
			p.Export = w
		}
		res, err := p.Run(ctx)
		if errors.Is(err, bench.ErrInvalid) {
			return fmt.Errorf("%w: %w", ErrUsage, err)
		}
		if err != nil {
			return err
		}
		if err := bench.PrintTable(env.Stdout, res); err != nil {
			return err
		}
		out := f.out
		if len(sources) > 1 {
			out = filepath.Join(f.out, strings.ReplaceAll(src, ":", "-"))
		}
		if err := bench.WriteReport(out, res); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "\nReport: %s\n\n", filepath.Join(out, "index.html"))
		if f.jsonOut != "" {
			if err := writeJSONFile(env, f.jsonOut, res); err != nil {
				return err
			}
		}
	}
	return nil
}

// isTerminal reports whether w is a terminal, where progress bars belong;
// elsewhere (a log file, CI) the bench prints one line per phase.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
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
