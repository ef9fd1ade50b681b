package store

import (
	"context"

	"github.com/batonhq/baton/money"
)

// RunCommitter is implemented by the holds of stores that can settle a
// call and record its run in one write (both backends here do). A server
// doing one pass-through call per request then pays one write to finish it
// instead of two; use it through a type assertion on the [budget.Hold].
type RunCommitter interface {
	// CommitRun commits the hold as budget.Hold.Commit does (an overrun
	// is charged in full and reported) and stores r as CreateRun does, in
	// one transaction: neither happens without the other, except that a
	// run ID already stored is reported after the commit stands, since
	// the call ran and must be billed.
	CommitRun(ctx context.Context, actual money.Amount, r Run) error
}
