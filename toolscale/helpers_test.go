package toolscale

import (
	"context"
	"strings"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/tool"
)

// playGolden runs task's golden actions through a fresh tool set as an
// orchestrator would and answers with the communicate_info values.
func playGolden(t *testing.T, tools func(context.Context, episode.Task) (*tool.Set, error), et episode.Task, gold *Task) *episode.Episode {
	t.Helper()
	ctx := context.Background()
	set, err := tools(ctx, et)
	if err != nil {
		t.Fatal(err)
	}
	ep := &episode.Episode{Task: et, Status: episode.StatusAnswered}
	for i, a := range gold.EvaluationCriteria.Actions {
		res, err := set.Call(ctx, a.Name, a.Arguments)
		if err != nil {
			t.Fatal(err)
		}
		if res.IsError {
			t.Fatalf("task %s action %d %s: %s", gold.ID, i, a.Name, res.Content)
		}
		ep.Steps = append(ep.Steps, episode.Step{Turn: i, Action: episode.Action{Tool: a.Name, Args: a.Arguments}, Result: res})
	}
	ep.Answer = "All done. " + strings.Join(gold.EvaluationCriteria.CommunicateInfo, "; ")
	return ep
}
