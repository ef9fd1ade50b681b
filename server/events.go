package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/batonhq/baton/episode"
)

// pollInterval is how often the trace of a run executing on another
// replica is re-read from the store.
const pollInterval = 200 * time.Millisecond

// handleRunEvents streams a run's trace as SSE: one message per event with
// its Seq as the id, so a client that reconnects with Last-Event-ID (or
// ?after=N) resumes after the last event it saw. A run executing here is
// streamed from memory as it happens; any other run (finished, or on
// another replica) from the store, which is the source of truth. The
// stream ends after the run's end event.
func (s *Server) handleRunEvents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if _, err := s.ownRun(ctx, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	after := 0
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.writeError(w, r, errBadRequest("Last-Event-ID", "Last-Event-ID (or ?after) must be a non-negative event number, not %q", v))
			return
		}
		after = n
	}
	sw := newSSE(w)
	sw.begin()
	send := func(evs []episode.Event) bool {
		for _, e := range evs {
			if e.Seq <= after {
				continue
			}
			if err := sw.event(e.Seq, string(e.Type), e); err != nil {
				return false
			}
			after = e.Seq
		}
		return true
	}
	for {
		if rn, ok := s.runs.get(id); ok {
			// Live here: memory has every event, stored or not yet.
			evs, done, wake := rn.hist.since(after)
			if !send(evs) {
				return
			}
			if done {
				return
			}
			select {
			case <-wake:
			case <-ctx.Done():
				return
			}
			continue
		}
		evs, err := s.store.Events(ctx, id, after)
		if err != nil {
			return
		}
		if !send(evs) {
			return
		}
		run, err := s.store.GetRun(ctx, id)
		if err != nil {
			return
		}
		if run.Status != "running" {
			// Read once more: the end event may have been stored between
			// the two reads.
			evs, err := s.store.Events(ctx, id, after)
			if err == nil {
				send(evs)
			}
			return
		}
		select {
		case <-time.After(pollInterval):
		case <-ctx.Done():
			return
		}
	}
}
