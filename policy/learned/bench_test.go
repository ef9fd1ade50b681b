package learned

import (
	"context"
	"testing"
)

// BenchmarkDecide is one greedy decision among ten tools and two held
// answers with the default network size, caches warm.
func BenchmarkDecide(b *testing.B) {
	p, err := New(DefaultConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	s := testState(12, callStep(1, "model-00", "391", false), callStep(2, "model-01", "401", false))
	s.Task.Budget.MaxTurns = 8
	ctx := context.Background()
	if _, err := p.Decide(ctx, s); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Decide(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}
