package server

import (
	"sync"

	"github.com/batonhq/baton/episode"
)

// history is a live run's events in memory, for its SSE subscribers. It
// never blocks the run: appending wakes every waiting subscriber by closing
// a channel, and each subscriber reads what it has not sent yet.
type history struct {
	mu     sync.Mutex
	events []episode.Event
	done   bool
	wake   chan struct{}
}

func newHistory() *history { return &history{wake: make(chan struct{})} }

func (h *history) append(e episode.Event) {
	h.mu.Lock()
	h.events = append(h.events, e)
	close(h.wake)
	h.wake = make(chan struct{})
	h.mu.Unlock()
}

func (h *history) finish() {
	h.mu.Lock()
	if !h.done {
		h.done = true
		close(h.wake)
		h.wake = make(chan struct{})
	}
	h.mu.Unlock()
}

// since returns the events with Seq > after, whether the run is over, and
// a channel closed at the next change.
func (h *history) since(after int) ([]episode.Event, bool, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []episode.Event
	for _, e := range h.events {
		if e.Seq > after {
			out = append(out, e)
		}
	}
	return out, h.done, h.wake
}

// last returns the latest event, if any.
func (h *history) last() (episode.Event, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.events) == 0 {
		return episode.Event{}, false
	}
	return h.events[len(h.events)-1], true
}
