package tool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton/money"
)

// Set is the tools available to one run, by name. It validates arguments
// against each tool's schema before calling, bounds each call with its
// timeout, measures latency, prices the call, and turns a panic inside a tool
// into an error Result. A Set is safe for concurrent use once built.
type Set struct {
	byName map[string]*entry
	names  []string
}

type entry struct {
	tool   Tool
	spec   Spec
	schema *Schema
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)

// NewSet builds a Set. Names must be valid and unique and schemas must
// compile.
func NewSet(tools ...Tool) (*Set, error) {
	s := &Set{byName: map[string]*entry{}}
	for _, t := range tools {
		if err := s.add(t); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Set) add(t Tool) error {
	spec := t.Spec()
	if !nameRE.MatchString(spec.Name) {
		return fmt.Errorf("tool: invalid name %q: use 1-64 letters, digits, '_', '-' or '.'", spec.Name)
	}
	if _, dup := s.byName[spec.Name]; dup {
		return fmt.Errorf("tool: two tools are named %q; give one another name in baton.yaml", spec.Name)
	}
	sch, err := CompileSchema(spec.Parameters)
	if err != nil {
		return fmt.Errorf("tool %s: %w", spec.Name, err)
	}
	s.byName[spec.Name] = &entry{tool: t, spec: spec, schema: sch}
	s.names = append(s.names, spec.Name)
	sort.Strings(s.names)
	return nil
}

// Names returns the tool names in sorted order.
func (s *Set) Names() []string { return append([]string(nil), s.names...) }

// Len returns the number of tools.
func (s *Set) Len() int { return len(s.names) }

// Specs returns the specs in name order.
func (s *Set) Specs() []Spec {
	out := make([]Spec, len(s.names))
	for i, n := range s.names {
		out[i] = s.byName[n].spec
	}
	return out
}

// Get returns the tool named name, or an error wrapping [ErrUnknownTool]
// that lists the available names.
func (s *Set) Get(name string) (Tool, error) {
	e, ok := s.byName[name]
	if !ok {
		return nil, s.unknown(name)
	}
	return e.tool, nil
}

// Spec returns the spec of the tool named name.
func (s *Set) Spec(name string) (Spec, bool) {
	e, ok := s.byName[name]
	if !ok {
		return Spec{}, false
	}
	return e.spec, true
}

func (s *Set) unknown(name string) error {
	return fmt.Errorf("%w %q; available tools: %s", ErrUnknownTool, name, strings.Join(s.names, ", "))
}

// Subset returns a Set with only the named tools; an empty list means all.
func (s *Set) Subset(names []string) (*Set, error) {
	if len(names) == 0 {
		return s, nil
	}
	sub := &Set{byName: map[string]*entry{}}
	for _, n := range names {
		e, ok := s.byName[n]
		if !ok {
			return nil, s.unknown(n)
		}
		if _, dup := sub.byName[n]; dup {
			continue
		}
		sub.byName[n] = e
		sub.names = append(sub.names, n)
	}
	sort.Strings(sub.names)
	return sub, nil
}

// Validate checks args against the named tool's schema.
func (s *Set) Validate(name string, args json.RawMessage) error {
	e, ok := s.byName[name]
	if !ok {
		return s.unknown(name)
	}
	if err := e.schema.Validate(args); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Prepared is a call whose tool was found and whose arguments passed the
// schema, ready to be bounded and run. The orchestrator prepares a call,
// reserves its worst case, then runs it, validating only once.
type Prepared struct {
	e    *entry
	args json.RawMessage
}

// Prepare looks up the named tool and validates args against its schema.
// The error wraps [ErrUnknownTool] or [ErrInvalidArgs] and says what is
// wrong in terms the policy can act on.
func (s *Set) Prepare(name string, args json.RawMessage) (*Prepared, error) {
	e, ok := s.byName[name]
	if !ok {
		return nil, s.unknown(name)
	}
	if len(args) == 0 {
		args = json.RawMessage("{}")
	}
	if err := e.schema.Validate(args); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Prepared{e: e, args: args}, nil
}

// Tool returns the prepared call's tool.
func (p *Prepared) Tool() Tool { return p.e.tool }

// Args returns the validated arguments.
func (p *Prepared) Args() json.RawMessage { return p.args }

// MaxCost returns the call's worst-case cost ([WorstCase]).
func (p *Prepared) MaxCost() (money.Amount, error) { return WorstCase(p.e.tool, p.args) }

// Call validates args and calls the named tool. Failures the caller's
// policy can correct (unknown tool, invalid arguments, a tool error, a
// timeout of the call) come back as an error Result with a nil error. A
// non-nil error means the run itself should stop: its context was cancelled.
//
// The Result's Latency is measured here and its Cost computed from the
// tool's price and usage, unless the tool reported them (a replay of a
// recorded call does).
func (s *Set) Call(ctx context.Context, name string, args json.RawMessage) (*Result, error) {
	p, err := s.Prepare(name, args)
	if err != nil {
		return &Result{Content: err.Error(), IsError: true, Unbilled: true}, nil
	}
	return p.Run(ctx)
}

// Run calls the prepared tool under its timeout; see [Set.Call].
func (p *Prepared) Run(ctx context.Context) (*Result, error) { return Invoke(ctx, p.e.tool, p.args) }

// Invoke calls t once with args (already validated) under its resolved
// [Limits]: the call's context ends at Limits().Timeout, a panic becomes an
// error Result, and the Result's Latency and Cost are filled in unless the
// tool reported them. A failure of the call itself comes back as an error
// Result; the error is non-nil only when ctx ended, and then what the call
// cost is unknown. It is the one place a call runs, whether through a [Set]
// or a budget guard.
func Invoke(ctx context.Context, t Tool, args json.RawMessage) (*Result, error) {
	spec := t.Spec()
	name := spec.Name
	timeout := spec.Limits().Timeout
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	res, err := safeCall(cctx, t, args)
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("tool %s: %w", name, ctx.Err())
		}
		if errors.Is(err, context.DeadlineExceeded) || cctx.Err() != nil {
			res = &Result{Content: fmt.Sprintf("%s: timed out after %s", name, timeout), IsError: true}
			// Cut off mid-way, it may have been billed for work whose
			// usage never came back: charge its worst case, not nothing.
			if w, werr := WorstCase(t, args); werr == nil {
				res.Cost = w
			}
		} else {
			res = &Result{Content: fmt.Sprintf("%s: %v", name, err), IsError: true}
		}
	}
	if res == nil {
		res = &Result{Content: fmt.Sprintf("%s: returned no result", name), IsError: true}
	}
	if res.Latency == 0 {
		// A tool that knows its latency (a recorded replay) keeps it.
		res.Latency = elapsed
	}
	if res.Cost == 0 && !res.Unbilled {
		res.Cost = spec.Cost(res.Usage, elapsed)
	}
	return res, nil
}

func safeCall(ctx context.Context, t Tool, args json.RawMessage) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			slog.Error("tool panicked", "tool", t.Spec().Name, "panic", r, "stack", string(debug.Stack()))
			res, err = &Result{Content: fmt.Sprintf("%s: internal error (panic: %v)", t.Spec().Name, r), IsError: true}, nil
		}
	}()
	return t.Call(ctx, args)
}

// Close closes every tool that implements io.Closer and joins their errors.
func (s *Set) Close() error {
	var errs []error
	for _, n := range s.names {
		if c, ok := s.byName[n].tool.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}
