package grpo

import (
	"context"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy/learned"
)

// subset is an env restricted to some of another env's tasks.
type subset struct {
	env.Env
	tasks []episode.Task
}

func (s subset) Tasks() []episode.Task { return s.tasks }

// TestTrainLLMRouter is an opt-in end-to-end run on the real LLMRouter
// replay (BATON_REAL_TRAIN=1; BATON_CKPT=path also saves the result). It
// reports the trained policy against every single model and the oracle on
// the test split.
func TestTrainLLMRouter(t *testing.T) {
	if os.Getenv("BATON_REAL_TRAIN") == "" {
		t.Skip("set BATON_REAL_TRAIN=1 to train on the LLMRouter replay")
	}
	ctx := context.Background()
	all, err := replay.Open(ctx, "llmrouter", "train", dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	test, err := replay.Open(ctx, "llmrouter", "test", dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The files are grouped by task type, so validation is a seeded random
	// tenth rather than the tail.
	tasks := append([]episode.Task(nil), all.Tasks()...)
	rand.New(rand.NewSource(7)).Shuffle(len(tasks), func(i, j int) { tasks[i], tasks[j] = tasks[j], tasks[i] })
	nVal := len(tasks) / 10
	train := subset{all, tasks[nVal:]}
	val := subset{all, tasks[:nVal]}

	start := time.Now()
	cfg := Config{Seed: 1, Steps: 150, BatchTasks: 32, Group: 8, Epochs: 1, LR: 1e-3, KL: 0.05, Entropy: 0.05, EvalEvery: 25, Patience: 6,
		OnStep: func(s StepStats) {
			if s.Step%10 == 0 {
				t.Logf("step %d reward %.3f acc %.3f cost $%.6f turns %.2f skipped %d/%d kl %.3f ent %.3f", s.Step, s.MeanReward, s.Accuracy, s.MeanCostUSD, s.MeanTurns, s.Skipped, s.Groups, s.KL, s.Entropy)
			}
		}}
	envFloat := func(name string, v *float64) {
		if x, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
			*v = x
		}
	}
	envInt := func(name string, v *int) {
		if x, err := strconv.Atoi(os.Getenv(name)); err == nil {
			*v = x
		}
	}
	envFloat("GRPO_LR", &cfg.LR)
	envFloat("GRPO_KL", &cfg.KL)
	envFloat("GRPO_ENTROPY", &cfg.Entropy)
	envInt("GRPO_STEPS", &cfg.Steps)
	envInt("GRPO_EPOCHS", &cfg.Epochs)
	envInt("GRPO_BATCH", &cfg.BatchTasks)
	envInt("GRPO_PATIENCE", &cfg.Patience)
	p, stats, err := Train(ctx, cfg, train, val, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained in %s (%s); best eval %+v", time.Since(start).Round(time.Second), stats.Stopped, stats.Best)
	if path := os.Getenv("BATON_CKPT"); path != "" {
		if err := saveFile(p, path); err != nil {
			t.Fatal(err)
		}
	}
	report(t, test, p)
}

func report(t *testing.T, e *replay.Env, p *learned.Policy) {
	ctx := context.Background()
	tasks := e.Tasks()
	n := float64(len(tasks))
	type agg struct{ acc, cost float64 }
	single := map[string]*agg{}
	var oracle agg
	for _, task := range tasks {
		for name, o := range e.Outcomes(task.ID) {
			if single[name] == nil {
				single[name] = &agg{}
			}
			single[name].acc += b2f(o.Correct) / n
			single[name].cost += o.Cost.USD() / n
		}
		if o, ok := e.Oracle(task.ID); ok {
			oracle.acc += 1 / n
			oracle.cost += o.Cost.USD() / n
		}
	}
	names := make([]string, 0, len(single))
	for k := range single {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return single[names[i]].acc > single[names[j]].acc })
	for _, k := range names {
		t.Logf("single %-28s acc %.3f cost $%.7f", k, single[k].acc, single[k].cost)
	}
	t.Logf("oracle                              acc %.3f cost $%.7f", oracle.acc, oracle.cost)
	for _, pr := range Presets {
		var a agg
		var calls float64
		for _, task := range tasks {
			task.Preferences = pr.Pref
			task.Budget.MaxTurns = 5
			set, _ := e.Tools(ctx, task)
			ep, err := orchestrator.Run(ctx, task, p, set)
			if err != nil {
				t.Fatal(err)
			}
			sc, _ := e.Score(ctx, task, ep)
			a.acc += b2f(sc.Correct) / n
			a.cost += ep.Cost.USD() / n
			calls += float64(len(ep.Calls())) / n
		}
		t.Logf("learned[%-8s]                    acc %.3f cost $%.7f calls %.2f", pr.Name, a.acc, a.cost, calls)
	}
}
