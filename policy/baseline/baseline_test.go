package baseline_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/baseline"
	"github.com/batonhq/baton/tool"
)

type promptArgs struct {
	Prompt string `json:"prompt"`
}

func model(name, price string, fail bool) tool.Tool {
	return tool.MustFunc(tool.Spec{Name: name, Price: money.Price{PerCall: money.MustParse(price)}},
		func(_ context.Context, a promptArgs) (string, error) {
			if fail {
				return "", errors.New("down")
			}
			return name + " says hi", nil
		})
}

func TestBaselines(t *testing.T) {
	code := tool.MustFunc(tool.Spec{Name: "code"}, func(context.Context, struct {
		Code string `json:"code"`
	}) (string, error) {
		return "ran", nil
	})
	tests := []struct {
		name      string
		p         policy.Policy
		tools     []tool.Tool
		wantCalls []string
		answer    string
		status    episode.Status
		errHas    string // in ep.Error, for failed episodes
	}{
		{"cheapest", baseline.New("c", baseline.ByCost(false)), []tool.Tool{model("big", "0.01", false), model("small", "0.001", false), code}, []string{"small"}, "small says hi", episode.StatusAnswered, ""},
		{"strongest", baseline.New("s", baseline.ByCost(true)), []tool.Tool{model("big", "0.01", false), model("small", "0.001", false)}, []string{"big"}, "big says hi", episode.StatusAnswered, ""},
		{"cascade past a failure", baseline.New("f", baseline.Fixed("small", "big")), []tool.Tool{model("big", "0.01", false), model("small", "0.001", true)}, []string{"small", "big"}, "big says hi", episode.StatusAnswered, ""},
		{"all fail", baseline.New("c", baseline.ByCost(false)), []tool.Tool{model("a", "0.01", true)}, []string{"a"}, "", episode.StatusFailed, "the last said: a: down"},
		{"code tools are not candidates", baseline.New("c", baseline.ByCost(false)), []tool.Tool{code}, nil, "", episode.StatusFailed, "no tool could answer this task; no model is configured: add an llm.openai"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, err := tool.NewSet(tc.tools...)
			if err != nil {
				t.Fatal(err)
			}
			ep, err := orchestrator.Run(context.Background(), episode.Task{Prompt: "hello"}, tc.p, set)
			if err != nil {
				t.Fatal(err)
			}
			var calls []string
			for _, s := range ep.Steps {
				if s.Result != nil {
					calls = append(calls, s.Action.Tool)
				}
			}
			if len(calls) != len(tc.wantCalls) {
				t.Fatalf("calls %v, want %v", calls, tc.wantCalls)
			}
			for i := range calls {
				if calls[i] != tc.wantCalls[i] {
					t.Fatalf("calls %v, want %v", calls, tc.wantCalls)
				}
			}
			if ep.Answer != tc.answer || ep.Status != tc.status {
				t.Fatalf("answer %q (%s), want %q (%s)", ep.Answer, ep.Status, tc.answer, tc.status)
			}
			if !strings.Contains(ep.Error, tc.errHas) {
				t.Fatalf("error %q, want it to contain %q", ep.Error, tc.errHas)
			}
		})
	}
}

func TestRandomIsSeeded(t *testing.T) {
	var specs []tool.Spec
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		specs = append(specs, model(n, "0.001", false).Spec())
	}
	tasks := make([]episode.Task, 20)
	for i := range tasks {
		tasks[i] = episode.Task{ID: fmt.Sprintf("t%d", i), Prompt: "p"}
	}
	// orders draws every task's order, visiting tasks in the given order
	// from workers goroutines at once, as a benchmark does.
	orders := func(seed int64, visit []int, workers int) map[string]string {
		o := baseline.Random(seed)
		out := map[string]string{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					s := ""
					for _, sp := range o(&policy.State{Task: &tasks[i]}, specs) {
						s += sp.Name
					}
					mu.Lock()
					out[tasks[i].ID] = s
					mu.Unlock()
				}
			}()
		}
		for _, i := range visit {
			next <- i
		}
		close(next)
		wg.Wait()
		return out
	}
	forward, backward := make([]int, len(tasks)), make([]int, len(tasks))
	for i := range tasks {
		forward[i], backward[i] = i, len(tasks)-1-i
	}
	a, b := orders(7, forward, 1), orders(7, backward, 8)
	same := 0
	for id := range a {
		if a[id] != b[id] {
			t.Fatalf("task %s: order %s with one worker, %s with eight in reverse: the seed does not fix it", id, a[id], b[id])
		}
	}
	c := orders(8, forward, 1)
	for id := range a {
		if a[id] == c[id] {
			same++
		}
	}
	if same == len(tasks) {
		t.Fatal("seeds 7 and 8 gave the same orders for all 20 tasks")
	}
}
