package grpo

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy/learned"
)

// TestWarmLLMRouter is an opt-in run of the warm start on the real
// LLMRouter replay (BATON_REAL_WARM=1), reporting mean outcome and cost on
// the test split under each preset.
func TestWarmLLMRouter(t *testing.T) {
	if os.Getenv("BATON_REAL_WARM") == "" {
		t.Skip("set BATON_REAL_WARM=1 to warm-start on the LLMRouter replay")
	}
	ctx := context.Background()
	all, err := replay.Open(ctx, "llmrouter", "train", dataset.Options{Dir: os.Getenv("BATON_DATA")})
	if err != nil {
		t.Fatal(err)
	}
	test, err := replay.Open(ctx, "llmrouter", "test", dataset.Options{Dir: os.Getenv("BATON_DATA")})
	if err != nil {
		t.Fatal(err)
	}
	fit, _ := env.Split(all, 10)
	start := time.Now()
	tps, err := ProbeEnv(ctx, fit, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("probed %d tasks in %s", len(tps), time.Since(start))
	cfg := WarmConfig{Seed: 1}
	f := func(name string, v *float64) {
		if x, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
			*v = x
		}
	}
	i := func(name string, v *int) {
		if x, err := strconv.Atoi(os.Getenv(name)); err == nil {
			*v = x
		}
	}
	f("WARM_LR", &cfg.LR)
	f("WARM_TEMP", &cfg.Temp)
	f("WARM_L2", &cfg.L2)
	f("WARM_FOLLOW", &cfg.FollowUp)
	i("WARM_EPOCHS", &cfg.Epochs)
	i("WARM_BATCH", &cfg.Batch)
	cfg.Defaults()
	start = time.Now()
	p, st, err := warmFromProbes(ctx, cfg, tps, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("warm start in %s: utility by epoch %.3f", time.Since(start), st.Utility)
	reportMean(t, test, p)
	if os.Getenv("WARM_TRAINREPORT") != "" {
		reportMean(t, fit, p)
	}
}

func reportMean(t *testing.T, e env.Env, p *learned.Policy) {
	ctx := context.Background()
	tasks := e.Tasks()
	n := float64(len(tasks))
	for _, pr := range Presets {
		var acc, cost, calls float64
		use := map[string]int{}
		for _, task := range tasks {
			task.Preferences = pr.Pref
			task.Budget.MaxTurns = 5
			set, _ := e.Tools(ctx, task)
			ep, err := orchestrator.Run(ctx, task, p, set)
			if err != nil {
				t.Fatal(err)
			}
			sc, _ := e.Score(ctx, task, ep)
			acc += sc.Outcome / n
			cost += ep.Cost.USD() / n
			for k, c := range ep.Calls() {
				calls += float64(c) / n
				use[k] += c
			}
		}
		t.Logf("learned[%-8s] mean outcome %.3f cost $%.7f calls %.2f %v", pr.Name, acc, cost, calls, use)
	}
}
