package tool

import (
	"time"

	"github.com/batonhq/baton/money"
)

// DefaultTimeout bounds a call whose Spec sets no Timeout.
const DefaultTimeout = 2 * time.Minute

// TimeoutSlack is the time a call may take to return after its timeout
// fires (a tool noticing its context, the caller measuring the end). A
// per-second price is bounded over the timeout plus this slack.
const TimeoutSlack = time.Second

// Limits are the resolved bounds one call runs under. [Invoke] enforces
// Timeout and budgets price their worst case from the same values, so the
// bound reserved and the limit enforced cannot drift apart.
type Limits struct {
	// Timeout is the call's hard wall-time limit: Spec.Timeout, or
	// [DefaultTimeout] when that is 0.
	Timeout time.Duration
	// MaxOutputTokens bounds the output tokens billed (0: no output price
	// is possible, or the tool bounds it itself).
	MaxOutputTokens int64
}

// Limits resolves the bounds a call of a tool with spec s runs under.
func (s Spec) Limits() Limits {
	t := s.Timeout
	if t <= 0 {
		t = DefaultTimeout
	}
	return Limits{Timeout: t, MaxOutputTokens: s.MaxOutputTokens}
}

// MaxCost is the most a call under s's limits can be charged at s's price
// when it sends at most inputTokens: the per-call price, the input price
// over inputTokens, the output price over MaxOutputTokens, and the
// per-second price over the timeout plus [TimeoutSlack]. Every worst-case
// estimate in Baton ends here; they differ only in how they bound the input.
func (s Spec) MaxCost(inputTokens int64) money.Amount {
	l := s.Limits()
	return s.Price.Cost(money.Usage{InputTokens: inputTokens, OutputTokens: l.MaxOutputTokens, Duration: l.Timeout + TimeoutSlack})
}
