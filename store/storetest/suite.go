package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// Opener opens a fresh, empty store for one test, reading time from now; it
// closes the store in t.Cleanup.
type Opener func(t *testing.T, now func() time.Time) store.Store

// start is the suite's clock origin: mid-afternoon UTC, late in a month, so
// tests cross a day and a month boundary on purpose only.
var start = time.Date(2026, 3, 30, 15, 4, 5, 0, time.UTC)

// Run runs the conformance suite against stores from open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, c *Clock)
	}{
		{"KeyLifecycle", testKeyLifecycle},
		{"Authenticate", testAuthenticate},
		{"KeyValidation", testKeyValidation},
		{"BudgetLimits", testBudgetLimits},
		{"BudgetPeriods", testBudgetPeriods},
		{"ExactlyOnce", testExactlyOnce},
		{"Overrun", testOverrun},
		{"Overage", testOverage},
		{"OverbillingNeverPassesBudget", testOverbillingNeverPassesBudget},
		{"ReserveErrors", testReserveErrors},
		{"ConcurrentReservations", testConcurrentReservations},
		{"Runs", testRuns},
		{"Events", testEvents},
		{"Replicas", testReplicas},
		{"Feedback", testFeedback},
		{"JudgeFeedback", testJudgeFeedback},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewClock(start)
			s := open(t, c.Now)
			tc.fn(t, s, c)
		})
	}
}

// newKey creates a key with budget b or fails the test.
func newKey(t *testing.T, s store.Store, b store.KeyBudget) store.Key {
	t.Helper()
	k, _, err := s.CreateKey(context.Background(), store.NewKey{Name: t.Name(), Budget: b})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	return k
}

// spent returns the key's spending or fails the test.
func spent(t *testing.T, s store.Store, keyID string) store.Spending {
	t.Helper()
	sp, err := s.Spent(context.Background(), keyID)
	if err != nil {
		t.Fatalf("Spent(%s): %v", keyID, err)
	}
	return sp
}

// reserve reserves amount on the key or fails the test.
func reserve(t *testing.T, s store.Store, keyID string, amount money.Amount) budget.Hold {
	t.Helper()
	h, err := s.Account(keyID).Reserve(context.Background(), amount)
	if err != nil {
		t.Fatalf("Reserve(%s): %v", amount, err)
	}
	return h
}

// wantExceeded fails the test unless reserving amount fails with ErrExceeded.
func wantExceeded(t *testing.T, s store.Store, keyID string, amount money.Amount) {
	t.Helper()
	h, err := s.Account(keyID).Reserve(context.Background(), amount)
	if err == nil {
		_ = h.Release(context.Background())
		t.Fatalf("Reserve(%s) succeeded, want budget.ErrExceeded", amount)
	}
	if !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("Reserve(%s) = %v, want budget.ErrExceeded", amount, err)
	}
}
