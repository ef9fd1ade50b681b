package env

import (
	"context"
	"fmt"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/tool"
)

// view is an Env restricted to some tasks and without some tools.
type view struct {
	Env
	name   string
	tasks  []episode.Task
	hidden map[string]bool
}

// Split divides e's tasks deterministically by position: every k-th task
// (index i with i%k == k-1) goes to the second env, the rest to the first.
// It is how a source without its own split gets a held-out part.
func Split(e Env, k int) (rest, held Env) {
	var a, b []episode.Task
	for i, t := range e.Tasks() {
		if k > 1 && i%k == k-1 {
			b = append(b, t)
		} else {
			a = append(a, t)
		}
	}
	return &view{Env: e, name: e.Name() + ":rest", tasks: a}, &view{Env: e, name: e.Name() + ":held", tasks: b}
}

// WithoutTools hides the named tools from every task of e, so a policy can
// be trained without some models and evaluated with them.
func WithoutTools(e Env, names ...string) Env {
	if len(names) == 0 {
		return e
	}
	h := map[string]bool{}
	for _, n := range names {
		h[n] = true
	}
	return &view{Env: e, name: e.Name(), tasks: e.Tasks(), hidden: h}
}

func (v *view) Name() string          { return v.name }
func (v *view) Tasks() []episode.Task { return v.tasks }

func (v *view) Tools(ctx context.Context, t episode.Task) (*tool.Set, error) {
	set, err := v.Env.Tools(ctx, t)
	if err != nil || len(v.hidden) == 0 {
		return set, err
	}
	var keep []string
	for _, n := range set.Names() {
		if !v.hidden[n] {
			keep = append(keep, n)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("env: every tool of task %s is hidden", t.ID)
	}
	return set.Subset(keep)
}

// WithSpecs shows e's tools under the given specs (matched by name; tools
// without one keep theirs): the calls are e's, what a policy reads about
// the tools is what a deployment declared. It is how a policy serving
// declared tools is measured on a replay of the same models.
func WithSpecs(e Env, specs []tool.Spec) Env {
	by := make(map[string]tool.Spec, len(specs))
	for _, s := range specs {
		by[s.Name] = s
	}
	return &respec{Env: e, specs: by}
}

type respec struct {
	Env
	specs map[string]tool.Spec
}

func (r *respec) Tools(ctx context.Context, t episode.Task) (*tool.Set, error) {
	set, err := r.Env.Tools(ctx, t)
	if err != nil {
		return nil, err
	}
	ts := make([]tool.Tool, 0, len(set.Names()))
	for _, n := range set.Names() {
		tl, err := set.Get(n)
		if err != nil {
			return nil, err
		}
		if s, ok := r.specs[n]; ok {
			tl = specTool{Tool: tl, spec: s}
		}
		ts = append(ts, tl)
	}
	return tool.NewSet(ts...)
}

// specTool is a tool shown under another spec.
type specTool struct {
	tool.Tool
	spec tool.Spec
}

func (s specTool) Spec() tool.Spec { return s.spec }
