package domain

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/tool"
)

// Env is a domain as an [env.Env]. Each Tools call starts a new [Session]
// (a fresh database); Score rebuilds the episode's final database by
// replaying its successful state-changing tool calls on a fresh database,
// as tau2 rebuilds the predicted environment from the trajectory, so no
// session has to be looked up and concurrent rollouts of one task cannot be
// confused.
type Env struct {
	d     *Domain
	tasks []episode.Task
}

var _ env.Env = (*Env)(nil)

// NewEnv returns the domain's tasks in split (tau2's split_tasks.json
// names, e.g. "train", "test"; "" means every task) as an [env.Env].
func NewEnv(d *Domain, split string) (*Env, error) {
	e := &Env{d: d}
	var ids []string
	if split == "" {
		for _, t := range d.Tasks {
			ids = append(ids, t.ID)
		}
	} else {
		var ok bool
		if ids, ok = d.Splits[split]; !ok {
			names := make([]string, 0, len(d.Splits))
			for n := range d.Splits {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("domain: %s has no split %q; splits: %s", d.Name(), split, strings.Join(names, ", "))
		}
	}
	for _, id := range ids {
		t, ok := d.Task(id)
		if !ok {
			continue // split files may name held-out tasks
		}
		e.tasks = append(e.tasks, episode.Task{ID: t.ID, Prompt: d.Prompt(t)})
	}
	return e, nil
}

// Prompt is the task as an orchestrator sees it: the agent policy, then
// the customer's request.
func (d *Domain) Prompt(t *Task) string {
	return strings.TrimSpace(d.Policy) + "\n\n# Customer request\n\n" + t.Prompt()
}

// Domain returns the underlying domain.
func (e *Env) Domain() *Domain { return e.d }

// Name implements env.Env: "tau2-<domain>".
func (e *Env) Name() string { return "tau2-" + e.d.Name() }

// Tasks implements env.Env.
func (e *Env) Tasks() []episode.Task { return e.tasks }

func (e *Env) task(t episode.Task) (*Task, error) {
	dt, ok := e.d.Task(t.ID)
	if !ok {
		return nil, fmt.Errorf("domain: %s has no task %q", e.d.Name(), t.ID)
	}
	return dt, nil
}

// Tools implements env.Env: a new session's tools.
func (e *Env) Tools(ctx context.Context, t episode.Task) (*tool.Set, error) {
	dt, err := e.task(t)
	if err != nil {
		return nil, err
	}
	s, err := e.d.NewSession(ctx, dt)
	if err != nil {
		return nil, err
	}
	return s.Set(), nil
}

// Score implements env.Env. The agent's words to the user are the
// episode's answer (an orchestrator episode has one final message).
func (e *Env) Score(ctx context.Context, t episode.Task, ep *episode.Episode) (env.Score, error) {
	dt, err := e.task(t)
	if err != nil {
		return env.Score{}, err
	}
	s, err := e.d.NewSession(ctx, dt)
	if err != nil {
		return env.Score{}, err
	}
	for _, st := range ep.Steps {
		a := st.Action
		if a.Final || a.Tool == "" || st.Result == nil || !s.Mutates(a.Tool) {
			continue
		}
		if _, err := s.Call(ctx, a.Tool, a.Args); err != nil {
			return env.Score{}, fmt.Errorf("domain: replay %s: %w", a.Tool, err)
		}
	}
	var texts []string
	if ep.Answer != "" {
		texts = append(texts, ep.Answer)
	}
	v, err := e.d.Evaluate(ctx, dt, s, texts)
	if err != nil {
		return env.Score{}, err
	}
	sc := env.Score{Outcome: v.Reward, Correct: v.Reward >= 1, Breakdown: map[string]float64{}}
	for k, x := range v.Breakdown {
		sc.Breakdown[strings.ToLower(k)] = x
	}
	var detail []string
	if !v.DBMatch {
		detail = append(detail, "final database differs from the gold one")
	}
	if len(v.Missing) > 0 {
		detail = append(detail, fmt.Sprintf("not communicated: %q", v.Missing))
	}
	if len(v.GoldErrors) > 0 {
		detail = append(detail, "gold replay errors: "+strings.Join(v.GoldErrors, "; "))
	}
	sc.Detail = strings.Join(detail, "; ")
	return sc, nil
}
