package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/batonhq/baton/bench"
	"github.com/batonhq/baton/bench/tau2"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain"
	_ "github.com/batonhq/baton/env/domain/airline" // registers the airline domain
	_ "github.com/batonhq/baton/env/domain/retail"  // registers the retail domain
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	llmpolicy "github.com/batonhq/baton/policy/llm" // also registers the llm policies
	toolllm "github.com/batonhq/baton/tool/llm"
)

const benchTau2About = `Runs an agent on a τ²-bench domain in ToolOrchestra's setup: each task is a
conversation between the agent (a Baton policy with the domain's tools) and
an LLM-simulated customer that follows the task's scenario and tau2's
simulation guidelines. One agent turn is one orchestrator episode whose
answer is the message to the customer; the database persists over the
conversation, and the end state is scored by the domain's verifier
(database hash against the gold actions, communicate_info).

As ToolOrchestra does, transfer_to_human_agents is taken from the agent and
call_expert(expert) offered instead, with --experts mapping the aliases
expert-1, expert-2, expert-3 to gpt-5, gpt-5-mini and Qwen3-32B by default,
each priced from the price catalog. The chosen expert gets tau2's agent
prompt with the domain policy, the conversation and the domain's tools
(transfer included): its message becomes the agent's message to the
customer, or its tool calls are made as the agent's. --experts none runs
plain τ²-bench (the transfer tool, no experts). Experts go to
--expert-base-url (default OpenAI) unless they name their own endpoint:
serve Qwen3-32B with vLLM and pass e.g.
expert-3=Qwen/Qwen3-32B@http://127.0.0.1:8001/v1. A conversation is cut off
after --max-steps steps (tau2's max_steps, 200).

--policy llm drives any OpenAI-compatible model with native tool calls;
--policy orchestrator8b drives nvidia/Orchestrator-8B (vLLM, default
http://127.0.0.1:8000/v1) the same way, over the domain's tools and
call_expert, as ToolOrchestra evaluates it on τ²-bench (its search /
enhance_reasoning / answer format is for question answering).

Reports pass^k for k = 1..--trials (tau2's estimator C(c,k)/C(n,k) averaged
over tasks), mean cost per conversation (agent, expert and user simulator
apart), latency and turns; writes results.json, tasks.json (per task:
pass^k, rewards, costs, latency) and conversations.jsonl (transcripts) into
--out. Exits 1 when every conversation failed (agent or user simulator
errors), naming the first error.

--tasks takes ids and 0-based position ranges in tasks.json order:
"0-9", "42,3", "0-4,42".

Examples:
  baton bench tau2 --domain airline --model gpt-4.1 --trials 4
  baton bench tau2 --domain retail --model gpt-5-mini --experts expert-1=gpt-5 --tasks 0-9
  baton bench tau2 --policy orchestrator8b --experts 'expert-1=gpt-5,expert-2=gpt-5-mini,expert-3=Qwen/Qwen3-32B@http://127.0.0.1:8001/v1'`

type tau2Flags struct {
	domain, policy, model, baseURL, apiKeyEnv              string
	userModel, userBaseURL, userKeyEnv                     string
	experts, expertBaseURL, expertKeyEnv                   string
	tasks, split, data, out, jsonOut, maxCost, cfgPath     string
	trials, maxSteps, maxTurnSteps, workers, expertMaxToks int
	maxErrors                                              int
	userTemperature                                        float64
	seed                                                   int64
}

// defaultExperts is --experts' default: ToolOrchestra's three.
func defaultExperts() string {
	var parts []string
	for _, e := range tau2.DefaultExperts {
		parts = append(parts, e.Alias+"="+e.Model)
	}
	return strings.Join(parts, ",")
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
	fs.StringVar(&f.experts, "experts", defaultExperts(), "call_expert's experts as ALIAS=MODEL[@BASE_URL],...; 'none' keeps transfer_to_human_agents and offers no expert")
	fs.StringVar(&f.expertBaseURL, "expert-base-url", "", "experts' OpenAI-compatible API root unless an expert names its own (default OpenAI)")
	fs.StringVar(&f.expertKeyEnv, "expert-api-key-env", "OPENAI_API_KEY", "environment variable holding the experts' API key")
	fs.IntVar(&f.expertMaxToks, "expert-max-tokens", 0, fmt.Sprintf("cap on each expert reply's tokens (default: ToolOrchestra's 40000 for gpt-5 and gpt-5-mini, else %d)", tau2.DefaultExpertMaxTokens))
	fs.IntVar(&f.trials, "trials", 1, "conversations per task (pass^k is reported for k up to this)")
	fs.StringVar(&f.tasks, "tasks", "", "task ids and position ranges, e.g. 0-9 or 42,3 (default all)")
	fs.StringVar(&f.split, "split", "", "tau2 split from split_tasks.json (train, test, base); default all tasks")
	fs.IntVar(&f.maxSteps, "max-steps", tau2.DefaultMaxSteps, "steps (messages, tool calls and their replies, as tau2 counts them) per conversation before it is cut off (reward 0)")
	fs.IntVar(&f.maxErrors, "max-errors", tau2.DefaultMaxErrors, "failed tool calls of the agent's per conversation before it is cut off (tau2's max_errors; reward 0)")
	fs.IntVar(&f.maxTurnSteps, "max-turn-steps", 0, "orchestrator turns (tool calls + answer) per agent turn (default: bounded by --max-steps only)")
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
	if f.trials < 1 || f.maxSteps < 1 || f.maxErrors < 1 || f.workers < 1 || f.maxTurnSteps < 0 || f.expertMaxToks < 0 {
		return fmt.Errorf("%w: --trials, --max-steps, --max-errors and --workers must be at least 1, --max-turn-steps and --expert-max-tokens at least 0", ErrUsage)
	}
	expertSpecs, err := parseExperts(f.experts)
	if err != nil {
		return fmt.Errorf("%w: --experts: %v", ErrUsage, err)
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
		Client:     toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: strings.TrimRight(f.userBaseURL, "/"), APIKey: env.Getenv(f.userKeyEnv)}),
		Model:      f.userModel,
		Price:      catalogPrice(cat, f.userModel, "user simulator"),
		Guidelines: guidelines,
	}
	if f.userTemperature >= 0 {
		t := f.userTemperature
		user.Temperature = &t
	}
	runner := &tau2.Runner{Domain: d, Policy: pol, User: user, MaxSteps: f.maxSteps, MaxErrors: f.maxErrors, StepsPerTurn: f.maxTurnSteps, MaxCost: maxCost}
	var expertNames []string
	for _, e := range expertSpecs {
		base := e.baseURL
		if base == "" {
			base = f.expertBaseURL
		}
		if base == "" && strings.Contains(e.model, "/") {
			slog.Warn("bench tau2: this expert goes to OpenAI, which does not serve it; give it its own endpoint as ALIAS=MODEL@BASE_URL", "alias", e.alias, "model", e.model)
		}
		x := &tau2.Expert{
			Alias:     e.alias,
			Client:    toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: strings.TrimRight(base, "/"), APIKey: env.Getenv(f.expertKeyEnv)}),
			Model:     e.model,
			Price:     catalogPrice(cat, e.model, "expert"),
			MaxTokens: f.expertMaxToks,
		}
		// ToolOrchestra's own experts keep its description, latency and
		// reply cap.
		for _, d := range tau2.DefaultExperts {
			if d.Alias == e.alias && strings.EqualFold(d.Model, e.model) {
				x.About, x.Latency = d.About, d.Latency
				if x.MaxTokens == 0 {
					x.MaxTokens = d.MaxTokens
				}
			}
		}
		runner.Experts = append(runner.Experts, x)
		expertNames = append(expertNames, e.alias+"="+e.model)
	}
	if len(expertNames) > 0 {
		polName += "+experts"
	}
	convs, err := runner.Evaluate(ctx, tasks, tau2.Options{Trials: f.trials, Workers: f.workers, OnDone: func(c *tau2.Conversation) {
		why := ""
		if c.Error != "" {
			why = ": " + clip(c.Error, 300)
		}
		fmt.Fprintf(env.Stderr, "task %s trial %d: reward %g (%s, %d agent turns, %d steps, %s, %.1fs)%s\n", c.TaskID, c.Trial, c.Reward, c.Termination, c.AgentTurns, c.TauSteps, c.SystemCost(), c.Latency.Seconds(), why)
	}})
	if err != nil {
		return err
	}
	sum, rows := tau2.Summarise(convs)
	res := sum.Results("tau2-"+d.Name(), polName)
	res.Notes["trials"] = fmt.Sprint(f.trials)
	res.Notes["user_model"] = f.userModel
	res.Notes["seed"] = fmt.Sprint(f.seed)
	res.Notes["max_steps"] = fmt.Sprint(f.maxSteps)
	if len(expertNames) > 0 {
		res.Notes["experts"] = strings.Join(expertNames, ",")
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
	printTau2Tasks(env.Stdout, rows)
	if err := tau2.WriteReport(f.out, res, rows, convs); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\nReport: %s\n", filepath.Join(f.out, "results.json"))
	if f.jsonOut != "" {
		if err := writeJSONFile(env, f.jsonOut, res); err != nil {
			return err
		}
	}
	return allFailed(convs)
}

// allFailed is an error when every conversation ended in an agent or user
// simulator failure (every model call failing, say): such a run measured
// nothing and must not exit 0.
func allFailed(convs []*tau2.Conversation) error {
	if len(convs) == 0 {
		return nil
	}
	for _, c := range convs {
		if c.Termination != tau2.TermAgentError && c.Termination != tau2.TermUserError {
			return nil
		}
	}
	return fmt.Errorf("bench tau2: all %d conversations failed; the first (task %s trial %d) with %s: %s", len(convs), convs[0].TaskID, convs[0].Trial, convs[0].Termination, convs[0].Error)
}

// expertSpec is one --experts entry.
type expertSpec struct{ alias, model, baseURL string }

// parseExperts reads --experts: "none", or ALIAS=MODEL[@BASE_URL] items
// separated by commas.
func parseExperts(s string) ([]expertSpec, error) {
	s = strings.TrimSpace(s)
	if s == "none" || s == "" {
		return nil, nil
	}
	var out []expertSpec
	seen := map[string]bool{}
	for _, item := range strings.Split(s, ",") {
		alias, rest, ok := strings.Cut(strings.TrimSpace(item), "=")
		model, base, _ := strings.Cut(rest, "@")
		alias, model, base = strings.TrimSpace(alias), strings.TrimSpace(model), strings.TrimSpace(base)
		if !ok || alias == "" || model == "" {
			return nil, fmt.Errorf("%q: want ALIAS=MODEL or ALIAS=MODEL@BASE_URL, e.g. expert-1=gpt-5", item)
		}
		if seen[alias] {
			return nil, fmt.Errorf("alias %q given twice", alias)
		}
		if base != "" && !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
			return nil, fmt.Errorf("%q: base URL %q must start with http:// or https://", item, base)
		}
		seen[alias] = true
		out = append(out, expertSpec{alias: alias, model: model, baseURL: base})
	}
	return out, nil
}

// printTau2Tasks prints one line per task: pass^k for every k, mean
// reward, mean system and user cost per trial, mean latency.
func printTau2Tasks(w io.Writer, rows []tau2.TaskRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nTASK\tTRIALS\tPASS^1..k\tREWARD\tSYSTEM COST (USD)\tUSER COST (USD)\tLATENCY (s)\t")
	for _, r := range rows {
		ks := make([]string, len(r.PassHatK))
		for i, p := range r.PassHatK {
			ks[i] = strconv.FormatFloat(p, 'f', 2, 64)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.2f\t%.7f\t%.7f\t%.2f\t\n", r.TaskID, r.Trials, strings.Join(ks, " "), r.MeanReward, r.AgentCostUSD+r.ExpertCostUSD, r.UserCostUSD, r.LatencyS)
	}
	_ = tw.Flush()
}

func tau2Tasks(d *domain.Domain, f tau2Flags) ([]*domain.Task, error) {
	if f.split != "" {
		return tau2.SplitTasks(d, f.split)
	}
	return tau2.SelectTasks(d, f.tasks)
}

// tau2Policy builds the agent policy: baton.yaml's options for the kind,
// overlaid with the flags; the llm kind gets tau2.AgentInstructions as its
// system prompt unless the config sets one. orchestrator8b is
// Orchestrator-8B driven with native tool calls over the domain's tools
// (see [tau2Orchestrator8B]).
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
		if f.policy == "orchestrator8b" {
			return tau2Orchestrator8B(pc)
		}
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

// tau2MaxTokens8B is the reply cap ToolOrchestra's τ²-bench runs give
// Orchestrator-8B (with temperature 1).
const tau2MaxTokens8B = 8000

// tau2Orchestrator8B builds the agent for --policy orchestrator8b. On
// τ²-bench ToolOrchestra runs Orchestrator-8B as tau2's agent: the chat
// of the conversation under tau2's system prompt (transfer rules replaced
// by the expert rule, a reply-format suffix), the domain's tools and
// call_expert as functions (see tau2.ChatAgent); the search /
// enhance_reasoning / answer aliases of policy/llm's Orchestrator8B are its
// question-answering format, which cannot name a domain tool. Defaults:
// the orchestrator8b kind's model and vLLM URL, no API key unless
// api_key_env is set, and ToolOrchestra's τ²-bench sampling (temperature
// 1, 8000 reply tokens).
func tau2Orchestrator8B(pc policy.Config) (policy.Policy, string, error) {
	var o llmpolicy.Options
	if err := pc.Decode(&o); err != nil {
		return nil, "", fmt.Errorf("policies.orchestrator8b: %w", err)
	}
	if len(o.Aliases) > 0 {
		return nil, "", fmt.Errorf("%w: policies.orchestrator8b.aliases does not apply to bench tau2: the model calls the domain's tools and call_expert directly", ErrUsage)
	}
	if o.Model == "" {
		o.Model = llmpolicy.DefaultModel8B
	}
	if o.BaseURL == "" {
		o.BaseURL = llmpolicy.DefaultBaseURL8B
	}
	if o.MaxTokens == 0 {
		o.MaxTokens = tau2MaxTokens8B
	}
	if o.Temperature == nil {
		one := 1.0
		o.Temperature = &one
	}
	if o.MaxTokens < 0 {
		return nil, "", fmt.Errorf("%w: policies.orchestrator8b.max_tokens is %d; use a positive cap", ErrUsage, o.MaxTokens)
	}
	key := ""
	if o.APIKeyEnv != "" {
		if key = pc.Getenv(o.APIKeyEnv); key == "" {
			return nil, "", fmt.Errorf("orchestrator8b: $%s (api_key_env) is empty; export the key or drop the option for a server without keys", o.APIKeyEnv)
		}
	}
	price := money.Price{}
	if o.Price != nil {
		price = *o.Price
	} else if pc.Prices != nil {
		price = catalogPrice(pc.Prices, o.Model, "agent")
	}
	if o.System != "" {
		return nil, "", fmt.Errorf("%w: policies.orchestrator8b.system does not apply: Orchestrator-8B gets ToolOrchestra's τ²-bench prompt", ErrUsage)
	}
	p := &tau2.ChatAgent{
		Client:      toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: strings.TrimRight(o.BaseURL, "/"), APIKey: key}),
		Model:       o.Model,
		Price:       price,
		Temperature: o.Temperature,
		MaxTokens:   o.MaxTokens,
	}
	return p, "orchestrator8b:" + o.Model, nil
}

// catalogPrice looks a model up in the price catalog; an unknown model is
// billed as free, with a warning.
func catalogPrice(cat *money.Catalog, model, role string) money.Price {
	if p, ok := cat.Lookup(model); ok {
		return p
	}
	// "Qwen/Qwen3-32B" as served by vLLM is the catalog's "qwen3-32b".
	if i := strings.LastIndexByte(model, '/'); i >= 0 {
		if p, ok := cat.Lookup(model[i+1:]); ok {
			return p
		}
	}
	slog.Warn("bench tau2: no price for the "+role+" model; its calls are billed as free (add it under prices: in baton.yaml)", "model", model)
	return money.Price{}
}
