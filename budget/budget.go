package budget

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/batonhq/baton/money"
)

// ErrExceeded is wrapped when a reservation would overspend a budget.
var ErrExceeded = errors.New("budget: exceeded")

// Account is money that calls are charged to: a run's budget, an API key's
// daily budget, a ledger row shared by server replicas. A call reserves its
// worst-case cost before it runs and commits its actual cost after; the
// reservation is what makes concurrent callers unable to overspend together.
type Account interface {
	// Reserve holds max against the account, or fails with an error
	// wrapping ErrExceeded if the account cannot cover it.
	Reserve(ctx context.Context, max money.Amount) (Hold, error)
}

// Hold is a reservation. Exactly one of Commit or Release must be called;
// later calls are no-ops, so a retried commit is billed once.
type Hold interface {
	// Commit charges actual and frees the rest of the hold. If actual is
	// above the hold (a tool broke its cost bound), the full actual is
	// charged, since the money was spent, and an error says so.
	Commit(ctx context.Context, actual money.Amount) error
	// Release frees the hold without charging.
	Release(ctx context.Context) error
}

// Meter is an in-memory Account with an optional limit, safe for concurrent
// use. Spent plus held never exceeds the limit; overage (money a call cost
// beyond its reservation, see [OverageRecorder]) counts against the limit
// too, so once a call broke its bound no further reservation pretends the
// money is still there.
type Meter struct {
	mu       sync.Mutex
	limit    money.Amount // ≤0: unlimited
	spent    money.Amount
	held     money.Amount
	overage  money.Amount
	overruns int
}

var _ OverageRecorder = (*Meter)(nil)

// NewMeter returns a Meter that never lets spent+held exceed limit; a limit
// ≤ 0 means unlimited (the meter still counts).
func NewMeter(limit money.Amount) *Meter { return &Meter{limit: limit} }

// Reserve implements [Account].
func (m *Meter) Reserve(_ context.Context, max money.Amount) (Hold, error) {
	if max < 0 {
		return nil, fmt.Errorf("budget: negative reservation %s", max)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if used := m.spent.Add(m.held).Add(m.overage); m.limit > 0 && used.Add(max) > m.limit {
		return nil, fmt.Errorf("%w: a call that may cost up to %s does not fit; %s of %s remains",
			ErrExceeded, max, m.limit-min(used, m.limit), m.limit)
	}
	m.held += max
	return &meterHold{m: m, amount: max}, nil
}

// Spent returns what was committed.
func (m *Meter) Spent() money.Amount {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.spent
}

// Held returns what is reserved but not yet committed.
func (m *Meter) Held() money.Amount {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.held
}

// Overage returns what calls cost beyond their reservations.
func (m *Meter) Overage() money.Amount {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.overage
}

// RecordOverage implements [OverageRecorder].
func (m *Meter) RecordOverage(_ context.Context, excess money.Amount) error {
	if excess < 0 {
		return fmt.Errorf("budget: negative overage %s", excess)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.overage = m.overage.Add(excess)
	return nil
}

// Limit returns the meter's limit (≤ 0: unlimited).
func (m *Meter) Limit() money.Amount { return m.limit }

// Overruns counts commits whose actual cost exceeded their hold.
func (m *Meter) Overruns() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.overruns
}

type meterHold struct {
	m      *Meter
	amount money.Amount
	done   bool
}

func (h *meterHold) Commit(_ context.Context, actual money.Amount) error {
	h.m.mu.Lock()
	defer h.m.mu.Unlock()
	if h.done {
		return nil
	}
	h.done = true
	h.m.held -= h.amount
	h.m.spent = h.m.spent.Add(actual)
	if actual > h.amount {
		h.m.overruns++
		return fmt.Errorf("budget: actual cost %s exceeded the reserved bound %s", actual, h.amount)
	}
	return nil
}

func (h *meterHold) Release(_ context.Context) error {
	h.m.mu.Lock()
	defer h.m.mu.Unlock()
	if h.done {
		return nil
	}
	h.done = true
	h.m.held -= h.amount
	return nil
}

// Multi reserves on several accounts at once (a run's budget and an API
// key's): all or none.
type Multi []Account

// Reserve implements [Account].
func (ms Multi) Reserve(ctx context.Context, max money.Amount) (Hold, error) {
	holds := make(multiHold, 0, len(ms))
	for _, a := range ms {
		h, err := a.Reserve(ctx, max)
		if err != nil {
			_ = holds.Release(ctx)
			return nil, err
		}
		holds = append(holds, h)
	}
	return holds, nil
}

// RecordOverage implements [OverageRecorder]: every account that records
// overage records it.
func (ms Multi) RecordOverage(ctx context.Context, excess money.Amount) error {
	var errs []error
	for _, a := range ms {
		if o, ok := a.(OverageRecorder); ok {
			errs = append(errs, o.RecordOverage(ctx, excess))
		}
	}
	return errors.Join(errs...)
}

type multiHold []Hold

func (hs multiHold) Commit(ctx context.Context, actual money.Amount) error {
	var errs []error
	for _, h := range hs {
		errs = append(errs, h.Commit(ctx, actual))
	}
	return errors.Join(errs...)
}

func (hs multiHold) Release(ctx context.Context) error {
	var errs []error
	for _, h := range hs {
		errs = append(errs, h.Release(ctx))
	}
	return errors.Join(errs...)
}
