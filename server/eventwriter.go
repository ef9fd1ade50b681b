package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/store"
)

// eventWriter persists one run's events in order on its own goroutine, so
// the run's tracer (which must not block) only appends to a queue.
type eventWriter struct {
	st    store.Store
	runID string
	log   *slog.Logger

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []episode.Event
	closed bool
	done   chan struct{}
}

func newEventWriter(st store.Store, runID string, log *slog.Logger) *eventWriter {
	w := &eventWriter{st: st, runID: runID, log: log, done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go w.loop()
	return w
}

func (w *eventWriter) push(e episode.Event) {
	w.mu.Lock()
	w.queue = append(w.queue, e)
	w.mu.Unlock()
	w.cond.Signal()
}

// close writes what is queued and returns when it is stored.
func (w *eventWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.cond.Signal()
	<-w.done
}

func (w *eventWriter) loop() {
	defer close(w.done)
	for {
		w.mu.Lock()
		for len(w.queue) == 0 && !w.closed {
			w.cond.Wait()
		}
		batch := w.queue
		w.queue = nil
		closed := w.closed
		w.mu.Unlock()
		for _, e := range batch {
			// Events outlive the request that caused them: they are the
			// trace a client resumes from.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := w.st.AppendEvent(ctx, w.runID, e); err != nil {
				w.log.Error("storing a run event failed", "run", w.runID, "seq", e.Seq, "err", err)
			}
			cancel()
		}
		if closed && len(batch) == 0 {
			return
		}
	}
}
