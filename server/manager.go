package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/store"
)

// manager runs orchestrated runs on goroutines: it records each in the
// store, fans its events out to subscribers, and drains them at shutdown.
type manager struct {
	s *Server

	mu     sync.Mutex
	live   map[string]*run
	closed bool
	wg     sync.WaitGroup

	// base is cancelled when a drain's deadline passes, ending every run.
	base       context.Context
	cancelBase context.CancelFunc
}

// run is a run executing in this process.
type run struct {
	id     string
	keyID  string
	task   episode.Task
	cancel context.CancelFunc
	hist   *history
	done   chan struct{}
	ep     *episode.Episode // set before done is closed

	refused   atomic.Int32 // calls the budget refused
	succeeded atomic.Int32 // tool calls that returned a result that is not an error
}

func newManager(s *Server) *manager {
	base, cancel := context.WithCancel(context.Background())
	return &manager{s: s, live: map[string]*run{}, base: base, cancelBase: cancel}
}

// start records and starts a run of task for key with the named policy.
// A run tied to a request (detached false) is cancelled when ctx is: the
// client went away. A detached run lives until it ends, is cancelled, or
// the server's drain deadline passes.
func (m *manager) start(ctx context.Context, key store.Key, task episode.Task, policyName string, detached bool) (*run, error) {
	p, err := m.s.policy(ctx, policyName)
	if err != nil {
		return nil, errBadRequest("model", "policy %q: %v", policyName, err)
	}
	r := &run{id: newID("run_"), keyID: key.ID, task: task, hist: newHistory(), done: make(chan struct{})}
	task.ID = r.id
	r.task.ID = r.id

	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, errUnavailable("the server is shutting down; retry on another replica")
	}
	m.wg.Add(1)
	m.live[r.id] = r
	m.mu.Unlock()

	if err := m.s.store.CreateRun(ctx, store.Run{ID: r.id, KeyID: key.ID, Status: "running", Task: task, Created: m.s.now()}); err != nil {
		m.forget(r)
		m.wg.Done()
		return nil, fmt.Errorf("server: recording run: %w", err)
	}
	var rctx context.Context
	if detached {
		rctx, r.cancel = context.WithCancel(m.base)
	} else {
		rctx, r.cancel = context.WithCancel(ctx)
		stop := context.AfterFunc(m.base, r.cancel)
		go func() { <-r.done; stop() }()
	}
	go m.execute(rctx, r, p)
	return r, nil
}

func (m *manager) execute(ctx context.Context, r *run, p policy.Policy) {
	defer m.wg.Done()
	defer r.cancel()
	m.s.metrics.runsInFlight.Inc()
	defer m.s.metrics.runsInFlight.Dec()

	w := newEventWriter(m.s.store, r.id, m.s.log)
	tracer := func(e episode.Event) {
		r.hist.append(e)
		w.push(e)
		switch {
		case e.Type == episode.EventRefused:
			r.refused.Add(1)
			m.s.metrics.budgetRefusals.WithLabelValues(r.keyID, "call").Inc()
		case e.Type == episode.EventResult && e.IsError:
			m.s.metrics.toolErrors.WithLabelValues(e.Tool).Inc()
		case e.Type == episode.EventResult:
			r.succeeded.Add(1)
		}
		if e.Type == episode.EventResult && e.Cost > 0 {
			m.s.metrics.cost.WithLabelValues(e.Tool, r.keyID).Add(e.Cost.USD())
		}
	}
	ep, err := orchestrator.Run(ctx, r.task, p, m.s.tools,
		orchestrator.WithRunID(r.id),
		orchestrator.WithTracer(tracer),
		orchestrator.WithAccount(m.s.account(r.keyID, "baton")))
	if err != nil {
		ep = &episode.Episode{RunID: r.id, Task: r.task, Steps: []episode.Step{}, Status: episode.StatusFailed, Error: err.Error()}
	}
	w.close()

	// The run's record outlives its request: a cancelled client still gets
	// its run finished in the ledger.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	ferr := m.s.store.FinishRun(fctx, r.id, ep)
	if ferr != nil {
		m.s.log.Error("recording the end of a run failed", "run", r.id, "err", ferr)
	}
	cancel()
	if ferr == nil {
		m.s.judge.consider(r.keyID, ep) // in the background
	}
	m.s.metrics.runsTotal.WithLabelValues(string(ep.Status)).Inc()
	r.ep = ep
	r.hist.finish()
	close(r.done)
	m.forget(r)
}

func (m *manager) forget(r *run) {
	m.mu.Lock()
	delete(m.live, r.id)
	m.mu.Unlock()
}

// track registers a request-bound call that is not a run (a pass-through
// call) so that a drain waits for it too; it returns a context cancelled
// at the drain deadline, and the function to call when the call is over.
func (m *manager) track(ctx context.Context) (context.Context, func(), error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, nil, errUnavailable("the server is shutting down; retry on another replica")
	}
	m.wg.Add(1)
	m.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(m.base, cancel)
	return ctx, func() { stop(); cancel(); m.wg.Done() }, nil
}

// get returns the run if it is executing in this process.
func (m *manager) get(id string) (*run, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.live[id]
	return r, ok
}

// drain refuses new runs and waits for the running ones; when ctx ends
// first, it cancels them and waits for each to be recorded.
func (m *manager) drain(ctx context.Context) error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	m.mu.Lock()
	n := len(m.live)
	m.mu.Unlock()
	m.s.log.Warn("shutdown deadline passed; cancelling runs", "runs", n)
	m.cancelBase()
	<-done
	return fmt.Errorf("server: shutdown: %w: cancelled %d unfinished runs", errors.Join(ctx.Err()), n)
}
