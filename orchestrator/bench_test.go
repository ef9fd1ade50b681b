package orchestrator_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

type noop struct{}

func (noop) Spec() tool.Spec {
	return tool.Spec{Name: "noop", Parameters: json.RawMessage(`{"type":"object"}`)}
}
func (noop) Call(context.Context, json.RawMessage) (*tool.Result, error) {
	return &tool.Result{Content: "ok"}, nil
}

// BenchmarkStep measures one orchestrator step: a trivial policy deciding a
// no-op tool call, validated, budgeted and recorded. Each iteration runs an
// episode of b.N-independent size 1 call + 1 answer, so ns/op is per step
// pair; see the closing note for the per-step figure.
func BenchmarkStep(b *testing.B) {
	set, _ := tool.NewSet(noop{})
	args := json.RawMessage(`{}`)
	const calls = 100
	p := policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
		if s.Turn > calls {
			return episode.Action{Final: true, Answer: "ok"}, nil
		}
		return episode.Action{Tool: "noop", Args: args}, nil
	})
	task := episode.Task{Budget: episode.Budget{MaxTurns: calls + 1}}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := orchestrator.Run(ctx, task, p, set, orchestrator.WithRunID("bench")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*calls), "ns/step")
}
