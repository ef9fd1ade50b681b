package episode

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/batonhq/baton/money"
)

// EventType names what happened.
type EventType string

// Event types, in the order a turn emits them.
const (
	EventStart   EventType = "start"   // the run began
	EventDecide  EventType = "decide"  // the policy chose an action
	EventCall    EventType = "call"    // a tool call began
	EventResult  EventType = "result"  // a tool call returned
	EventRefused EventType = "refused" // the budget refused a call
	EventInvalid EventType = "invalid" // the action was malformed or unknown
	EventAnswer  EventType = "answer"  // the policy answered
	EventEnd     EventType = "end"     // the run ended
)

// Event is one trace record, emitted as it happens so a CLI or server can
// stream it. Seq numbers events of one run from 1.
type Event struct {
	Seq     int             `json:"seq"`                // 1, 2, ... within one run
	RunID   string          `json:"run_id,omitempty"`   // the run this event belongs to, once stored
	Type    EventType       `json:"type"`               // what happened; it says which fields below are set
	Time    time.Time       `json:"time"`               // when it happened
	Turn    int             `json:"turn,omitempty"`     // the turn it belongs to; 0 before the first
	Tool    string          `json:"tool,omitempty"`     // the tool called, for call and result events
	Args    json.RawMessage `json:"args,omitempty"`     // the call's arguments
	Content string          `json:"content,omitempty"`  // a result's text, a thought or the answer
	IsError bool            `json:"is_error,omitempty"` // a failure: a tool error, an invalid or refused action
	Cost    money.Amount    `json:"cost,omitempty"`     // a decision's or call's cost; on a call event the worst case held
	// Spent is the run's total cost after this event.
	Spent   money.Amount  `json:"spent"`
	Latency time.Duration `json:"latency,omitempty"` // a result's call time, or the run's on the final event
	Status  Status        `json:"status,omitempty"`  // how the run ended, on the final event
}

// Tracer receives events. It is called synchronously from the run's
// goroutine, so it must be quick and must not block.
type Tracer func(Event)

// JSONLines returns a Tracer that writes each event as one JSON line to w;
// it is safe for concurrent runs sharing w.
func JSONLines(w io.Writer) Tracer {
	var mu sync.Mutex
	enc := json.NewEncoder(w)
	return func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		_ = enc.Encode(e)
	}
}

// Tee returns a Tracer that calls each non-nil tracer in turn.
func Tee(ts ...Tracer) Tracer {
	return func(e Event) {
		for _, t := range ts {
			if t != nil {
				t(e)
			}
		}
	}
}
