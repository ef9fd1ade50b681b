package ledger

import (
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// Day names t's UTC calendar day, the period of per-day budgets.
func Day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// Month names t's UTC calendar month, the period of per-month budgets.
func Month(t time.Time) string { return t.UTC().Format("2006-01") }

// Stamp is how the backends store an instant: UTC, to the microsecond
// (Postgres's precision), so what is read back equals what was written.
func Stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Counters is a key's ledger row: what it holds and what it spent in the
// periods it last charged.
type Counters struct {
	Held, Total money.Amount
	Day         string // period of SpentDay
	SpentDay    money.Amount
	Month       string // period of SpentMonth
	SpentMonth  money.Amount
	// Overage and OpenOverage are store.Spending's.
	Overage, OpenOverage money.Amount
}

// Spending returns what the counters mean at now: spending of a past day or
// month counts as zero in the current one.
func (c Counters) Spending(now time.Time) store.Spending {
	s := store.Spending{Total: c.Total, Held: c.Held, Overage: c.Overage, OpenOverage: c.OpenOverage}
	if c.Day == Day(now) {
		s.Day = c.SpentDay
	}
	if c.Month == Month(now) {
		s.Month = c.SpentMonth
	}
	return s
}
