package qa

import (
	"context"
	"errors"
	"fmt"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/tool"
)

// Options configure an [Env].
type Options struct {
	// Name is the set's name in reports, e.g. "frames".
	Name string
	// Items are the questions, in order.
	Items []Item
	// Tools are the tools of every rollout (models, search, code).
	Tools *tool.Set
	// Judge grades answers no shortcut decides; nil grades by exact and
	// numeric match only.
	Judge *Judge
}

// Env is a question set as an [env.Env].
type Env struct {
	name  string
	items []Item
	byID  map[string]int
	tools *tool.Set
	judge *Judge
}

var _ env.Env = (*Env)(nil)

// New checks o and returns the environment.
func New(o Options) (*Env, error) {
	if len(o.Items) == 0 {
		return nil, errors.New("qa: no questions; load a set with LoadFRAMES or LoadFile")
	}
	if o.Tools == nil || len(o.Tools.Names()) == 0 {
		return nil, errors.New("qa: no tools; configure models (and search or code tools) in baton.yaml")
	}
	e := &Env{name: o.Name, items: o.Items, byID: map[string]int{}, tools: o.Tools, judge: o.Judge}
	if e.name == "" {
		e.name = "qa"
	}
	for i, it := range o.Items {
		if _, dup := e.byID[it.ID]; dup {
			return nil, fmt.Errorf("%w: id %q appears twice", ErrBadSet, it.ID)
		}
		e.byID[it.ID] = i
	}
	return e, nil
}

// Name returns the set's name.
func (e *Env) Name() string { return e.name }

// Judge returns the environment's judge, nil when it has none.
func (e *Env) Judge() *Judge { return e.judge }

// Tasks returns one task per question, the question as its prompt.
func (e *Env) Tasks() []episode.Task {
	out := make([]episode.Task, len(e.items))
	for i, it := range e.items {
		out[i] = episode.Task{ID: it.ID, Prompt: it.Question}
	}
	return out
}

// Tools returns the shared tools, restricted to task.Tools when given.
func (e *Env) Tools(_ context.Context, t episode.Task) (*tool.Set, error) {
	if len(t.Tools) > 0 {
		return e.tools.Subset(t.Tools)
	}
	return e.tools, nil
}

// Score grades the episode's answer (see the package doc). The breakdown
// names the rule that decided: "exact", "judge", "judge_error" or
// "unanswered".
func (e *Env) Score(ctx context.Context, t episode.Task, ep *episode.Episode) (env.Score, error) {
	i, ok := e.byID[t.ID]
	if !ok {
		return env.Score{}, fmt.Errorf("qa: %s has no question %q", e.name, t.ID)
	}
	it := e.items[i]
	if ep == nil || ep.Status != episode.StatusAnswered {
		status := "no episode"
		if ep != nil {
			status = string(ep.Status)
		}
		return env.Score{Breakdown: map[string]float64{"unanswered": 1}, Detail: "not answered: " + status}, nil
	}
	verdict, rule := Precheck(ep.Answer, it.Answer)
	switch verdict {
	case Right:
		return env.Score{Outcome: 1, Correct: true, Breakdown: map[string]float64{"exact": 1}, Detail: rule}, nil
	case Wrong:
		return env.Score{Breakdown: map[string]float64{"exact": 0}, Detail: rule}, nil
	}
	if e.judge == nil {
		return env.Score{Breakdown: map[string]float64{"exact": 0}, Detail: "no exact match, and no judge configured"}, nil
	}
	correct, err := e.judge.Grade(ctx, it.Question, ep.Answer, it.Answer)
	if err != nil {
		if ctx.Err() != nil {
			return env.Score{}, err
		}
		return env.Score{Breakdown: map[string]float64{"judge_error": 1}, Detail: "ungraded: " + err.Error()}, nil
	}
	sc := env.Score{Breakdown: map[string]float64{"judge": 0}, Detail: "judge: false"}
	if correct {
		sc = env.Score{Outcome: 1, Correct: true, Breakdown: map[string]float64{"judge": 1}, Detail: "judge: true"}
	}
	return sc, nil
}
