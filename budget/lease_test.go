package budget_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
)

// counting counts the reservations made on an account.
type counting struct {
	budget.Account
	n atomic.Int64
}

func (c *counting) Reserve(ctx context.Context, max money.Amount) (budget.Hold, error) {
	c.n.Add(1)
	return c.Account.Reserve(ctx, max)
}

func TestLeasedIsExactAndNeverOverspends(t *testing.T) {
	ctx := context.Background()
	const limit = money.Amount(20000) // about what the calls need: near exhaustion, leases shrink
	parent := budget.NewMeter(limit)
	cp := &counting{Account: parent}
	l := budget.NewLeased(cp, 200, time.Hour, nil)
	var committed atomic.Int64
	var calls atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Go(func() {
			for i := 0; i < 300; i++ {
				h, err := l.Reserve(ctx, money.Amount(1+(g+i)%9))
				if err != nil {
					if !errors.Is(err, budget.ErrExceeded) {
						t.Error(err)
					}
					continue
				}
				calls.Add(1)
				if i%5 == 0 {
					_ = h.Release(ctx)
					continue
				}
				actual := money.Amount((g + i) % 9)
				if err := h.Commit(ctx, actual); err != nil {
					t.Error(err)
				}
				committed.Add(int64(actual))
			}
		})
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if parent.Spent() != money.Amount(committed.Load()) || parent.Held() != 0 || parent.Spent() > limit {
		t.Fatalf("parent spent %s held %s; calls committed %d (limit %s)", parent.Spent(), parent.Held(), committed.Load(), limit)
	}
	if cp.n.Load()*5 > calls.Load() {
		t.Fatalf("%d parent reservations for %d calls: leases are not amortising", cp.n.Load(), calls.Load())
	}
	t.Logf("%d calls, %d parent reservations, %s spent", calls.Load(), cp.n.Load(), parent.Spent())
	if _, err := l.Reserve(ctx, 1); !errors.Is(err, budget.ErrClosed) {
		t.Fatalf("Reserve after Close: %v", err)
	}
}

func TestLeasedNearTheLimit(t *testing.T) {
	ctx := context.Background()
	parent := budget.NewMeter(150)
	l := budget.NewLeased(parent, 100, time.Hour, nil)
	defer l.Close()
	h1, err := l.Reserve(ctx, 60) // lease of 100
	if err != nil {
		t.Fatal(err)
	}
	// 40 left in the lease; a new lease of 100 or even 60 does not fit
	// beside the first: refused, never overspent.
	if _, err := l.Reserve(ctx, 60); !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("err %v, want ErrExceeded", err)
	}
	if err := h1.Commit(ctx, 30); err != nil {
		t.Fatal(err)
	}
	l.Flush()
	if parent.Spent() != 30 || parent.Held() != 0 {
		t.Fatalf("after the first lease settled: spent %s held %s", parent.Spent(), parent.Held())
	}
	// 120 remain: a lease of 100 fits; a call larger than a lease gets a
	// lease of its own size.
	h2, err := l.Reserve(ctx, 110)
	if err != nil {
		t.Fatal(err)
	}
	if parent.Held() != 110 {
		t.Fatalf("held %s, want a lease of exactly 110", parent.Held())
	}
	if err := h2.Commit(ctx, 200); err == nil {
		t.Fatal("a commit above its reservation was not reported")
	}
	l.Flush()
	if parent.Spent() != 140 || parent.Held() != 0 {
		t.Fatalf("spent %s held %s, want the 110 bound charged, not 200", parent.Spent(), parent.Held())
	}
}

func TestLeasedFlushesWithinItsInterval(t *testing.T) {
	ctx := context.Background()
	parent := budget.NewMeter(0)
	l := budget.NewLeased(parent, 1000, 50*time.Millisecond, nil)
	defer l.Close()
	h, err := l.Reserve(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	_ = h.Commit(ctx, 7)
	deadline := time.Now().Add(5 * time.Second)
	for parent.Spent() != 7 {
		if time.Now().After(deadline) {
			t.Fatalf("spent %s after 5s; the lease was not settled by the flush", parent.Spent())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if parent.Held() != 0 {
		t.Fatalf("held %s after the flush", parent.Held())
	}
	// Overage goes to the parent and retires the lease.
	if err := l.RecordOverage(ctx, 5); err != nil || parent.Overage() != 5 {
		t.Fatalf("overage %s, %v", parent.Overage(), err)
	}
}
