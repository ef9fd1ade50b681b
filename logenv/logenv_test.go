package logenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

var params = json.RawMessage(`{"type":"object","properties":{"prompt":{"type":"string"}}}`)

var specs = []tool.Spec{
	{Name: "large", Parameters: params},
	{Name: "never", Parameters: params},
	{Name: "small", Parameters: params},
}

// call is one logged tool call: the tool and what it returned.
type call struct{ tool, content string }

func logged(id, prompt, answer string, status episode.Status, score float64, calls ...call) offpolicy.Logged {
	ep := &episode.Episode{RunID: id, Task: episode.Task{Prompt: prompt}, Status: status, Answer: answer}
	for i, c := range calls {
		ep.Steps = append(ep.Steps, episode.Step{Turn: i + 1, Action: episode.Action{Tool: c.tool, Args: json.RawMessage(`{ "prompt": "q" }`)},
			Result: &tool.Result{Content: c.content, Cost: money.Amount(700 * (i + 1)), Latency: 3 * time.Second, Usage: tool.Usage{InputTokens: 5}}, Prob: 0.5})
	}
	ep.Steps = append(ep.Steps, episode.Step{Turn: len(calls) + 1, Action: episode.Action{Final: true, Answer: answer}, Prob: 1})
	return offpolicy.Logged{Episode: ep, Tools: specs, Score: score}
}

// TestPoolingReplayAndScore: the runs of one question pool their calls
// and judgments; a tool no run called is an unbilled error (or not
// offered at all for training); an answer scores the mean feedback of the
// runs that ended with it, an unjudged one 0.
func TestPoolingReplayAndScore(t *testing.T) {
	ctx := context.Background()
	logs := []offpolicy.Logged{
		logged("r1", "what is 6*7?", "41", episode.StatusAnswered, 0, call{"small", "41"}),
		logged("r2", " what is 6*7? ", "42", episode.StatusAnswered, 1, call{"small", "41"}, call{"large", "42"}),
		logged("r3", "what is 6*7?", "42", episode.StatusAnswered, 0.5, call{"large", "42"}),
		logged("r4", "what is 6*7?", "", episode.StatusFailed, 0, call{"small", "41"}),
		logged("r5", "another", "7", episode.StatusAnswered, 1, call{"small", "7"}),
	}
	e, skipped, err := New("t", logs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Tasks()) != 2 || len(skipped) != 1 || skipped[0].RunID != "r4" || e.Judgments() != 4 {
		t.Fatalf("tasks %v skipped %v judgments %d", e.Tasks(), skipped, e.Judgments())
	}
	task := byPrompt(t, e, "what is 6*7?")
	if got := strings.Join(e.Runs(task.ID), ","); got != "r1,r2,r3,r4" {
		t.Fatalf("runs pooled into %s: %s", task.ID, got)
	}
	if strings.Join(task.Tools, ",") != "large,never,small" {
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
	}{
		{"small", `{"prompt":"q"}`, "41", false, 700},
		{"small", `{"prompt":"other"}`, "41", false, 700}, // unseen args: the first call of the tool
		{"large", `{"prompt":"q"}`, "42", false, 1400},    // observed in r2 only
		{"never", `{"prompt":"q"}`, NotObserved, true, 0},
	}
	for _, tc := range tests {
		res, err := set.Call(ctx, tc.tool, json.RawMessage(tc.args))
		if err != nil {
			t.Fatal(err)
		}
		if res.Content != tc.content || res.IsError != tc.isErr || res.Cost != tc.cost {
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
		{&episode.Episode{Status: episode.StatusAnswered, Answer: " 42 "}, 0.75}, // r2 and r3
		{&episode.Episode{Status: episode.StatusAnswered, Answer: "41"}, 0},
		{&episode.Episode{Status: episode.StatusAnswered, Answer: "43"}, 0}, // never judged
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

	// For training: only observed tools are offered.
	o, _, err := New("t", logs, Options{ObservedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ot := byPrompt(t, o, "what is 6*7?")
	if got := strings.Join(ot.Tools, ","); got != "large,small" {
		t.Errorf("observed-only tools %s, want large,small", got)
	}
	oset, _ := o.Tools(ctx, ot)
	if _, err := oset.Get("never"); err == nil {
		t.Error("observed-only env offers a tool no run called")
	}
	if _, err := Replay(ctx, o, nil); err == nil {
		t.Error("replay on an observed-only env must refuse: it would hide uncovered calls")
	}
}

func byPrompt(t *testing.T, e *Env, prompt string) episode.Task {
	t.Helper()
	for _, task := range e.Tasks() {
		if strings.TrimSpace(task.Prompt) == prompt {
			return task
		}
	}
	t.Fatalf("no task asks %q", prompt)
	return episode.Task{}
}

// TestKeepAndHoldout: Keep splits questions, and Holdout holds out about
// HoldoutShare of them, deterministically.
func TestKeepAndHoldout(t *testing.T) {
	var logs []offpolicy.Logged
	held := 0
	for i := 0; i < 1000; i++ {
		p := fmt.Sprintf("question %d", i)
		if Holdout(p) != Holdout(" "+p+"\n") {
			t.Fatalf("Holdout depends on surrounding space for %q", p)
		}
		if Holdout(p) {
			held++
		}
		if i < 50 {
			logs = append(logs, logged(fmt.Sprint("r", i), p, "1", episode.StatusAnswered, 1, call{"small", "1"}))
		}
	}
	if math.Abs(float64(held)/1000-HoldoutShare) > 0.04 {
		t.Errorf("Holdout keeps %d of 1000 questions, want about %.0f", held, HoldoutShare*1000)
	}
	tr, _, err := New("t", logs, Options{Keep: func(p string) bool { return !Holdout(p) }})
	if err != nil {
		t.Fatal(err)
	}
	ho, skipped, err := New("t", logs, Options{Keep: Holdout})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Tasks())+len(ho.Tasks()) != 50 || len(skipped) != len(tr.Tasks()) {
		t.Errorf("train %d + holdout %d questions of 50 (%d skipped)", len(tr.Tasks()), len(ho.Tasks()), len(skipped))
	}
	for _, task := range ho.Tasks() {
		if !Holdout(task.Prompt) {
			t.Errorf("held-out env has %q", task.Prompt)
		}
	}
}

// TestReplay: a policy is scored where the logs cover it.
func TestReplay(t *testing.T) {
	ctx := context.Background()
	var logs []offpolicy.Logged
	for i := 0; i < 40; i++ {
		p := fmt.Sprintf("q%d", i)
		// small is right on even questions, large always; large was
		// only tried on the first 30.
		small := fmt.Sprint(i)
		if i%2 == 1 {
			small = "wrong"
		}
		logs = append(logs, logged("s"+p, p, small, episode.StatusAnswered, map[bool]float64{true: 1, false: 0}[i%2 == 0], call{"small", small}))
		if i < 30 {
			logs = append(logs, logged("l"+p, p, fmt.Sprint(i), episode.StatusAnswered, 1, call{"large", fmt.Sprint(i)}))
		}
	}
	e, _, err := New("t", logs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	one := func(name string) policy.Policy {
		return policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
			if len(s.Steps) == 0 {
				return episode.Action{Tool: name, Args: json.RawMessage(`{"prompt":"q"}`)}, nil
			}
			a, _ := s.Steps[len(s.Steps)-1].Result.Answer()
			return episode.Action{Final: true, Answer: a}, nil
		})
	}
	small, err := Replay(ctx, e, one("small"))
	if err != nil {
		t.Fatal(err)
	}
	large, err := Replay(ctx, e, one("large"))
	if err != nil {
		t.Fatal(err)
	}
	never, err := Replay(ctx, e, one("never"))
	if err != nil {
		t.Fatal(err)
	}
	if small.Covered != 40 || small.Accuracy.Mean != 0.5 || small.CostUSD != money.Amount(700).USD() {
		t.Errorf("small: %+v", small)
	}
	if large.Covered != 30 || large.Accuracy.Mean != 1 || large.Questions != 40 {
		t.Errorf("large: covered %d accuracy %+v", large.Covered, large.Accuracy)
	}
	if never.Covered != 0 {
		t.Errorf("a policy calling an unobserved tool is covered on %d questions", never.Covered)
	}
}

func TestBadLogs(t *testing.T) {
	tests := []struct {
		name string
		logs []offpolicy.Logged
		want string
	}{
		{"none", nil, "no usable recorded run"},
		{"only failed", []offpolicy.Logged{logged("a", "q", "", episode.StatusFailed, 1, call{"small", "1"})}, "no usable recorded run"},
		{"bad score", []offpolicy.Logged{logged("a", "q", "x", episode.StatusAnswered, 2)}, "outside [0, 1]"},
		{"duplicate", []offpolicy.Logged{logged("a", "q", "x", episode.StatusAnswered, 1), logged("a", "q", "x", episode.StatusAnswered, 1)}, "twice"},
	}
	for _, tc := range tests {
		_, _, err := New("t", tc.logs, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		if tc.want == "no usable recorded run" && !errors.Is(err, ErrNoRuns) {
			t.Errorf("%s: %v is not ErrNoRuns", tc.name, err)
		}
	}
}
