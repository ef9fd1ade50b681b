package tool

import (
	"time"

	"github.com/batonhq/baton/money"
)

func moneyUsage(u Usage, d time.Duration) money.Usage {
	return money.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens, Duration: d}
}

// Cost returns what a call with usage u lasting d costs at spec's price.
func (s Spec) Cost(u Usage, d time.Duration) money.Amount { return s.Price.Cost(moneyUsage(u, d)) }
