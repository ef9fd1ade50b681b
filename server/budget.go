package server

import (
	"context"
	"fmt"

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

// account returns the account a call of model (or tool) by key pays from.
func (s *Server) account(keyID, model string) budget.Account {
	return keyAccount{Account: s.store.Account(keyID), s: s, keyID: keyID, model: model}
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
