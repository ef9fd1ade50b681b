package qa

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/batonhq/baton/bench"
	envqa "github.com/batonhq/baton/env/qa"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/orchestrator"
)

// DefaultMaxTurns is ToolOrchestra's evaluation turn limit (MAX_ROUNDS 50).
const DefaultMaxTurns = 50

// Entry is one policy to evaluate.
type Entry struct {
	bench.Entry
	// MaxTurns overrides Options.Budget.MaxTurns for this entry (0: keep).
	MaxTurns int
}

// Options tune a run.
type Options struct {
	// Budget applies to every question; MaxTurns 0 means DefaultMaxTurns.
	Budget episode.Budget
	// Workers runs questions in parallel; 0 means GOMAXPROCS.
	Workers int
	// OnDone, when set, is called after each question is graded (from
	// worker goroutines, one call at a time).
	OnDone func(Record)
}

// Record is one question answered by one policy.
type Record struct {
	Policy   string         `json:"policy"`
	ID       string         `json:"id"`
	Status   episode.Status `json:"status"`
	Answer   string         `json:"answer"`
	Correct  bool           `json:"correct"`
	Rule     string         `json:"rule"`             // what decided: exact, judge, judge_error, unanswered
	Detail   string         `json:"detail,omitempty"` // the verifier's explanation
	Error    string         `json:"error,omitempty"`  // the episode's system failure, if any
	Cost     money.Amount   `json:"cost"`             // the episode's cost (policy and tools), judge excluded
	LatencyS float64        `json:"latency_s"`        // wall time of the episode
	Turns    int            `json:"turns"`
	Calls    map[string]int `json:"calls,omitempty"`
}

// Summary is a run's outcome: the table rows, the judge's share, and what
// went wrong.
type Summary struct {
	Results *bench.Results
	Records []Record
	// JudgeCost is what grading cost per policy, apart from the rows.
	JudgeCost map[string]money.Amount
	// Problems makes the run not clean: ungraded answers, a policy with
	// no answered question.
	Problems []string
}

// Run evaluates every entry on every question of e, one entry after the
// other so the judge's cost is attributed to the entry it graded.
func Run(ctx context.Context, e *envqa.Env, entries []Entry, o Options) (*Summary, error) {
	tasks := e.Tasks()
	sum := &Summary{
		Results:   &bench.Results{Dataset: e.Name(), NEval: len(tasks), Notes: map[string]string{}},
		JudgeCost: map[string]money.Amount{},
	}
	budget := o.Budget
	if budget.MaxTurns == 0 {
		budget.MaxTurns = DefaultMaxTurns
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var mu sync.Mutex
	for _, entry := range entries {
		var before envqa.JudgeStats
		if j := e.Judge(); j != nil {
			before = j.Stats()
		}
		eb := budget
		if entry.MaxTurns > 0 {
			eb.MaxTurns = entry.MaxTurns
		}
		recs := make([]Record, len(tasks))
		errs := make([]error, len(tasks))
		var wg sync.WaitGroup
		next := make(chan int)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					t := tasks[i]
					t.Preferences = entry.Preferences
					t.Budget = eb
					recs[i], errs[i] = runOne(ctx, e, entry.Entry, t)
					if errs[i] == nil && o.OnDone != nil {
						mu.Lock()
						o.OnDone(recs[i])
						mu.Unlock()
					}
				}
			}()
		}
	feed:
		for i := range tasks {
			select {
			case next <- i:
			case <-ctx.Done():
				break feed
			}
		}
		close(next)
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for i, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("bench/qa: %s on question %s: %w", entry.Name, tasks[i].ID, err)
			}
		}
		row := aggregate(entry.Name, recs)
		sum.Results.Rows = append(sum.Results.Rows, row)
		sum.Records = append(sum.Records, recs...)
		ungraded := 0
		for _, r := range recs {
			if r.Rule == "judge_error" {
				ungraded++
			}
		}
		if ungraded > 0 {
			sum.Problems = append(sum.Problems, fmt.Sprintf("%s: %d answers ungraded because the judge failed", entry.Name, ungraded))
		}
		if row.Answered == 0 {
			sum.Problems = append(sum.Problems, fmt.Sprintf("%s: no question was answered", entry.Name))
		}
		if j := e.Judge(); j != nil {
			after := j.Stats()
			jc := money.Amount(int64(after.Cost) - int64(before.Cost))
			sum.JudgeCost[entry.Name] = jc
			sum.Results.Notes["judge_cost:"+entry.Name] = fmt.Sprintf("%s over %d verdicts (not in the policy's cost)", jc, after.Calls-before.Calls)
		}
	}
	return sum, nil
}

// runOne answers and grades one question.
func runOne(ctx context.Context, e *envqa.Env, entry bench.Entry, t episode.Task) (Record, error) {
	set, err := e.Tools(ctx, t)
	if err != nil {
		return Record{}, err
	}
	start := time.Now()
	ep, err := orchestrator.Run(ctx, t, entry.Policy, set, orchestrator.WithRunID(t.ID))
	if err != nil {
		return Record{}, err
	}
	lat := ep.Latency
	if lat == 0 {
		lat = time.Since(start)
	}
	sc, err := e.Score(ctx, t, ep)
	if err != nil {
		return Record{}, err
	}
	rule := ""
	for k := range sc.Breakdown {
		rule = k
	}
	return Record{
		Policy: entry.Name, ID: t.ID, Status: ep.Status, Answer: ep.Answer,
		Correct: sc.Correct, Rule: rule, Detail: sc.Detail, Error: ep.Error,
		Cost: ep.Cost, LatencyS: lat.Seconds(), Turns: len(ep.Steps), Calls: ep.Calls(),
	}, nil
}

// aggregate is the table row of one policy's records.
func aggregate(name string, recs []Record) bench.Row {
	row := bench.Row{Policy: name, ToolShare: map[string]float64{}}
	var correct, answered, calls int
	var lat float64
	for _, r := range recs {
		if r.Correct {
			correct++
		}
		if r.Status == episode.StatusAnswered {
			answered++
		}
		row.TotalCost = row.TotalCost.Add(r.Cost)
		lat += r.LatencyS
		for tool, n := range r.Calls {
			row.ToolShare[tool] += float64(n)
			calls += n
		}
	}
	n := float64(len(recs))
	row.Accuracy = float64(correct) / n
	row.CostUSD = row.TotalCost.USD() / n
	row.LatencyS = lat / n
	row.CallsPerTask = float64(calls) / n
	row.Answered = float64(answered) / n
	for tool := range row.ToolShare {
		row.ToolShare[tool] /= float64(calls)
	}
	return row
}

// WriteReport writes results.json, pareto.png and index.html (bench's
// report) and questions.jsonl (one Record per line) into dir.
func WriteReport(dir string, s *Summary) error {
	if err := bench.WriteReport(dir, s.Results); err != nil {
		return err
	}
	var b []byte
	for _, r := range s.Records {
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		b = append(append(b, line...), '\n')
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench/qa: %w", err)
	}
	return bench.WriteFileAtomic(filepath.Join(dir, "questions.jsonl"), b)
}
