package ledger

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// MaxAmount bounds a single reservation or commit ($1,000,000), far above
// any real call and far enough below int64 that sums cannot overflow.
const MaxAmount = 1_000_000 * money.Dollar

// Check returns nil if amount fits every limit of b given s, else an error
// wrapping [budget.ErrExceeded] that names the tightest limit broken.
func Check(keyID string, b store.KeyBudget, s store.Spending, amount money.Amount) error {
	if s.OpenOverage > 0 {
		return fmt.Errorf("store: key %s: %w: the key is frozen: calls cost %s beyond what was reserved for them (an upstream billed past the bound Baton asked for); "+
			"an operator must review it and set the key's budget again (baton keys set-budget %s ...) before it can spend",
			keyID, budget.ErrExceeded, s.OpenOverage, keyID)
	}
	limits := []struct {
		name         string
		limit, spent money.Amount
	}{
		{"daily", b.PerDay, s.Day},
		{"monthly", b.PerMonth, s.Month},
		{"total", b.Total, s.Total},
	}
	for _, l := range limits {
		if l.limit <= 0 {
			continue
		}
		if used := l.spent.Add(s.Held); used.Add(amount) > l.limit {
			left := max(l.limit-used, 0)
			return fmt.Errorf("store: key %s: %w: a call that may cost up to %s does not fit the %s budget; %s of %s remains",
				keyID, budget.ErrExceeded, amount, l.name, left, l.limit)
		}
	}
	return nil
}

// CheckAmount refuses what a ledger must never record.
func CheckAmount(what string, a money.Amount) error {
	if a < 0 {
		return fmt.Errorf("store: %s %s is negative", what, a)
	}
	if a > MaxAmount {
		return fmt.Errorf("store: %s %s is above the %s a single call may cost", what, a, MaxAmount)
	}
	return nil
}

// OverrunError is what committing more than was held returns, after the
// full actual amount was charged.
func OverrunError(holdID string, actual, held money.Amount) error {
	return fmt.Errorf("store: hold %s: actual cost %s exceeded the reserved bound %s (charged in full)", holdID, actual, held)
}

// CheckOverage refuses an overage a ledger must not record.
func CheckOverage(a money.Amount) error {
	if a <= 0 {
		return fmt.Errorf("store: overage %s must be above zero", a)
	}
	return CheckAmount("overage", a)
}

// ValidateNewKey checks what creating a key takes.
func ValidateNewKey(k store.NewKey) error {
	if len(k.Name) > 200 || !utf8.ValidString(k.Name) {
		return fmt.Errorf("store: key name must be valid UTF-8 of at most 200 bytes")
	}
	if k.RatePerMinute < 0 {
		return fmt.Errorf("store: key rate_per_minute %d is negative (0 is unlimited)", k.RatePerMinute)
	}
	return ValidateBudget(k.Budget)
}

// ValidateBudget checks a key budget's limits.
func ValidateBudget(b store.KeyBudget) error {
	for _, f := range []struct {
		name string
		v    money.Amount
	}{{"per_day", b.PerDay}, {"per_month", b.PerMonth}, {"total", b.Total}} {
		if f.v < 0 {
			return fmt.Errorf("store: budget %s %s is negative (0 is unlimited)", f.name, f.v)
		}
	}
	return nil
}

// ValidateRun checks a run before it is created and fills its defaults.
func ValidateRun(r *store.Run, now time.Time) error {
	if r.ID == "" || len(r.ID) > 200 {
		return fmt.Errorf("store: run id must be 1 to 200 bytes")
	}
	if r.Status == "" {
		r.Status = StatusRunning
	}
	if r.Created.IsZero() {
		r.Created = now
	}
	r.Created = Stamp(r.Created)
	if r.Updated.IsZero() {
		r.Updated = r.Created
	}
	r.Updated = Stamp(r.Updated)
	return nil
}

// Run statuses the store itself sets.
const (
	StatusRunning     = "running"
	StatusInterrupted = "interrupted"
)

// FinishStatus returns the status a finished run is stored with.
func FinishStatus(ep *episode.Episode) (string, error) {
	if ep == nil {
		return "", fmt.Errorf("store: finishing a run needs its episode")
	}
	if ep.Status == "" {
		return "", fmt.Errorf("store: finishing a run needs the episode's status (answered, failed, ...)")
	}
	return string(ep.Status), nil
}

// ValidateEvent checks an event before it is appended.
func ValidateEvent(runID string, e episode.Event) error {
	if runID == "" {
		return fmt.Errorf("store: appending an event needs a run id")
	}
	if e.Seq < 1 {
		return fmt.Errorf("store: run %s: event seq %d must be 1 or more", runID, e.Seq)
	}
	return nil
}
