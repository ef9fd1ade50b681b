package budget

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/batonhq/baton/money"
)

// Leased is an [Account] that takes its parent's money a slice at a time:
// it reserves a lease (one hold of Size on the parent, e.g. a key's row in
// the store) and serves reservations from it in memory, so a busy key pays
// one ledger write per lease instead of one per call. A lease is settled
// (its hold committed with what its calls spent, the rest freed) when it
// runs out, when it is older than Flush, and on Close; settlement runs in
// the background, off the caller's path.
//
// Guarantees: the parent is never charged beyond a lease's hold, and a
// call is never granted beyond what its lease holds, so Leased cannot
// overspend a budget the parent enforces. What the parent reports as spent
// lags by at most Flush. A reservation larger than what a full lease can
// get falls back to a lease of exactly its size, so a call the parent can
// afford alone is not refused for the lease's sake, except that money still
// leased by another replica is not available here.
//
// If the process dies, its open leases are holds like any other: the
// store's sweep charges each in full (see store.Sweep), so a crash may
// over-charge a key by the unspent part of its open leases, and never
// under-charges it.
type Leased struct {
	parent Account
	size   money.Amount
	flush  time.Duration
	log    *slog.Logger

	mu     sync.Mutex
	cur    *lease
	closed bool
	wg     sync.WaitGroup // settlements in flight
	stop   chan struct{}
	done   chan struct{}
}

// lease is one hold on the parent and the calls served from it.
type lease struct {
	hold     Hold
	size     money.Amount
	left     money.Amount // not yet granted
	used     money.Amount // committed by its calls
	inflight int
	retired  bool
	taken    time.Time
}

// NewLeased returns a Leased account over parent taking leases of size and
// settling each at most flush after it was taken. Close it to settle the
// last lease.
func NewLeased(parent Account, size money.Amount, flush time.Duration, log *slog.Logger) *Leased {
	if log == nil {
		log = slog.Default()
	}
	l := &Leased{parent: parent, size: size, flush: flush, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	go l.flusher()
	return l
}

var (
	_ Account         = (*Leased)(nil)
	_ OverageRecorder = (*Leased)(nil)
)

// ErrClosed is returned by reservations on a closed [Leased].
var ErrClosed = errors.New("budget: account closed")

// Reserve implements [Account]: from the current lease when it has max
// left, else from a new lease.
func (l *Leased) Reserve(ctx context.Context, amount money.Amount) (Hold, error) {
	if amount < 0 {
		return nil, fmt.Errorf("budget: negative reservation %s", amount)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	if c := l.cur; c != nil && c.left >= amount {
		return l.grant(c, amount), nil
	}
	if l.cur != nil {
		l.retire(l.cur)
		l.cur = nil
	}
	// Taking a lease is a parent write; it holds l.mu, so concurrent
	// callers wait for it rather than each taking a lease of their own.
	size := max(l.size, amount)
	h, err := l.parent.Reserve(ctx, size)
	if err != nil && size > amount && errors.Is(err, ErrExceeded) {
		size = amount
		h, err = l.parent.Reserve(ctx, size)
	}
	if err != nil {
		return nil, err
	}
	l.cur = &lease{hold: h, size: size, left: size, taken: time.Now()}
	return l.grant(l.cur, amount), nil
}

// grant takes amount from lease c. l.mu is held.
func (l *Leased) grant(c *lease, amount money.Amount) Hold {
	c.left -= amount
	c.inflight++
	return &leaseHold{l: l, c: c, amount: amount}
}

// retire stops granting from c and settles it once its calls are done.
// l.mu is held.
func (l *Leased) retire(c *lease) {
	if c.retired {
		return
	}
	c.retired = true
	l.settleIfDone(c)
}

// settleIfDone commits c in the background if it is retired and idle.
// l.mu is held.
func (l *Leased) settleIfDone(c *lease) {
	if !c.retired || c.inflight > 0 {
		return
	}
	used := c.used
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.hold.Commit(ctx, used); err != nil {
			l.log.Error("budget: settling a lease failed; its hold stays until the store's sweep charges it in full",
				"lease", c.size.String(), "used", used.String(), "err", err)
		}
	}()
}

// flusher retires leases older than flush.
func (l *Leased) flusher() {
	defer close(l.done)
	if l.flush <= 0 {
		<-l.stop
		return
	}
	t := time.NewTicker(l.flush / 2)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		l.mu.Lock()
		if c := l.cur; c != nil && time.Since(c.taken) >= l.flush {
			l.retire(c)
			l.cur = nil
		}
		l.mu.Unlock()
	}
}

// Flush retires the current lease, so what it spent reaches the parent
// soon (after its calls in flight), and waits for settlements to finish.
func (l *Leased) Flush() {
	l.mu.Lock()
	if l.cur != nil {
		l.retire(l.cur)
		l.cur = nil
	}
	l.mu.Unlock()
	l.wg.Wait()
}

// Close refuses further reservations, retires the current lease and waits
// until every lease whose calls have finished is settled. Calls still in
// flight settle their lease when they finish.
func (l *Leased) Close() error {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.stop)
	}
	if l.cur != nil {
		l.retire(l.cur)
		l.cur = nil
	}
	l.mu.Unlock()
	<-l.done
	l.wg.Wait()
	return nil
}

// RecordOverage implements [OverageRecorder]: the parent records it, and
// the current lease is retired so no further call spends from it before
// the parent has decided (a store freezes the key).
func (l *Leased) RecordOverage(ctx context.Context, excess money.Amount) error {
	l.mu.Lock()
	if l.cur != nil {
		l.retire(l.cur)
		l.cur = nil
	}
	l.mu.Unlock()
	return recordOverage(ctx, l.parent, excess)
}

// leaseHold is one call's share of a lease.
type leaseHold struct {
	l      *Leased
	c      *lease
	amount money.Amount
	done   bool // under l.mu
}

func (h *leaseHold) Commit(_ context.Context, actual money.Amount) error {
	l := h.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if h.done {
		return nil
	}
	h.done = true
	c := h.c
	c.inflight--
	charge := actual
	var err error
	if actual > h.amount {
		// Never beyond the lease's hold: the parent records no overrun
		// for what a caller should have recorded as overage.
		charge = h.amount
		err = fmt.Errorf("budget: actual cost %s exceeded the reserved bound %s; %s charged, record the rest as overage", actual, h.amount, h.amount)
	}
	c.used += charge
	c.left += h.amount - charge
	l.settleIfDone(c)
	return err
}

func (h *leaseHold) Release(_ context.Context) error {
	l := h.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if h.done {
		return nil
	}
	h.done = true
	h.c.inflight--
	h.c.left += h.amount
	l.settleIfDone(h.c)
	return nil
}
