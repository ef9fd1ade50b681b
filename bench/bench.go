package bench

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
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
	// MaxTurns, when positive, replaces the run's turn budget for this
	// entry: a fixed reference rule that needs more turns than the
	// default (a cascade of five models and its answer) gets them.
	MaxTurns int
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
	// CallsDist is, for a policy that does not make exactly one call on
	// every task, the share of tasks by number of calls ("0", "1", "2"...).
	CallsDist map[string]float64 `json:"calls_dist,omitempty"`
	// UsageEstimated is set when some call's token usage was estimated
	// from text rather than reported, so its cost is an estimate too.
	UsageEstimated bool `json:"usage_estimated,omitempty"`
	// Example is one episode of the row, for the report: the first task
	// with the most calls.
	Example *Example `json:"example,omitempty"`
}

// Example is one episode shown in the report: the calls made, the
// answers seen and the final pick.
type Example struct {
	Task     string        `json:"task"`     // task ID
	Question string        `json:"question"` // the prompt, shortened
	Calls    []ExampleCall `json:"calls"`
	Answer   string        `json:"answer"`  // the final answer, shortened
	Outcome  float64       `json:"outcome"` // the verifier's score
}

// ExampleCall is one call of an [Example].
type ExampleCall struct {
	Tool string `json:"tool"`
	// Answer is the extracted answer the call returned ("" when none
	// parsed), else its content, shortened.
	Answer  string  `json:"answer"`
	CostUSD float64 `json:"cost_usd"`
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
		score     float64
		cost      money.Amount
		latency   time.Duration
		calls     map[string]int
		answered  bool
		estimated bool
		ep        *episode.Episode
		err       error
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
				if entry.MaxTurns > 0 {
					t.Budget.MaxTurns = entry.MaxTurns
				}
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
				r.ep = ep
				for _, s := range ep.Steps {
					r.latency += s.Latency
					if s.Result != nil && s.Result.Usage.Estimated {
						r.estimated = true
					}
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
	perTask := map[int]int{}
	example, exampleCalls := -1, -1
	for i, r := range results {
		if r.err != nil {
			return Row{}, fmt.Errorf("bench: %s on task %s: %w", entry.Name, tasks[i].ID, r.err)
		}
		n := 0
		for _, c := range r.calls {
			n += c
		}
		perTask[n]++
		if n > exampleCalls {
			example, exampleCalls = i, n
		}
		row.UsageEstimated = row.UsageEstimated || r.estimated
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
	if len(perTask) > 1 || perTask[1] == 0 {
		row.CallsDist = map[string]float64{}
		for k, c := range perTask {
			row.CallsDist[strconv.Itoa(k)] = float64(c) / n
		}
	}
	if example >= 0 {
		row.Example = exampleOf(tasks[example], results[example].ep, results[example].score)
	}
	return row, nil
}

// Results is what results.json holds.
type Results struct {
	Dataset string `json:"dataset"` // evaluation set's name, e.g. the replay file's
	NEval   int    `json:"n_eval"`  // how many held-out tasks each row was evaluated on
	Rows    []Row  `json:"rows"`    // one per Entry, in the order run
	// Source is the source as named on the command line; NTrain and NVal
	// the sizes of the splits policies were fitted and chosen on.
	Source string `json:"source,omitempty"`
	NTrain int    `json:"n_train,omitempty"`
	NVal   int    `json:"n_val,omitempty"`
	// Holdout names the models hidden from every fitting step and present
	// at evaluation.
	Holdout []string `json:"holdout_models,omitempty"`
	// UsageEstimated is set when some row's costs rest on token usage
	// estimated from text.
	UsageEstimated bool `json:"usage_estimated,omitempty"`
	// AUC is the area under each family's accuracy-cost curve (see [AUC]
	// and [Families]): "learned", "learned-warm", "cascade", "frugal",
	// "vote", "knn".
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

// exampleOf summarises one episode for the report.
func exampleOf(t episode.Task, ep *episode.Episode, outcome float64) *Example {
	ex := &Example{Task: t.ID, Question: shorten(t.Prompt, 240), Answer: shorten(ep.Answer, 160), Outcome: outcome}
	for _, s := range ep.Steps {
		if s.Action.Final || s.Action.Tool == "" {
			continue
		}
		c := ExampleCall{Tool: s.Action.Tool, CostUSD: s.Cost.USD()}
		switch a, ok := s.Result.Answer(); {
		case s.Result == nil:
			c.Answer = "error: " + shorten(s.Error, 80)
		case s.Result.IsError:
			c.Answer = "error: " + shorten(s.Result.Content, 80)
		case ok:
			c.Answer = shorten(a, 80)
		default:
			c.Answer = "(no answer parsed)"
		}
		ex.Calls = append(ex.Calls, c)
	}
	return ex
}

// shorten cuts s to at most n runes on one line, marking a cut with "…".
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
