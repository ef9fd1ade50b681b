package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/toolscale"
)

func init() {
	register(Command{Name: "synth", Short: "generate ToolScale-style domains: database, tools, policy, verified tasks", Run: runSynth})
}

const synthAbout = `Generates new agentic domains the ToolScale way: schema, typed records,
read/write tools over them, a policy document, and tasks with golden actions,
communicate_info and natural-language assertions, plus harder evolved
variants. Every task is verified: tasks whose golden actions fail, change
nothing, or duplicate another are dropped, with counts per reason.

The procedural generator is deterministic from --seed and works offline. With
--model (and --base-url for a non-OpenAI server), an OpenAI-compatible model
also writes scenarios, which pass the same verifier.

With --invent "topic,topic" and --model, the model writes whole new domains
the ToolScale way: domain and policy, schema, database, tools, intents,
tasks, evolved tasks. Each step's reply is checked (schema and references,
typed records, tool specs, intents naming real tools) and sent back with the
reason when it fails, up to --step-attempts times; tasks are kept only when
their golden actions replay without error and reach a final database no
other kept task reaches. Built-in domains are then generated only when
--domains names them.

Output: one directory per domain (db.json, tools.json, policy.md, tasks.json,
split_tasks.json) that baton env serve --synth-root <out> serves as synth:<domain>.

Domains: ` + "bank, basketball, ecommerce, medicine, movie, railway, restaurant, school, travel, weather"

func runSynth(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "synth", "synth [flags]", synthAbout)
	out := fs.String("out", "synth-out", "output directory")
	domains := fs.String("domains", "", "comma-separated domains (default: all ten)")
	seed := fs.Int64("seed", 1, "seed of the procedural generator")
	tasks := fs.Int("tasks", toolscale.DefaultTasksPerDomain, "procedural base tasks per domain")
	evolve := fs.Bool("evolve", true, "add one harder evolved variant per base task")
	model := fs.String("model", "", "also ask this OpenAI-compatible model for scenarios")
	baseURL := fs.String("base-url", "", "the model server's base URL (default OpenAI's)")
	keyEnv := fs.String("api-key-env", "OPENAI_API_KEY", "environment variable holding the model server's key")
	llmTasks := fs.Int("llm-tasks", 5, "scenarios to ask the model for, per domain")
	invent := fs.String("invent", "", "comma-separated topics the model writes whole new domains about (needs --model)")
	stepAttempts := fs.Int("step-attempts", toolscale.DefaultStepAttempts, "replies asked per pipeline step before --invent gives up")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, pos[0])
	}
	if *invent != "" && *model == "" {
		return fmt.Errorf("%w: --invent needs --model: a model writes the new domains", ErrUsage)
	}
	if *stepAttempts < 1 {
		return fmt.Errorf("%w: --step-attempts must be at least 1", ErrUsage)
	}
	o := toolscale.Options{Seed: *seed, TasksPerDomain: *tasks, Evolve: *evolve, OutDir: *out, LLMTasksPerDomain: *llmTasks, StepAttempts: *stepAttempts}
	if *invent != "" {
		o.Invent = splitList(*invent)
	}
	if *domains != "" {
		o.Domains = splitList(*domains)
	}
	if *model != "" {
		o.Model = *model
		o.LLM = openai.New(openai.Options{BaseURL: *baseURL, APIKey: env.Getenv(*keyEnv), Timeout: 2 * time.Minute})
	}
	rep, err := toolscale.Generate(ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.Stdout, rep)
	}
	fmt.Fprint(env.Stdout, rep.String())
	fmt.Fprintf(env.Stdout, "wrote %d domains to %s; serve them with: baton env serve --synth-root %s, env synth:<domain>\n", len(rep.Domains), *out, strings.TrimRight(*out, "/"))
	return nil
}
