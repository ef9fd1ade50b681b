package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/bench"
	benchqa "github.com/batonhq/baton/bench/qa"
	"github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/qa"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

const benchQAAbout = `Runs policies over a question set as ToolOrchestra evaluates HLE and FRAMES:
each question is one orchestrator episode (up to --max-turns, 50 by default
as in the paper) with the tools configured in baton.yaml (models, search,
code). The answer is graded by normalised exact match, exactly when both
answers are numbers, and otherwise by an LLM judge asked ToolOrchestra's
judging prompt ("Output <correct>True</correct> if the student answer
matches the reference answer..."). The judge's cost is reported apart from
the policies' cost.

--set: frames (bundled FRAMES, 824 questions), gsm8k (bundled GSM8K test),
hle (HLE is not bundled: give its JSONL with --file), or the path of a
JSONL/CSV file with question and answer columns.

--context picks which of ToolOrchestra's two evaluation scripts the
orchestrator8b policy's context follows (frames or hle; default: frames for
the FRAMES set, hle otherwise). --max-turns counts rounds: decisions of the
orchestrator8b model (each up to two Baton steps), Baton steps for others.

Prints accuracy, cost and latency per policy (the paper's table), writes
results.json, index.html, pareto.png and questions.jsonl into --out.
Exits 1 when a policy answered nothing or an answer could not be graded.
Every model needs its API key before anything runs; a missing key exits 2.

Examples:
  baton bench qa --set frames --limit 20 --policy orchestrator8b --judge-model gpt-5
  baton bench qa --set hle --file hle.jsonl --policy orchestrator8b,strongest
  baton bench qa --set my-questions.jsonl --policy llm --model gpt-5-mini --judge-model gpt-5-mini`

type qaFlags struct {
	set, file, style, policies, model, baseURL, apiKeyEnv string
	judgeModel, judgeBaseURL, judgeKeyEnv                 string
	questions, data, out, jsonOut, maxCost, cfgPath       string
	limit, maxTurns, workers                              int
	noJudge                                               bool
	seed                                                  int64
}

func runBenchQA(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "bench qa", "bench qa --set SET --policy P[,P...] [flags]", benchQAAbout)
	var f qaFlags
	fs.StringVar(&f.set, "set", "frames", "question set: frames, gsm8k, hle (with --file) or a JSONL/CSV path")
	fs.StringVar(&f.file, "file", "", "the file of --set hle")
	fs.StringVar(&f.style, "context", "", "orchestrator8b context rules: frames or hle (default from the set)")
	fs.StringVar(&f.policies, "policy", "orchestrator8b", "comma-separated policy kinds (see baton policies)")
	fs.StringVar(&f.model, "model", "", "deciding model for the llm/orchestrator8b policies")
	fs.StringVar(&f.baseURL, "base-url", "", "deciding model's OpenAI-compatible API root (ends in /v1)")
	fs.StringVar(&f.apiKeyEnv, "api-key-env", "", "environment variable holding the deciding model's API key")
	fs.StringVar(&f.judgeModel, "judge-model", qa.DefaultJudgeModel, "judge model (ToolOrchestra's is gpt-5)")
	fs.StringVar(&f.judgeBaseURL, "judge-base-url", "", "judge's OpenAI-compatible API root (default OpenAI)")
	fs.StringVar(&f.judgeKeyEnv, "judge-api-key-env", "OPENAI_API_KEY", "environment variable holding the judge's API key")
	fs.BoolVar(&f.noJudge, "no-judge", false, "grade by exact and numeric match only (answers that need a judge count as wrong)")
	fs.IntVar(&f.limit, "limit", 0, "evaluate only the first N questions (0: all)")
	fs.StringVar(&f.questions, "questions", "", "question ids to evaluate, comma-separated (default all)")
	fs.IntVar(&f.maxTurns, "max-turns", benchqa.DefaultMaxTurns, "orchestrator turns per question")
	fs.StringVar(&f.maxCost, "max-cost", "", "cap in USD per question (default none)")
	fs.IntVar(&f.workers, "workers", 4, "questions run in parallel")
	fs.StringVar(&f.data, "data", "", "data root (default $BATON_DATA, then ../shared/data)")
	fs.StringVar(&f.out, "out", "baton-report-qa", "report directory")
	fs.StringVar(&f.jsonOut, "json", "", "also write results.json to FILE ('-' for stdout)")
	fs.StringVar(&f.cfgPath, "config", "", "config file for tools, prices and policy options (default $BATON_CONFIG, then ./baton.yaml)")
	fs.Int64Var(&f.seed, "seed", 1, "seed for policies that sample")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, pos[0])
	}
	if f.limit < 0 || f.maxTurns < 1 || f.workers < 1 {
		return fmt.Errorf("%w: --limit must be 0 or more, --max-turns and --workers at least 1", ErrUsage)
	}
	if f.style != "" && f.style != "frames" && f.style != "hle" {
		return fmt.Errorf("%w: --context is %q; want frames or hle", ErrUsage, f.style)
	}
	var maxCost money.Amount
	if f.maxCost != "" {
		if maxCost, err = money.Parse(f.maxCost); err != nil {
			return fmt.Errorf("%w: --max-cost: %v", ErrUsage, err)
		}
	}
	switch {
	case f.set == "hle" && f.file == "":
		return fmt.Errorf("%w: HLE is not bundled (upstream keeps hle.jsonl in Git LFS); download it and pass --set hle --file PATH", ErrUsage)
	case f.set != "frames" && f.set != "gsm8k" && f.set != "hle":
		if _, err := os.Stat(f.set); err != nil {
			return fmt.Errorf("%w: --set %q is not frames, gsm8k, hle or a readable file: %v", ErrUsage, f.set, err)
		}
	}
	kinds := splitList(f.policies)
	if len(kinds) == 0 {
		return fmt.Errorf("%w: --policy names no policy", ErrUsage)
	}
	if (f.model != "" || f.baseURL != "" || f.apiKeyEnv != "") && !slices.ContainsFunc(kinds, func(k string) bool { return k == "llm" || k == "orchestrator8b" }) {
		return fmt.Errorf("%w: --model, --base-url and --api-key-env apply to the llm and orchestrator8b policies; configure %s in baton.yaml", ErrUsage, strings.Join(kinds, ", "))
	}
	cfg, err := config.Load(f.cfgPath, env.Getenv)
	if err != nil {
		return err
	}
	style := f.style
	if style == "" {
		style = "hle"
		if f.set == "frames" {
			style = "frames"
		}
	}
	// Everything that needs a key is checked before any data is fetched
	// or any model called.
	var judge *qa.Judge
	if !f.noJudge {
		if judge, err = qaJudge(env, cfg, f); err != nil {
			return err
		}
	}
	set, err := cfg.OpenTools(ctx)
	if err != nil {
		if errors.Is(err, tool.ErrDisabled) {
			return fmt.Errorf("%w: %v", ErrUsage, err)
		}
		return err
	}
	defer set.Close()
	if !hasModel(set) {
		return fmt.Errorf("%w: no language model among the configured tools (%s); add llm.openai or llm.anthropic tools to baton.yaml so questions can be answered", ErrUsage, strings.Join(set.Names(), ", "))
	}
	var entries []benchqa.Entry
	for _, k := range kinds {
		p, pname, err := qaPolicy(ctx, env, cfg, f, k, style)
		if err != nil {
			return err
		}
		en := benchqa.Entry{Entry: bench.Entry{Name: pname, Policy: p}}
		if k == "orchestrator8b" {
			// A round of the 8B model is up to two Baton steps (a query
			// then its search, code then its run, an answer then its
			// final): --max-turns rounds are twice as many steps.
			en.MaxTurns = 2 * f.maxTurns
		}
		entries = append(entries, en)
	}
	name, items, err := qaItems(ctx, env, f)
	if err != nil {
		return err
	}
	e, err := qa.New(qa.Options{Name: name, Items: items, Tools: set, Judge: judge})
	if err != nil {
		return err
	}
	sum, err := benchqa.Run(ctx, e, entries, benchqa.Options{
		Budget:  episode.Budget{MaxTurns: f.maxTurns, MaxCost: maxCost},
		Workers: f.workers,
		OnDone: func(r benchqa.Record) {
			why := ""
			if r.Error != "" {
				why = ": " + clip(r.Error, 200)
			}
			fmt.Fprintf(env.Stderr, "%s %s: %s, correct=%v (%s), %s, %.1fs%s\n", r.Policy, r.ID, r.Status, r.Correct, r.Rule, r.Cost, r.LatencyS, why)
		},
	})
	if err != nil {
		return err
	}
	res := sum.Results
	res.Notes["set"] = name
	res.Notes["context"] = style
	res.Notes["max_turns"] = fmt.Sprint(f.maxTurns)
	if judge != nil {
		st := judge.Stats()
		res.Notes["judge"] = fmt.Sprintf("%s: %d verdicts, %d failed, %d without a <correct> tag, %s in total", f.judgeModel, st.Calls, st.Failed, st.Untagged, st.Cost)
	} else {
		res.Notes["judge"] = "none (exact and numeric match only)"
	}
	if err := bench.PrintTable(env.Stdout, res); err != nil {
		return err
	}
	for _, en := range entries {
		if jc, ok := sum.JudgeCost[en.Name]; ok {
			fmt.Fprintf(env.Stdout, "judge cost for %s: %s (not in the table)\n", en.Name, jc)
		}
	}
	if err := benchqa.WriteReport(f.out, sum); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\nReport: %s\n", filepath.Join(f.out, "index.html"))
	if f.jsonOut != "" {
		if err := writeJSONFile(env, f.jsonOut, res); err != nil {
			return err
		}
	}
	if len(sum.Problems) > 0 {
		for _, p := range sum.Problems {
			fmt.Fprintf(env.Stderr, "baton bench qa: %s\n", p)
		}
		return ExitError{Code: 1}
	}
	return nil
}

// qaItems loads the question set and picks the context style.
func qaItems(ctx context.Context, env *Env, f qaFlags) (name string, items []qa.Item, err error) {
	ropts := dataset.Options{Dir: f.data, Getenv: env.Getenv, Progress: env.Stderr}
	switch f.set {
	case "frames":
		dir, err := dataset.Resolve(ctx, "frames", ropts)
		if err != nil {
			return "", nil, err
		}
		name = "frames"
		items, err = qa.LoadFRAMES(dir)
		if err != nil {
			return "", nil, err
		}
	case "gsm8k":
		dir, err := dataset.Resolve(ctx, "gsm8k", ropts)
		if err != nil {
			return "", nil, err
		}
		name = "gsm8k"
		if items, err = qa.LoadFile(filepath.Join(dir, "test.jsonl")); err != nil {
			return "", nil, err
		}
	case "hle":
		if f.file == "" {
			return "", nil, fmt.Errorf("%w: HLE is not bundled (upstream keeps hle.jsonl in Git LFS); download it and pass --set hle --file PATH", ErrUsage)
		}
		name = "hle"
		if items, err = qa.LoadFile(f.file); err != nil {
			return "", nil, fmt.Errorf("%w: %v", ErrUsage, err)
		}
	default:
		if f.file != "" {
			return "", nil, fmt.Errorf("%w: --file goes with --set hle; give other files as --set PATH", ErrUsage)
		}
		if _, err := os.Stat(f.set); err != nil {
			return "", nil, fmt.Errorf("%w: --set %q is not frames, gsm8k, hle or a readable file: %v", ErrUsage, f.set, err)
		}
		name = strings.TrimSuffix(filepath.Base(f.set), filepath.Ext(f.set))
		if items, err = qa.LoadFile(f.set); err != nil {
			return "", nil, fmt.Errorf("%w: %v", ErrUsage, err)
		}
	}
	if f.questions != "" {
		want := map[string]bool{}
		for _, id := range splitList(f.questions) {
			want[id] = true
		}
		var kept []qa.Item
		for _, it := range items {
			if want[it.ID] {
				kept = append(kept, it)
				delete(want, it.ID)
			}
		}
		if len(want) > 0 {
			var missing []string
			for id := range want {
				missing = append(missing, id)
			}
			return "", nil, fmt.Errorf("%w: --questions: no question with id %s in %s", ErrUsage, strings.Join(missing, ", "), name)
		}
		items = kept
	}
	if f.limit > 0 && f.limit < len(items) {
		items = items[:f.limit]
	}
	return name, items, nil
}

// qaJudge builds the judge, refusing a remote judge without a key.
func qaJudge(env *Env, cfg *config.Config, f qaFlags) (*qa.Judge, error) {
	if strings.TrimSpace(f.judgeModel) == "" {
		return nil, fmt.Errorf("%w: --judge-model is empty; name a model or pass --no-judge", ErrUsage)
	}
	base := strings.TrimRight(f.judgeBaseURL, "/")
	key := env.Getenv(f.judgeKeyEnv)
	if key == "" && !loopbackURL(base) {
		return nil, fmt.Errorf("%w: the judge %s needs an API key: set $%s (or name another variable with --judge-api-key-env), point --judge-base-url at a local server, or pass --no-judge", ErrUsage, f.judgeModel, f.judgeKeyEnv)
	}
	one := 1.0 // ToolOrchestra asks its judge at temperature 1
	return &qa.Judge{
		Client:      openai.New(openai.Options{BaseURL: base, APIKey: key, Timeout: 2 * time.Minute}),
		Model:       f.judgeModel,
		Price:       catalogPrice(cfg.Catalog(), f.judgeModel, "judge"),
		Temperature: &one,
	}, nil
}

// loopbackURL reports whether base names this machine (an empty base is
// OpenAI's public API).
func loopbackURL(base string) bool {
	if base == "" {
		return false
	}
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "localhost" || h == "127.0.0.1" || h == "::1" || strings.HasSuffix(h, ".localhost")
}

func hasModel(set *tool.Set) bool {
	for _, s := range set.Specs() {
		if s.HasTag(tool.TagLLM) {
			return true
		}
	}
	return false
}

// qaPolicy builds one policy: baton.yaml's options for the kind, overlaid
// with the model flags for the llm kinds (other kinds ignore them);
// orchestrator8b gets the set's context rules and ToolOrchestra's
// temperature.
func qaPolicy(ctx context.Context, env *Env, cfg *config.Config, f qaFlags, kind, style string) (policy.Policy, string, error) {
	pc := cfg.PolicyConfig(kind, f.seed)
	pc.Getenv = env.Getenv
	llmKind := kind == "llm" || kind == "orchestrator8b"
	name := kind
	if llmKind {
		opts := map[string]any{}
		if len(pc.Options) > 0 {
			if err := json.Unmarshal(pc.Options, &opts); err != nil {
				return nil, "", fmt.Errorf("policies.%s: %w", kind, err)
			}
		}
		for k, v := range map[string]string{"model": f.model, "base_url": f.baseURL, "api_key_env": f.apiKeyEnv} {
			if v != "" {
				opts[k] = v
			}
		}
		if kind == "orchestrator8b" {
			if _, ok := opts["context"]; !ok {
				opts["context"] = style
			}
			// ToolOrchestra samples the orchestrator at temperature 1.
			if _, ok := opts["temperature"]; !ok {
				opts["temperature"] = 1.0
			}
		}
		base, _ := opts["base_url"].(string)
		keyEnv, _ := opts["api_key_env"].(string)
		if kind == "llm" && keyEnv == "" {
			keyEnv = "OPENAI_API_KEY"
		}
		if kind == "llm" && !loopbackURL(base) && env.Getenv(keyEnv) == "" {
			return nil, "", fmt.Errorf("%w: the llm policy's model needs an API key: set $%s, or point --base-url at a local server", ErrUsage, keyEnv)
		}
		b, err := json.Marshal(opts)
		if err != nil {
			return nil, "", err
		}
		pc.Options = b
		if m, ok := opts["model"].(string); ok && m != "" {
			name += ":" + m
		}
	}
	p, err := policy.New(ctx, kind, pc)
	if err != nil {
		return nil, "", fmt.Errorf("%w: policy %s: %v", ErrUsage, kind, err)
	}
	return p, name, nil
}
