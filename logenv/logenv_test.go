package logenv

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/tool"
)

var specs = []tool.Spec{
	{Name: "large", Parameters: json.RawMessage(`{"type":"object","properties":{"prompt":{"type":"string"}}}`), Price: money.Price{}},
	{Name: "small", Parameters: json.RawMessage(`{"type":"object","properties":{"prompt":{"type":"string"}}}`)},
}

func logged(id string, answer string, status episode.Status, score float64) offpolicy.Logged {
	ep := &episode.Episode{RunID: id, Task: episode.Task{Prompt: "q " + id}, Status: status, Answer: answer,
		Steps: []episode.Step{
			{Turn: 1, Action: episode.Action{Tool: "small", Args: json.RawMessage(`{ "prompt": "q" }`)},
				Result: &tool.Result{Content: "41", Cost: money.Amount(700), Latency: 3 * time.Second, Usage: tool.Usage{InputTokens: 5}}, Prob: 0.5},
			{Turn: 2, Action: episode.Action{Final: true, Answer: answer}, Prob: 1},
		}}
	return offpolicy.Logged{Episode: ep, Tools: specs, Score: score}
}

// TestReplayAndScore: a recorded call replays its result at the recorded
// cost and latency; an unrecorded one is an unbilled error; only the
// logged answer earns the feedback score.
func TestReplayAndScore(t *testing.T) {
	ctx := context.Background()
	e, skipped, err := New("t", []offpolicy.Logged{
		logged("r1", "41", episode.StatusAnswered, 0.8),
		logged("r2", "", episode.StatusFailed, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Tasks()) != 1 || len(skipped) != 1 || skipped[0].RunID != "r2" {
		t.Fatalf("tasks %v skipped %v", e.Tasks(), skipped)
	}
	task := e.Tasks()[0]
	if task.ID != "r1" || strings.Join(task.Tools, ",") != "large,small" {
		t.Fatalf("task %+v", task)
	}
	set, err := e.Tools(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tool, args string
		content    string
		isErr      bool
		cost       money.Amount
		latency    time.Duration
	}{
		{"small", `{"prompt":"q"}`, "41", false, 700, 3 * time.Second},
		{"small", `{"prompt":"other"}`, "41", false, 700, 3 * time.Second}, // unseen args: the run's first call of the tool
		{"large", `{"prompt":"q"}`, NotObserved, true, 0, 0},
	}
	for _, tc := range tests {
		res, err := set.Call(ctx, tc.tool, json.RawMessage(tc.args))
		if err != nil {
			t.Fatal(err)
		}
		if res.Content != tc.content || res.IsError != tc.isErr || res.Cost != tc.cost || (tc.latency != 0 && res.Latency != tc.latency) {
			t.Errorf("%s %s: %+v", tc.tool, tc.args, res)
		}
		if tc.isErr && !res.Unbilled {
			t.Errorf("%s: an unobserved call must be unbilled: %+v", tc.tool, res)
		}
	}
	scores := []struct {
		ep   *episode.Episode
		want float64
	}{
		{&episode.Episode{Status: episode.StatusAnswered, Answer: " 41 "}, 0.8},
		{&episode.Episode{Status: episode.StatusAnswered, Answer: "42"}, 0},
		{&episode.Episode{Status: episode.StatusMaxTurns}, 0},
		{nil, 0},
	}
	for _, sc := range scores {
		got, err := e.Score(ctx, task, sc.ep)
		if err != nil || got.Outcome != sc.want {
			t.Errorf("score of %+v: %+v %v, want %v", sc.ep, got, err, sc.want)
		}
	}
	if _, err := e.Tools(ctx, episode.Task{ID: "nope"}); err == nil {
		t.Error("an unknown task got tools")
	}
}

func TestBadLogs(t *testing.T) {
	tests := []struct {
		name string
		logs []offpolicy.Logged
		want string
	}{
		{"none", nil, "no usable recorded run"},
		{"only failed", []offpolicy.Logged{logged("a", "", episode.StatusFailed, 1)}, "no usable recorded run"},
		{"bad score", []offpolicy.Logged{logged("a", "x", episode.StatusAnswered, 2)}, "outside [0, 1]"},
		{"duplicate", []offpolicy.Logged{logged("a", "x", episode.StatusAnswered, 1), logged("a", "x", episode.StatusAnswered, 1)}, "twice"},
	}
	for _, tc := range tests {
		_, _, err := New("t", tc.logs)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		if tc.want == "no usable recorded run" && !errors.Is(err, ErrNoRuns) {
			t.Errorf("%s: %v is not ErrNoRuns", tc.name, err)
		}
	}
}
