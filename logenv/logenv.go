// Package logenv turns the runs baton serve recorded, with their feedback,
// into an [env.Env] a trainer can learn from: each recorded run is a task,
// and its tools replay what the run's calls returned.
//
// A tool call is answered with the recorded result of the same tool (with
// the same arguments when the run made that call; otherwise the run's
// first call of that tool), with the recorded cost, usage and latency. A
// tool the run never called answers an error result "not observed in the
// logs", marked Unbilled: the logs say nothing about what it would have
// returned. The task keeps every tool the run's policy saw, so a policy
// trained here decides on the same states it serves on.
//
// Score gives the run's feedback score only when the episode's final
// answer equals the logged final answer (after trimming spaces); any other
// answer scores 0, because nobody judged it. A policy can thus only earn
// credit for answers it has seen judged, and learns, from the logs alone,
// which calls reach the well-judged answers cheaply.
package logenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/tool"
)

// NotObserved is the content of the error result a tool the logged run did
// not call returns.
const NotObserved = "not observed in the logs: the recorded run did not call this tool, so what it would have returned is unknown"

// ErrNoRuns is returned when no recorded run can become a task.
var ErrNoRuns = errors.New("logenv: no usable recorded run (runs need feedback and a final answer; send POST /v1/runs/{id}/feedback)")

// Env is an [env.Env] over recorded runs with feedback.
type Env struct {
	name  string
	tasks []episode.Task
	runs  map[string]*run
}

type run struct {
	specs  []tool.Spec
	calls  map[string]map[string]*tool.Result // tool → compact args → result
	first  map[string]*tool.Result            // tool → its first recorded result
	answer string
	score  float64
}

// Skip says why a recorded run was left out.
type Skip struct {
	RunID  string `json:"run_id"`
	Reason string `json:"reason"`
}

var _ env.Env = (*Env)(nil)

// New builds the env from logged runs (see [offpolicy.FromStore]). Runs
// that did not end with an answer are left out and listed in skipped:
// no answer of theirs was judged. It fails with [ErrNoRuns] when none is
// left.
func New(name string, logs []offpolicy.Logged) (*Env, []Skip, error) {
	e := &Env{name: name, runs: map[string]*run{}}
	var skipped []Skip
	for i, l := range logs {
		ep := l.Episode
		id := fmt.Sprintf("log-%d", i+1)
		if ep != nil && ep.RunID != "" {
			id = ep.RunID
		}
		switch {
		case ep == nil:
			skipped = append(skipped, Skip{id, "no episode"})
			continue
		case ep.Status != episode.StatusAnswered || strings.TrimSpace(ep.Answer) == "":
			skipped = append(skipped, Skip{id, fmt.Sprintf("ended %s without an answer", ep.Status)})
			continue
		case len(l.Tools) == 0:
			skipped = append(skipped, Skip{id, "no tools"})
			continue
		case l.Score < 0 || l.Score > 1 || l.Score != l.Score:
			return nil, nil, fmt.Errorf("logenv: run %s: score %v outside [0, 1]", id, l.Score)
		}
		if _, dup := e.runs[id]; dup {
			return nil, nil, fmt.Errorf("logenv: run %s appears twice in the logs", id)
		}
		r := &run{specs: l.Tools, calls: map[string]map[string]*tool.Result{}, first: map[string]*tool.Result{}, answer: strings.TrimSpace(ep.Answer), score: l.Score}
		for _, st := range ep.Steps {
			if st.Action.Final || st.Action.Tool == "" || st.Result == nil {
				continue
			}
			res := *st.Result
			if res.Cost == 0 && !res.Unbilled {
				// The recorded charge is exact; zero means the call cost
				// nothing, not "price it from the spec".
				res.Unbilled = true
			}
			name := st.Action.Tool
			if r.calls[name] == nil {
				r.calls[name] = map[string]*tool.Result{}
				r.first[name] = &res
			}
			k := compact(st.Action.Args)
			if _, ok := r.calls[name][k]; !ok {
				r.calls[name][k] = &res
			}
		}
		task := ep.Task
		task.ID = id
		task.Tools = make([]string, len(l.Tools))
		for j, s := range l.Tools {
			task.Tools[j] = s.Name
		}
		e.runs[id] = r
		e.tasks = append(e.tasks, task)
	}
	if len(e.tasks) == 0 {
		return nil, skipped, ErrNoRuns
	}
	return e, skipped, nil
}

// FromStore reads every run with feedback from st (see
// [offpolicy.FromStore]; specs gives the tools each run's policy saw) and
// builds the env. Unfinished runs and runs without an answer are counted
// in skipped.
func FromStore(ctx context.Context, st store.Store, specs offpolicy.Specs) (*Env, []Skip, error) {
	logs, unfinished, err := offpolicy.FromStore(ctx, st, specs)
	if err != nil {
		return nil, nil, fmt.Errorf("logenv: %w", err)
	}
	e, skipped, err := New("store", logs)
	for i := 0; i < unfinished; i++ {
		skipped = append(skipped, Skip{"?", "unfinished run"})
	}
	return e, skipped, err
}

// Name implements env.Env.
func (e *Env) Name() string { return e.name }

// Tasks implements env.Env: one task per recorded run, ID the run ID.
func (e *Env) Tasks() []episode.Task { return e.tasks }

// Tools implements env.Env: the run's tools, replaying its calls.
func (e *Env) Tools(_ context.Context, task episode.Task) (*tool.Set, error) {
	r, ok := e.runs[task.ID]
	if !ok {
		return nil, fmt.Errorf("logenv: task %q is not a recorded run of this env", task.ID)
	}
	ts := make([]tool.Tool, len(r.specs))
	for i, s := range r.specs {
		ts[i] = &replayTool{spec: s, byArgs: r.calls[s.Name], first: r.first[s.Name]}
	}
	return tool.NewSet(ts...)
}

// Score implements env.Env: the feedback score when the answer is the
// logged one, else 0.
func (e *Env) Score(_ context.Context, task episode.Task, ep *episode.Episode) (env.Score, error) {
	r, ok := e.runs[task.ID]
	if !ok {
		return env.Score{}, fmt.Errorf("logenv: task %q is not a recorded run of this env", task.ID)
	}
	if ep == nil || ep.Status != episode.StatusAnswered || strings.TrimSpace(ep.Answer) != r.answer {
		return env.Score{Outcome: 0, Detail: "answer differs from the logged one: never judged"}, nil
	}
	return env.Score{Outcome: r.score, Correct: r.score >= 0.5, Detail: "logged answer, judged by feedback"}, nil
}

type replayTool struct {
	spec   tool.Spec
	byArgs map[string]*tool.Result
	first  *tool.Result
}

func (t *replayTool) Spec() tool.Spec { return t.spec }

func (t *replayTool) Call(_ context.Context, args json.RawMessage) (*tool.Result, error) {
	res := t.byArgs[compact(args)]
	if res == nil {
		res = t.first
	}
	if res == nil {
		return tool.Rejectf("%s", NotObserved), nil
	}
	c := *res
	return &c, nil
}

// compact is args in compact JSON form, for matching.
func compact(args json.RawMessage) string {
	var b strings.Builder
	if len(args) == 0 {
		return "{}"
	}
	var v any
	if json.Unmarshal(args, &v) != nil {
		return string(args)
	}
	out, _ := json.Marshal(v)
	b.Write(out)
	return b.String()
}
