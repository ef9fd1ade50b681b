package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/batonhq/baton/bench"
	"github.com/batonhq/baton/bench/tau2"
	"github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain"
	_ "github.com/batonhq/baton/env/domain/airline" // registers the airline domain
	_ "github.com/batonhq/baton/env/domain/retail"  // registers the retail domain
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	_ "github.com/batonhq/baton/policy/llm" // registers the llm policies
)

const benchTau2About = `Runs an agent on a τ²-bench domain as τ²-bench does: each task is a
conversation between the agent (a Baton policy with the domain's tools, plus
call_expert when --expert-model is set) and an LLM-simulated customer that
follows the task's scenario and tau2's simulation guidelines. One agent turn
is one orchestrator episode whose answer is the message to the customer; the
database persists over the conversation, and the end state is scored by the
domain's verifier (database hash against the gold actions, communicate_info).

Reports pass^k for k = 1..--trials (tau2's estimator C(c,k)/C(n,k) averaged
over tasks), mean cost per conversation (agent, expert and user simulator
apart), latency and turns; writes results.json, tasks.json (per task) and
conversations.jsonl (transcripts) into --out.

--tasks takes ids and 0-based position ranges in tasks.json order:
"0-9", "42,3", "0-4,42".

Examples:
  baton bench tau2 --domain airline --model gpt-4.1 --trials 4
  baton bench tau2 --domain retail --model gpt-5-mini --expert-model gpt-5 --tasks 0-9
  baton bench tau2 --policy orchestrator8b --base-url http://127.0.0.1:8000/v1 --user-model gpt-4.1`

type tau2Flags struct {
	domain, policy, model, baseURL, apiKeyEnv            string
	userModel, userBaseURL, userKeyEnv                   string
	expertModel, expertBaseURL, expertKeyEnv             string
	tasks, split, data, out, jsonOut, maxCost, cfgPath   string
	trials, maxTurns, maxSteps, workers, expertMaxTokens int
	userTemperature                                      float64
	seed                                                 int64
}

func runBenchTau2(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "bench tau2", "bench tau2 [flags]", benchTau2About)
	var f tau2Flags
	fs.StringVar(&f.domain, "domain", "airline", "τ²-bench domain: airline, retail (telecom once its domain is registered)")
	fs.StringVar(&f.policy, "policy", "llm", "agent policy kind (see baton policies)")
	fs.StringVar(&f.model, "model", "", "agent model name for the llm/orchestrator8b policies")
	fs.StringVar(&f.baseURL, "base-url", "", "agent model's OpenAI-compatible API root (ends in /v1)")
	fs.StringVar(&f.apiKeyEnv, "api-key-env", "", "environment variable holding the agent model's API key")
	fs.StringVar(&f.userModel, "user-model", "gpt-4.1", "user simulator model (tau2's leaderboard uses gpt-4.1)")
	fs.StringVar(&f.userBaseURL, "user-base-url", "", "user simulator's OpenAI-compatible API root (default OpenAI)")
	fs.StringVar(&f.userKeyEnv, "user-api-key-env", "OPENAI_API_KEY", "environment variable holding the user simulator's API key")
	fs.Float64Var(&f.userTemperature, "user-temperature", 0, "user simulator temperature; negative sends none")
	fs.StringVar(&f.expertModel, "expert-model", "", "offer call_expert with this model (default: no expert)")
	fs.StringVar(&f.expertBaseURL, "expert-base-url", "", "expert's OpenAI-compatible API root (default OpenAI)")
	fs.StringVar(&f.expertKeyEnv, "expert-api-key-env", "OPENAI_API_KEY", "environment variable holding the expert's API key")
	fs.IntVar(&f.expertMaxTokens, "expert-max-tokens", 0, "cap on the expert's reply tokens (default 2048)")
	fs.IntVar(&f.trials, "trials", 1, "conversations per task (pass^k is reported for k up to this)")
	fs.StringVar(&f.tasks, "tasks", "", "task ids and position ranges, e.g. 0-9 or 42,3 (default all)")
	fs.StringVar(&f.split, "split", "", "tau2 split from split_tasks.json (train, test, base); default all tasks")
	fs.IntVar(&f.maxTurns, "max-turns", tau2.DefaultMaxTurns, "agent messages per conversation before it is cut off (reward 0)")
	fs.IntVar(&f.maxSteps, "max-steps", tau2.DefaultStepsPerTurn, "orchestrator turns (tool calls + answer) per agent turn")
	fs.StringVar(&f.maxCost, "max-cost", "", "cap in USD on agent+expert spending per conversation (default none)")
	fs.IntVar(&f.workers, "workers", 4, "conversations run in parallel")
	fs.StringVar(&f.data, "data", "", "data root (default $BATON_DATA, then ../shared/data)")
	fs.StringVar(&f.out, "out", "baton-report-tau2", "report directory")
	fs.StringVar(&f.jsonOut, "json", "", "also write results.json to FILE ('-' for stdout)")
	fs.StringVar(&f.cfgPath, "config", "", "config file for prices and policy options (default $BATON_CONFIG, then ./baton.yaml)")
	fs.Int64Var(&f.seed, "seed", 1, "seed for policies that sample")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, pos[0])
	}
	if f.trials < 1 || f.maxTurns < 1 || f.maxSteps < 1 || f.workers < 1 {
		return fmt.Errorf("%w: --trials, --max-turns, --max-steps and --workers must be at least 1", ErrUsage)
	}
	if f.tasks != "" && f.split != "" {
		return fmt.Errorf("%w: give --tasks or --split, not both", ErrUsage)
	}
	var maxCost money.Amount
	if f.maxCost != "" {
		if maxCost, err = money.Parse(f.maxCost); err != nil {
			return fmt.Errorf("%w: --max-cost: %v", ErrUsage, err)
		}
	}
	cfg, err := config.Load(f.cfgPath, env.Getenv)
	if err != nil {
		return err
	}
	root, err := dataset.Resolve(ctx, "tau2-bench", dataset.Options{Dir: f.data, Getenv: env.Getenv, Progress: env.Stderr})
	if err != nil {
		return err
	}
	d, err := domain.Open(ctx, root, f.domain)
	if err != nil {
		return err
	}
	tasks, err := tau2Tasks(d, f)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	guidelines, err := tau2.LoadGuidelines(root)
	if err != nil {
		return err
	}
	pol, polName, err := tau2Policy(ctx, env, cfg, f)
	if err != nil {
		return err
	}
	cat := cfg.Catalog()
	user := &tau2.User{
		Client:     openai.New(openai.Options{BaseURL: strings.TrimRight(f.userBaseURL, "/"), APIKey: env.Getenv(f.userKeyEnv)}),
		Model:      f.userModel,
		Price:      catalogPrice(cat, f.userModel, "user simulator"),
		Guidelines: guidelines,
	}
	if f.userTemperature >= 0 {
		t := f.userTemperature
		user.Temperature = &t
	}
	runner := &tau2.Runner{Domain: d, Policy: pol, User: user, MaxTurns: f.maxTurns, StepsPerTurn: f.maxSteps, MaxCost: maxCost}
	if f.expertModel != "" {
		runner.Expert = &tau2.Expert{
			Client:    openai.New(openai.Options{BaseURL: strings.TrimRight(f.expertBaseURL, "/"), APIKey: env.Getenv(f.expertKeyEnv)}),
			Model:     f.expertModel,
			Price:     catalogPrice(cat, f.expertModel, "expert"),
			MaxTokens: f.expertMaxTokens,
		}
		polName += "+expert:" + f.expertModel
	}
	convs, err := runner.Evaluate(ctx, tasks, tau2.Options{Trials: f.trials, Workers: f.workers, OnDone: func(c *tau2.Conversation) {
		why := ""
		if c.Error != "" {
			why = ": " + clip(c.Error, 300)
		}
		fmt.Fprintf(env.Stderr, "task %s trial %d: reward %g (%s, %d agent turns, %s)%s\n", c.TaskID, c.Trial, c.Reward, c.Termination, c.AgentTurns, c.SystemCost(), why)
	}})
	if err != nil {
		return err
	}
	sum, rows := tau2.Summarise(convs)
	res := sum.Results("tau2-"+d.Name(), polName)
	res.Notes["trials"] = fmt.Sprint(f.trials)
	res.Notes["user_model"] = f.userModel
	res.Notes["seed"] = fmt.Sprint(f.seed)
	if f.expertModel != "" {
		res.Notes["expert_model"] = f.expertModel
	}
	if err := bench.PrintTable(env.Stdout, res); err != nil {
		return err
	}
	var ks []string
	for i, p := range sum.PassHatK {
		ks = append(ks, fmt.Sprintf("pass^%d %.4f", i+1, p))
	}
	fmt.Fprintf(env.Stdout, "\n%s\n", strings.Join(ks, "  "))
	fmt.Fprintf(env.Stdout, "mean cost per conversation (USD): agent %.7f  expert %.7f  user simulator %.7f\n", sum.AgentCostUSD, sum.ExpertCostUSD, sum.UserCostUSD)
	fmt.Fprintf(env.Stdout, "mean agent turns %.2f, latency %.2fs; endings: %s\n", sum.AgentTurns, sum.LatencyS, res.Notes["terminations"])
	if err := tau2.WriteReport(f.out, res, rows, convs); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\nReport: %s\n", filepath.Join(f.out, "results.json"))
	if f.jsonOut != "" {
		w, done, err := createOutput(env, f.jsonOut)
		if err != nil {
			return err
		}
		defer done()
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return nil
}

func tau2Tasks(d *domain.Domain, f tau2Flags) ([]*domain.Task, error) {
	if f.split != "" {
		return tau2.SplitTasks(d, f.split)
	}
	return tau2.SelectTasks(d, f.tasks)
}

// tau2Policy builds the agent policy: baton.yaml's options for the kind,
// overlaid with the flags; the llm kind gets tau2.AgentInstructions as its
// system prompt unless the config sets one.
func tau2Policy(ctx context.Context, env *Env, cfg *config.Config, f tau2Flags) (policy.Policy, string, error) {
	pc := cfg.PolicyConfig(f.policy, f.seed)
	pc.Getenv = env.Getenv
	llmKind := f.policy == "llm" || f.policy == "orchestrator8b"
	if !llmKind && (f.model != "" || f.baseURL != "" || f.apiKeyEnv != "") {
		return nil, "", fmt.Errorf("%w: --model, --base-url and --api-key-env apply to the llm and orchestrator8b policies; configure %s in baton.yaml", ErrUsage, f.policy)
	}
	name := f.policy
	if llmKind {
		opts := map[string]any{}
		if len(pc.Options) > 0 {
			if err := json.Unmarshal(pc.Options, &opts); err != nil {
				return nil, "", fmt.Errorf("policies.%s: %w", f.policy, err)
			}
		}
		for k, v := range map[string]string{"model": f.model, "base_url": f.baseURL, "api_key_env": f.apiKeyEnv} {
			if v != "" {
				opts[k] = v
			}
		}
		if _, ok := opts["system"]; !ok && f.policy == "llm" {
			opts["system"] = tau2.AgentInstructions
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
	p, err := policy.New(ctx, f.policy, pc)
	if err != nil {
		return nil, "", err
	}
	return p, name, nil
}

// catalogPrice looks a model up in the price catalog; an unknown model is
// billed as free, with a warning.
func catalogPrice(cat *money.Catalog, model, role string) money.Price {
	if p, ok := cat.Lookup(model); ok {
		return p
	}
	slog.Warn("bench tau2: no price for the "+role+" model; its calls are billed as free (add it under prices: in baton.yaml)", "model", model)
	return money.Price{}
}
