package bench

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
)

// Entry is one policy to evaluate, under one preference.
type Entry struct {
	// Name is the row's policy name in results.json, e.g. "single:gpt-4",
	// "learned:balanced".
	Name   string
	Policy policy.Policy // Policy decides every task of the row; it is run as is, not copied.
	// Preferences are set on every task of the run.
	Preferences episode.Preferences
}

// Row is one line of the results table.
type Row struct {
	Policy string `json:"policy"` // the Entry's Name
	// Accuracy is the mean outcome over tasks (the recorded score of the
	// adopted answer; 0/1 where the data is binary).
	Accuracy float64 `json:"accuracy"`
	// CostUSD is the mean cost per task in dollars (for display; the exact
	// total is TotalCost).
	CostUSD float64 `json:"cost_usd"`
	// LatencyS is the mean per-task latency in seconds: the sum of the
	// latencies of the task's calls (recorded or simulated for replays).
	LatencyS     float64 `json:"latency_s"`
	CallsPerTask float64 `json:"calls_per_task"` // mean tool and model calls per task, over every tool
	// ToolShare is each tool's share of all calls.
	ToolShare map[string]float64 `json:"tool_share"`
	// TotalCost is the exact total spent over all tasks.
	TotalCost money.Amount `json:"total_cost"`
	// Answered is the share of tasks that ended with an answer.
	Answered float64 `json:"answered"`
}

// Options tunes an evaluation.
type Options struct {
	// Budget is applied to every task (zero: unlimited cost, 4 turns).
	Budget episode.Budget
	// Workers runs tasks in parallel; 0 means GOMAXPROCS.
	Workers int
}

// Evaluate runs entry on every task of e and aggregates one row. Results
// do not depend on the number of workers: every task is scored on its own
// and the sums are taken in task order.
func Evaluate(ctx context.Context, e env.Env, entry Entry, o Options) (Row, error) {
	tasks := e.Tasks()
	if len(tasks) == 0 {
		return Row{}, fmt.Errorf("bench: %s has no tasks", e.Name())
	}
	budget := o.Budget
	if budget.MaxTurns == 0 {
		budget.MaxTurns = 4
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type result struct {
		score    float64
		cost     money.Amount
		latency  time.Duration
		calls    map[string]int
		answered bool
		err      error
	}
	results := make([]result, len(tasks))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := tasks[i]
				t.Preferences = entry.Preferences
				t.Budget = budget
				r := &results[i]
				set, err := e.Tools(ctx, t)
				if err != nil {
					r.err = err
					continue
				}
				ep, err := orchestrator.Run(ctx, t, entry.Policy, set, orchestrator.WithRunID(t.ID))
				if err != nil {
					r.err = err
					continue
				}
				sc, err := e.Score(ctx, t, ep)
				if err != nil {
					r.err = err
					continue
				}
				r.score, r.cost, r.calls = sc.Outcome, ep.Cost, ep.Calls()
				r.answered = ep.Status == episode.StatusAnswered
				for _, s := range ep.Steps {
					r.latency += s.Latency
				}
			}
		}()
	}
	for i := range tasks {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Row{}, err
	}

	row := Row{Policy: entry.Name, ToolShare: map[string]float64{}}
	var score float64
	var latency time.Duration
	var calls, answered int
	for i, r := range results {
		if r.err != nil {
			return Row{}, fmt.Errorf("bench: %s on task %s: %w", entry.Name, tasks[i].ID, r.err)
		}
		score += r.score
		row.TotalCost = row.TotalCost.Add(r.cost)
		latency += r.latency
		for name, n := range r.calls {
			row.ToolShare[name] += float64(n)
			calls += n
		}
		if r.answered {
			answered++
		}
	}
	n := float64(len(tasks))
	row.Accuracy = score / n
	row.CostUSD = row.TotalCost.USD() / n
	row.LatencyS = latency.Seconds() / n
	row.CallsPerTask = float64(calls) / n
	row.Answered = float64(answered) / n
	for name := range row.ToolShare {
		row.ToolShare[name] /= float64(calls)
	}
	return row, nil
}

// Results is what results.json holds.
type Results struct {
	Dataset string `json:"dataset"` // evaluation set's name, e.g. the replay file's
	NEval   int    `json:"n_eval"`  // how many held-out tasks each row was evaluated on
	Rows    []Row  `json:"rows"`    // one per Entry, in the order run
	// AUC is the area under each router family's accuracy-cost curve (see
	// [AUC]); keys "knn" and "learned".
	AUC map[string]float64 `json:"auc,omitempty"`
	// Notes carries facts a reader needs: held-out models, training time.
	Notes map[string]string `json:"notes,omitempty"`
}

// Row returns the row of the named policy.
func (r *Results) Row(name string) (Row, bool) {
	for _, row := range r.Rows {
		if row.Policy == name {
			return row, true
		}
	}
	return Row{}, false
}

// SortedTools returns the tool names of ToolShare in order.
func (r Row) SortedTools() []string {
	out := make([]string, 0, len(r.ToolShare))
	for n := range r.ToolShare {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
