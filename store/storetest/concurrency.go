package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// testConcurrentReservations races 50 goroutines × 20 reservations on one
// key whose total budget covers a fraction of them.
func testConcurrentReservations(t *testing.T, s store.Store, _ *Clock) {
	const (
		workers = 50
		each    = 20
		max     = 10 * money.Microdollar
		limit   = 2000 * money.Microdollar
	)
	k := newKey(t, s, store.KeyBudget{Total: limit})
	var (
		told             atomic.Int64 // what callers were told was committed
		granted, refused atomic.Int64
		wg               sync.WaitGroup
	)
	for g := range workers {
		wg.Go(func() {
			committed, ok, no, err := Hammer(context.Background(), s.Account(k.ID), g, each, max)
			told.Add(int64(committed))
			granted.Add(int64(ok))
			refused.Add(int64(no))
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	sp := spent(t, s, k.ID)
	if sp.Held != 0 {
		t.Errorf("held %s after every hold was settled, want 0", sp.Held)
	}
	if sp.Total > limit {
		t.Errorf("spent %s, above the %s budget", sp.Total, limit)
	}
	if sp.Total != money.Amount(told.Load()) {
		t.Errorf("spent %s, but callers were told %s was committed", sp.Total, money.Amount(told.Load()))
	}
	if granted.Load() == 0 || refused.Load() == 0 {
		t.Errorf("granted %d, refused %d: want both, so the budget was contended", granted.Load(), refused.Load())
	}
}

// Hammer makes n reservations of max on a, as caller number g: each granted
// hold is committed with an actual cost of 0..max, or every fourth one
// released. It returns what was committed, how many reservations were
// granted and refused, and the first error that was not a refusal.
func Hammer(ctx context.Context, a budget.Account, g, n int, max money.Amount) (committed money.Amount, granted, refused int, err error) {
	for i := range n {
		h, rerr := a.Reserve(ctx, max)
		if errors.Is(rerr, budget.ErrExceeded) {
			refused++
			continue
		}
		if rerr != nil {
			return committed, granted, refused, rerr
		}
		granted++
		if (g+i)%4 == 0 {
			if err := h.Release(ctx); err != nil {
				return committed, granted, refused, err
			}
			continue
		}
		actual := max * money.Amount((g*n+i)%11) / 10
		if err := h.Commit(ctx, actual); err != nil {
			return committed, granted, refused, err
		}
		committed += actual
	}
	return committed, granted, refused, nil
}
