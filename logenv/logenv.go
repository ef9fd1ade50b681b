// Package logenv turns the runs baton serve recorded, with their feedback,
// into an [env.Env] a trainer can learn from and a replay estimator can
// evaluate a policy on.
//
// Runs are pooled by question: every run of the same prompt is one task,
// whose tools replay what any of those runs' calls returned (the first
// recorded result of the tool with the same arguments, else of the tool),
// at the recorded cost, usage and latency. Pooling is what lets a policy
// learn more than the serving one did: a question asked three times, with
// exploration, shows three different sets of calls, and a policy trained
// here may combine them. It rests on one assumption, stated so it can be
// checked: a tool asked the same question answers the same (models served
// at temperature 0, deterministic tools). A tool no run called on the
// question answers an error result [NotObserved], marked Unbilled: the
// logs say nothing about what it would have returned. With
// [Options.ObservedOnly] such tools are not offered at all (for training:
// the policy then learns among calls whose outcome is known).
//
// Score gives an answer the mean feedback of the runs that ended with that
// answer (after trimming spaces); an answer nobody judged scores 0,
// because nobody judged it. A policy can thus only earn credit for answers
// it has seen judged, and learns, from the logs alone, which calls reach
// the well-judged answers cheaply.
//
// [Replay] evaluates a policy on the env without training on it: it runs
// the policy on every question and keeps the questions where the policy
// called only tools the logs observed there (covered). [Holdout] is the one rule that
// splits questions between training (baton train --from-store) and that
// evaluation (promotion in baton serve), so a candidate is never judged on
// the questions it was trained on.
package logenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/tool"
)

// NotObserved is the content of the error result a tool returns on a
// question no logged run called it on.
const NotObserved = "not observed in the logs: no recorded run called this tool on this question, so what it would have returned is unknown"

// ErrNoRuns is returned when no recorded run can become a task.
var ErrNoRuns = errors.New("logenv: no usable recorded run (runs need feedback and a final answer; send POST /v1/runs/{id}/feedback)")

// HoldoutShare is the share of questions [Holdout] keeps for evaluation.
const HoldoutShare = 0.2

// Holdout reports whether a question (its prompt) is held out of training
// from the logs, for evaluating candidates on: a fixed hash of the prompt
// puts about [HoldoutShare] of questions there, the same in every
// process, so training and promotion never disagree about the split.
func Holdout(prompt string) bool {
	h := sha256.Sum256([]byte("baton-holdout:" + strings.TrimSpace(prompt)))
	return float64(h[0])/256 < HoldoutShare
}

// Options controls [New].
type Options struct {
	// ObservedOnly offers, on each question, only the tools some run
	// called on it.
	ObservedOnly bool
	// Keep, when set, keeps only the questions (by prompt) it accepts;
	// runs of the others are left out, listed as skipped.
	Keep func(prompt string) bool
}

// Env is an [env.Env] over recorded runs with feedback, one task per
// question.
type Env struct {
	name      string
	tasks     []episode.Task
	qs        map[string]*question
	observed  bool
	judgments int
	newest    time.Time
}

// question is everything the logs hold about one prompt.
type question struct {
	specs  map[string]tool.Spec
	calls  map[string]map[string]*tool.Result // tool → compact args → result
	first  map[string]*tool.Result            // tool → its first recorded result
	judged map[string]*judgment               // trimmed answer → feedback
	runs   []string
}

type judgment struct {
	sum float64
	n   int
}

// Skip says why a recorded run was left out.
type Skip struct {
	RunID  string `json:"run_id"`
	Reason string `json:"reason"`
}

var _ env.Env = (*Env)(nil)

// New builds the env from logged runs (see [offpolicy.FromStore]). A run
// that did not end with an answer still contributes its calls, but no
// judgment; a run with no tools or on a question Keep refuses is left out
// and listed in skipped. It fails with [ErrNoRuns] when no question has a
// judged answer.
func New(name string, logs []offpolicy.Logged, o Options) (*Env, []Skip, error) {
	e := &Env{name: name, qs: map[string]*question{}, observed: o.ObservedOnly}
	var skipped []Skip
	seen := map[string]bool{}
	byKey := map[string]int{} // question key → index in e.tasks
	for i, l := range logs {
		if l.Created.After(e.newest) {
			e.newest = l.Created
		}
		ep := l.Episode
		id := fmt.Sprintf("log-%d", i+1)
		if ep != nil && ep.RunID != "" {
			id = ep.RunID
		}
		switch {
		case ep == nil:
			skipped = append(skipped, Skip{id, "no episode"})
			continue
		case len(l.Tools) == 0:
			skipped = append(skipped, Skip{id, "no tools"})
			continue
		case l.Score < 0 || l.Score > 1 || l.Score != l.Score:
			return nil, nil, fmt.Errorf("logenv: run %s: score %v outside [0, 1]", id, l.Score)
		case seen[id]:
			return nil, nil, fmt.Errorf("logenv: run %s appears twice in the logs", id)
		case o.Keep != nil && !o.Keep(ep.Task.Prompt):
			skipped = append(skipped, Skip{id, "question held out"})
			continue
		}
		seen[id] = true
		key := questionKey(ep.Task)
		ti, ok := byKey[key]
		if !ok {
			ti = len(e.tasks)
			byKey[key] = ti
			task := ep.Task
			task.ID = "q-" + key[:16]
			task.Tools = nil
			e.tasks = append(e.tasks, task)
			e.qs[task.ID] = &question{specs: map[string]tool.Spec{}, calls: map[string]map[string]*tool.Result{}, first: map[string]*tool.Result{}, judged: map[string]*judgment{}}
		}
		q := e.qs[e.tasks[ti].ID]
		q.runs = append(q.runs, id)
		for _, s := range l.Tools {
			if _, ok := q.specs[s.Name]; !ok {
				q.specs[s.Name] = s
			}
		}
		for _, st := range ep.Steps {
			if st.Action.Final || st.Action.Tool == "" || st.Result == nil || st.Result.Content == NotObserved {
				continue
			}
			res := *st.Result
			if res.Cost == 0 && !res.Unbilled {
				// The recorded charge is exact; zero means the call cost
				// nothing, not "price it from the spec".
				res.Unbilled = true
			}
			name := st.Action.Tool
			if q.calls[name] == nil {
				q.calls[name] = map[string]*tool.Result{}
				q.first[name] = &res
			}
			k := compact(st.Action.Args)
			if _, ok := q.calls[name][k]; !ok {
				q.calls[name][k] = &res
			}
		}
		if ep.Status != episode.StatusAnswered || strings.TrimSpace(ep.Answer) == "" {
			skipped = append(skipped, Skip{id, fmt.Sprintf("ended %s without an answer: its calls are kept, nothing is judged", ep.Status)})
			continue
		}
		a := strings.TrimSpace(ep.Answer)
		j := q.judged[a]
		if j == nil {
			j = &judgment{}
			q.judged[a] = j
		}
		j.sum += l.Score
		j.n++
		e.judgments++
	}
	// Questions nobody judged teach nothing.
	kept := e.tasks[:0]
	for _, t := range e.tasks {
		q := e.qs[t.ID]
		if len(q.judged) == 0 {
			delete(e.qs, t.ID)
			continue
		}
		for name := range q.specs {
			if !e.observed || q.first[name] != nil {
				t.Tools = append(t.Tools, name)
			}
		}
		sort.Strings(t.Tools)
		kept = append(kept, t)
	}
	// In question order, not log order: run IDs are random, and a trainer
	// splitting tasks by position must see the same split from the same
	// logs.
	sort.Slice(kept, func(i, j int) bool { return kept[i].ID < kept[j].ID })
	e.tasks = kept
	if len(e.tasks) == 0 {
		return nil, skipped, ErrNoRuns
	}
	return e, skipped, nil
}

// questionKey identifies a question by its prompt.
func questionKey(t episode.Task) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(t.Prompt)))
	return hex.EncodeToString(h[:])
}

// FromStore reads every run with feedback from st (see
// [offpolicy.FromStore]; specs gives the tools each run's policy saw) and
// builds the env. Unfinished runs are counted in skipped.
func FromStore(ctx context.Context, st store.Store, specs offpolicy.Specs, o Options) (*Env, []Skip, error) {
	logs, unfinished, err := offpolicy.FromStore(ctx, st, specs)
	if err != nil {
		return nil, nil, fmt.Errorf("logenv: %w", err)
	}
	e, skipped, err := New("store", logs, o)
	for i := 0; i < unfinished; i++ {
		skipped = append(skipped, Skip{"?", "unfinished run"})
	}
	return e, skipped, err
}

// Name implements env.Env.
func (e *Env) Name() string { return e.name }

// Tasks implements env.Env: one task per question, ID "q-" and a hash of
// it, with the first run's preferences and budget, in ID order.
func (e *Env) Tasks() []episode.Task { return e.tasks }

// Runs returns the IDs of the runs pooled into a task.
func (e *Env) Runs(taskID string) []string {
	if q := e.qs[taskID]; q != nil {
		return q.runs
	}
	return nil
}

// Newest is the creation time of the newest logged run New read (held
// out or not): a policy trained here has seen no run after it.
func (e *Env) Newest() time.Time { return e.newest }

// Judgments is the number of judged answers the env holds.
func (e *Env) Judgments() int { return e.judgments }

// Tools implements env.Env: the question's tools, replaying its calls.
func (e *Env) Tools(_ context.Context, task episode.Task) (*tool.Set, error) {
	q, ok := e.qs[task.ID]
	if !ok {
		return nil, fmt.Errorf("logenv: task %q is not a question of this env", task.ID)
	}
	names := make([]string, 0, len(q.specs))
	for name := range q.specs {
		if !e.observed || q.first[name] != nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	ts := make([]tool.Tool, len(names))
	for i, name := range names {
		ts[i] = &replayTool{spec: q.specs[name], byArgs: q.calls[name], first: q.first[name]}
	}
	return tool.NewSet(ts...)
}

// Score implements env.Env: the mean feedback of the runs that ended with
// the episode's answer, else 0.
func (e *Env) Score(_ context.Context, task episode.Task, ep *episode.Episode) (env.Score, error) {
	q, ok := e.qs[task.ID]
	if !ok {
		return env.Score{}, fmt.Errorf("logenv: task %q is not a question of this env", task.ID)
	}
	if ep == nil || ep.Status != episode.StatusAnswered {
		return env.Score{Detail: "no answer"}, nil
	}
	j := q.judged[strings.TrimSpace(ep.Answer)]
	if j == nil {
		return env.Score{Detail: "answer never judged in the logs"}, nil
	}
	s := j.sum / float64(j.n)
	return env.Score{Outcome: s, Correct: s >= 0.5, Detail: fmt.Sprintf("answer judged by %d run(s)' feedback", j.n)}, nil
}

// Covered reports whether every call of ep was observed in the logs.
func Covered(ep *episode.Episode) bool {
	for _, st := range ep.Steps {
		if st.Result != nil && st.Result.IsError && st.Result.Content == NotObserved {
			return false
		}
	}
	return true
}

// Value is a policy's replay on an env.
type Value struct {
	Questions int `json:"questions"`
	Covered   int `json:"covered"` // questions the logs cover the policy on
	// Accuracy is the mean score over covered questions, with a normal
	// 95% interval (per question, each weighted alike, as a test split
	// weighs them).
	Accuracy offpolicy.Interval `json:"accuracy"`
	// CostUSD is the mean cost per covered question.
	CostUSD float64 `json:"cost_usd"`
}

// Replay runs p (deterministically: pass a greedy policy) on every
// question of e, which must offer every tool (not [Options.ObservedOnly]),
// and returns its judged outcomes where the logs cover it.
func Replay(ctx context.Context, e *Env, p policy.Policy) (Value, error) {
	if e.observed {
		return Value{}, errors.New("logenv: replay needs an env offering every tool (Options.ObservedOnly unset)")
	}
	v := Value{Questions: len(e.tasks)}
	var scores []float64
	for _, task := range e.tasks {
		set, err := e.Tools(ctx, task)
		if err != nil {
			return Value{}, err
		}
		ep, err := orchestrator.Run(ctx, task, p, set, orchestrator.WithRunID("replay"))
		if err != nil {
			return Value{}, fmt.Errorf("logenv: replay %s: %w", task.ID, err)
		}
		if !Covered(ep) || ep.Status == episode.StatusFailed {
			continue
		}
		sc, err := e.Score(ctx, task, ep)
		if err != nil {
			return Value{}, err
		}
		scores = append(scores, sc.Outcome)
		v.Covered++
		v.CostUSD += ep.Cost.USD()
	}
	if v.Covered > 0 {
		v.CostUSD /= float64(v.Covered)
	}
	v.Accuracy = meanInterval(scores)
	return v, nil
}

// meanInterval is the mean of xs with a normal 95% interval.
func meanInterval(xs []float64) offpolicy.Interval {
	n := float64(len(xs))
	if n == 0 {
		return offpolicy.Interval{}
	}
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= n
	v := 0.0
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	se := 0.0
	if n > 1 {
		se = math.Sqrt(v / (n - 1) / n)
	}
	return offpolicy.Interval{Mean: m, Lo: m - offpolicy.Z95*se, Hi: m + offpolicy.Z95*se, SelfNormalised: m}
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
	if len(args) == 0 {
		return "{}"
	}
	var v any
	if json.Unmarshal(args, &v) != nil {
		return string(args)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
