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

// BenchmarkDecideMulti is one greedy multi-turn decision of the decider
// among 17 tools (zeroeval's count) after three observed answers, with the
// default network size, caches warm.
func BenchmarkDecideMulti(b *testing.B) {
	p, err := New(DefaultConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := p.SetScoreHead(ScoreHead{CostWeight: 50, LatencyScaleS: 2, Temp: 0.05}); err != nil {
		b.Fatal(err)
	}
	q, err := p.WithDecider()
	if err != nil {
		b.Fatal(err)
	}
	s := testState(17, callStep(1, "model-00", "391", false), callStep(2, "model-01", "401", false), callStep(3, "model-02", "391", false))
	s.Task.Budget.MaxTurns = 8
	ctx := context.Background()
	if _, err := q.Decide(ctx, s); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := q.Decide(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}
