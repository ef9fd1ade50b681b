package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
)

func init() {
	register(Command{Name: "run", Short: "run one task live, printing the trace and a summary", Run: runRun})
}

const runAbout = `Runs one task through the orchestrator: each turn the policy picks a tool
(or answers), within the budget. The trace is printed as it happens; a
summary (answer, turns, cost, latency, calls per tool) ends the run.

Examples:
  baton run "2^200 mod 1000000007"
  baton run "What is our refund policy?" --policy llm --max-cost 0.05 --max-time 2m
  baton run "task" --prefer local --trace-json trace.jsonl

--prefer takes presets (accuracy, balanced, cost, fast, local) or weights
(accuracy=1,cost=0.5,tool:gpt-5=0.2), comma-separated.`

func runRun(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "run", `run "TASK" [flags]`, runAbout)
	cfgPath := configFlag(fs)
	policyName := fs.String("policy", "", "policy kind (default: policy: in baton.yaml, else llm when policies.llm is usable, else cheapest); see baton policies")
	maxCost := fs.String("max-cost", "", "cost cap in USD, e.g. 0.05 (default from baton.yaml; none if unset)")
	maxTime := fs.Duration("max-time", 0, "wall-time cap, e.g. 2m (default from baton.yaml: 2m)")
	maxTurns := fs.Int("max-turns", 0, "turn cap (default from baton.yaml: 8)")
	prefer := fs.String("prefer", "", "preferences: presets or key=weight list (see above)")
	toolsFlag := fs.String("tools", "", "comma-separated tool names this run may call (default all)")
	traceJSON := fs.String("trace-json", "", "also write the trace as JSON lines to FILE ('-' for stdout)")
	quiet := fs.Bool("quiet", false, "print only the answer")
	seed := fs.Int64("seed", 1, "seed for policies that sample")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(pos[0]) == "" {
		return fmt.Errorf("%w: want exactly one task, quoted: baton run \"TASK\"", ErrUsage)
	}
	cfg, set, err := openTools(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer set.Close()

	task := episode.Task{Prompt: pos[0], Budget: cfg.Budget.Episode()}
	if *maxCost != "" {
		if task.Budget.MaxCost, err = money.Parse(*maxCost); err != nil {
			return fmt.Errorf("%w: --max-cost: %v", ErrUsage, err)
		}
	}
	if *maxTime > 0 {
		task.Budget.MaxTime = *maxTime
	}
	if *maxTurns > 0 {
		task.Budget.MaxTurns = *maxTurns
	}
	if *prefer != "" {
		if task.Preferences, err = config.ParsePreferences(*prefer); err != nil {
			return fmt.Errorf("%w: --prefer: %v", ErrUsage, err)
		}
	}
	if *toolsFlag != "" {
		task.Tools = strings.Split(*toolsFlag, ",")
		if _, err := set.Subset(task.Tools); err != nil {
			return fmt.Errorf("%w: --tools: %v (baton tools lists them)", ErrUsage, err)
		}
	}
	name := *policyName
	if name == "" {
		name, _ = cfg.DefaultPolicy(ctx)
	} else if !policyRegistered(name) {
		_, err := policy.New(ctx, name, policy.Config{}) // its error lists the policies
		return fmt.Errorf("%w: --policy: %v", ErrUsage, err)
	}
	p, err := policy.New(ctx, name, cfg.PolicyConfig(name, *seed))
	if err != nil {
		return err
	}

	var tracers []episode.Tracer
	if !*quiet {
		tracers = append(tracers, humanTrace(env.Stderr))
	}
	if *traceJSON != "" {
		w, closeFn, err := createOutput(env, *traceJSON)
		if err != nil {
			return err
		}
		defer closeFn()
		tracers = append(tracers, episode.JSONLines(w))
	}
	ep, err := orchestrator.Run(ctx, task, p, set, orchestrator.WithTracer(episode.Tee(tracers...)))
	if err != nil {
		return err
	}
	if *quiet {
		fmt.Fprintln(env.Stdout, ep.Answer)
	} else {
		printSummary(env.Stdout, ep)
	}
	if ep.Status != episode.StatusAnswered {
		return ExitError{Code: 1}
	}
	return nil
}

// humanTrace prints one line per event, as it happens.
func humanTrace(w io.Writer) episode.Tracer {
	return func(e episode.Event) {
		switch e.Type {
		case episode.EventDecide:
			if e.Tool != "" {
				fmt.Fprintf(w, "[turn %d] call %s %s\n", e.Turn, e.Tool, clip(string(e.Args), 200))
			}
		case episode.EventResult:
			tag := "ok"
			if e.IsError {
				tag = "error"
			}
			fmt.Fprintf(w, "[turn %d]   %s %s (%s, %s): %s\n", e.Turn, e.Tool, tag, e.Cost, e.Latency.Round(time.Millisecond), clip(e.Content, 300))
		case episode.EventInvalid, episode.EventRefused:
			fmt.Fprintf(w, "[turn %d]   %s: %s\n", e.Turn, e.Type, clip(e.Content, 300))
		case episode.EventAnswer:
			fmt.Fprintf(w, "[turn %d] answer\n", e.Turn)
		case episode.EventEnd:
			fmt.Fprintf(w, "[end] %s, spent %s\n", e.Status, e.Spent)
		}
	}
}

func printSummary(w io.Writer, ep *episode.Episode) {
	fmt.Fprintf(w, "Answer:  %s\n", ep.Answer)
	fmt.Fprintf(w, "Status:  %s", ep.Status)
	if ep.Error != "" {
		fmt.Fprintf(w, " (%s)", ep.Error)
	}
	fmt.Fprintf(w, "\nTurns:   %d\nCost:    %s\nLatency: %s\n", len(ep.Steps), ep.Cost, ep.Latency.Round(time.Millisecond))
	calls := ep.Calls()
	names := make([]string, 0, len(calls))
	for n := range calls {
		names = append(names, n)
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s×%d", n, calls[n]))
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	fmt.Fprintf(w, "Calls:   %s\n", strings.Join(parts, ", "))
}

func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ⏎ ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func policyRegistered(name string) bool {
	for _, k := range policy.Kinds() {
		if k.Name == name {
			return true
		}
	}
	return false
}
