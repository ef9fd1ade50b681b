package tau2

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/batonhq/baton/env/domain"
)

// Options tunes [Runner.Evaluate].
type Options struct {
	// Trials is the number of conversations per task; 0 means 1.
	Trials int
	// Workers runs conversations in parallel; 0 means GOMAXPROCS.
	Workers int
	// OnDone, when set, is called after each conversation, one call at a
	// time (for progress lines).
	OnDone func(*Conversation)
}

// Evaluate plays every task Trials times and returns the conversations in
// task order, trials in order within a task. Results do not depend on the
// number of workers. The first error (a bad setup, a cancelled context)
// stops the evaluation.
func (r *Runner) Evaluate(ctx context.Context, tasks []*domain.Task, o Options) ([]*Conversation, error) {
	trials := max(o.Trials, 1)
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]*Conversation, len(tasks)*trials)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c, err := r.Run(ctx, tasks[i/trials], i%trials)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
					cancel()
				} else {
					out[i] = c
					if o.OnDone != nil {
						o.OnDone(c)
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range out {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// SelectTasks picks tasks of d by a comma-separated list: an item "A-B"
// selects the 0-based positions A through B in tasks.json order (tau2's
// numeric ids have gaps here, since held-out tasks are removed), any other
// item a task id. Empty selects every task. Duplicates are dropped; the
// order is the order given.
func SelectTasks(d *domain.Domain, spec string) ([]*domain.Task, error) {
	if strings.TrimSpace(spec) == "" {
		out := make([]*domain.Task, len(d.Tasks))
		for i := range d.Tasks {
			out[i] = &d.Tasks[i]
		}
		return out, nil
	}
	var out []*domain.Task
	seen := map[string]bool{}
	add := func(t *domain.Task) {
		if !seen[t.ID] {
			seen[t.ID] = true
			out = append(out, t)
		}
	}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if a, b, ok := strings.Cut(item, "-"); ok {
			lo, err1 := strconv.Atoi(a)
			hi, err2 := strconv.Atoi(b)
			if err1 != nil || err2 != nil || lo < 0 || hi < lo {
				return nil, fmt.Errorf("tau2: task range %q: want A-B with 0 <= A <= B (positions in tasks.json)", item)
			}
			if hi >= len(d.Tasks) {
				return nil, fmt.Errorf("tau2: task range %q: %s has %d tasks (positions 0-%d)", item, d.Name(), len(d.Tasks), len(d.Tasks)-1)
			}
			for i := lo; i <= hi; i++ {
				add(&d.Tasks[i])
			}
			continue
		}
		t, ok := d.Task(item)
		if !ok {
			return nil, fmt.Errorf("tau2: %s has no task with id %q (use A-B for positions)", d.Name(), item)
		}
		add(t)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("tau2: task list %q selects no task", spec)
	}
	return out, nil
}

// SplitTasks returns the tasks of d in a tau2 split (split_tasks.json:
// "train", "test", "base"), skipping ids whose tasks are held out.
func SplitTasks(d *domain.Domain, split string) ([]*domain.Task, error) {
	ids, ok := d.Splits[split]
	if !ok {
		names := make([]string, 0, len(d.Splits))
		for n := range d.Splits {
			names = append(names, n)
		}
		return nil, fmt.Errorf("tau2: %s has no split %q; splits: %s", d.Name(), split, strings.Join(sortedStrings(names), ", "))
	}
	var out []*domain.Task
	for _, id := range ids {
		if t, ok := d.Task(id); ok {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("tau2: %s split %q has no task in this data", d.Name(), split)
	}
	return out, nil
}
