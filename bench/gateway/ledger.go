package gateway

import (
	"context"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// ledgerTimer records how long each ledger write took.
type ledgerTimer struct {
	mu sync.Mutex
	d  []time.Duration
}

func (t *ledgerTimer) add(d time.Duration) {
	t.mu.Lock()
	t.d = append(t.d, d)
	t.mu.Unlock()
}

func (t *ledgerTimer) reset() {
	t.mu.Lock()
	t.d = t.d[:0]
	t.mu.Unlock()
}

func (t *ledgerTimer) percentiles() (p50, p99 float64, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return pct(t.d, 50), pct(t.d, 99), len(t.d)
}

// timedStore times the ledger writes of a store: reservations and their
// settlement.
type timedStore struct {
	store.Store
	t *ledgerTimer
}

func (s timedStore) Account(keyID string) budget.Account {
	return timedAccount{a: s.Store.Account(keyID), t: s.t}
}

type timedAccount struct {
	a budget.Account
	t *ledgerTimer
}

func (a timedAccount) Reserve(ctx context.Context, max money.Amount) (budget.Hold, error) {
	t0 := time.Now()
	h, err := a.a.Reserve(ctx, max)
	a.t.add(time.Since(t0))
	if err != nil {
		return nil, err
	}
	return timedHold{h: h, t: a.t}, nil
}

// timedHold settles through the store's one-write CommitRun when it has
// one, as the server would.
type timedHold struct {
	h budget.Hold
	t *ledgerTimer
}

var _ store.RunCommitter = timedHold{}

func (h timedHold) Commit(ctx context.Context, actual money.Amount) error {
	defer h.timed()()
	return h.h.Commit(ctx, actual)
}

func (h timedHold) Release(ctx context.Context) error {
	defer h.timed()()
	return h.h.Release(ctx)
}

func (h timedHold) CommitRun(ctx context.Context, actual money.Amount, r store.Run) error {
	defer h.timed()()
	if rc, ok := h.h.(store.RunCommitter); ok {
		return rc.CommitRun(ctx, actual, r)
	}
	return h.h.Commit(ctx, actual)
}

func (h timedHold) timed() func() {
	t0 := time.Now()
	return func() { h.t.add(time.Since(t0)) }
}

func mkdirTemp() (string, error) {
	d, err := os.MkdirTemp("", "baton-bench-gateway-")
	if err != nil {
		return "", fmt.Errorf("gateway: temporary directory for the ledger: %w", err)
	}
	return d, nil
}

func removeAll(dir string) error { return os.RemoveAll(dir) }

// cpuTime is the CPU time (user and system) this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
