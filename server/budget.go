package server

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
)

// keyAccount is a key's store account as the server charges it: overage
// (what an upstream billed beyond the reservation) is recorded in the
// store, which then refuses the key further spending, and counted in
// baton_overage_usd_total and baton_overage_total.
type keyAccount struct {
	budget.Account
	s            *Server
	keyID, model string
}

var _ budget.OverageRecorder = keyAccount{}

// account returns the account a call of model (or tool) by key pays from:
// the key's store account, or its lease when leases are on.
func (s *Server) account(keyID, model string) budget.Account {
	var a budget.Account = s.store.Account(keyID)
	if s.leases != nil {
		a = s.leases.get(a, keyID)
	}
	return keyAccount{Account: a, s: s, keyID: keyID, model: model}
}

// DefaultLeaseFlush is how long a budget lease lives at most: what a key
// spent reaches the ledger, and a revocation or a new budget takes effect,
// within about this long.
const DefaultLeaseFlush = time.Second

// leases are the keys' budget leases, made on first use.
type leases struct {
	size  money.Amount
	flush time.Duration

	mu     sync.Mutex
	byKey  map[string]*budget.Leased
	closed bool
}

// get returns keyID's leased account over parent.
func (l *leases) get(parent budget.Account, keyID string) budget.Account {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return parent // shutting down: straight to the store
	}
	a, ok := l.byKey[keyID]
	if !ok {
		a = budget.NewLeased(parent, l.size, l.flush, nil)
		l.byKey[keyID] = a
	}
	return a
}

// close settles every lease; later calls reserve in the store.
func (l *leases) close(log *slog.Logger) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.closed = true
	all := l.byKey
	l.byKey = map[string]*budget.Leased{}
	l.mu.Unlock()
	for key, a := range all {
		if err := a.Close(); err != nil {
			log.Error("settling a budget lease at shutdown", "key", key, "err", err)
		}
	}
}

// RecordOverage implements [budget.OverageRecorder].
func (a keyAccount) RecordOverage(ctx context.Context, excess money.Amount) error {
	a.s.metrics.overage.WithLabelValues(a.model, a.keyID).Add(excess.USD())
	a.s.metrics.overageEvents.WithLabelValues(a.model, a.keyID).Inc()
	a.s.log.Warn("a call cost more than its reservation; the excess is recorded as overage and the key is frozen until its budget is raised",
		"key", a.keyID, "model", a.model, "overage", excess.String())
	o, ok := a.Account.(budget.OverageRecorder)
	if !ok {
		return fmt.Errorf("server: the store cannot record an overage of %s on key %s", excess, a.keyID)
	}
	return o.RecordOverage(ctx, excess)
}
