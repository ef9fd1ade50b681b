package money

import (
	"time"
)

// Price is what one call of a tool or model costs. Every component is
// optional and they add up: a hosted LLM has token prices, a paid search API
// a per-call price, a metered sandbox a per-second price.
//
// Token prices are per one million tokens, the unit every provider publishes,
// so "$1.25 per 1M input tokens" is written InputPerM: MustParse("1.25").
type Price struct {
	PerCall    Amount `json:"per_call,omitempty" yaml:"per_call,omitempty"`                     // charged once per call
	PerSecond  Amount `json:"per_second,omitempty" yaml:"per_second,omitempty"`                 // charged per second of Usage.Duration
	InputPerM  Amount `json:"input_per_million,omitempty" yaml:"input_per_million,omitempty"`   // per one million input tokens
	OutputPerM Amount `json:"output_per_million,omitempty" yaml:"output_per_million,omitempty"` // per one million output tokens
}

// Usage is what one call consumed, the other factor of a cost.
type Usage struct {
	InputTokens  int64         // prompt tokens read
	OutputTokens int64         // tokens generated
	Duration     time.Duration // wall time, for per-second prices
}

// IsZero reports whether the price charges nothing at all.
func (p Price) IsZero() bool { return p == Price{} }

// Cost returns the exact charge for one call with usage u. Each component is
// rounded up to the next nanodollar separately, so a charge is never below
// the true cost and is reproducible from the usage alone:
//
//	PerCall + ⌈PerSecond·ns/10⁹⌉ + ⌈InputPerM·in/10⁶⌉ + ⌈OutputPerM·out/10⁶⌉
//
// Negative usage counts as zero.
func (p Price) Cost(u Usage) Amount {
	c := p.PerCall
	c = c.Add(mulDivCeil(int64(p.PerSecond), int64(u.Duration), int64(time.Second)))
	c = c.Add(mulDivCeil(int64(p.InputPerM), u.InputTokens, 1_000_000))
	c = c.Add(mulDivCeil(int64(p.OutputPerM), u.OutputTokens, 1_000_000))
	return c
}

// Scale returns the price of n units of a, rounded up; n ≥ 0. It is how a
// per-unit price (a per-call price times calls) becomes a total.
func (a Amount) Scale(n int64) Amount { return mulDivCeil(int64(a), n, 1) }
