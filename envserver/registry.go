package envserver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/batonhq/baton/env"
)

// Opener constructs an environment.
type Opener func(ctx context.Context) (env.Env, error)

// PrefixOpener constructs an environment from the text after a prefix.
type PrefixOpener func(ctx context.Context, arg string) (env.Env, error)

// Registry maps environment names to constructors. Each env is opened
// once, on first use, and shared by all sessions (env.Env hands every
// session its own tools). A failed open is retried on the next use.
type Registry struct {
	mu       sync.Mutex
	openers  map[string]entry[Opener]
	prefixes map[string]entry[PrefixOpener]
	open     map[string]*opening
}

type entry[F any] struct {
	desc string
	fn   F
}

type opening struct {
	done chan struct{}
	env  env.Env
	err  error
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{openers: map[string]entry[Opener]{}, prefixes: map[string]entry[PrefixOpener]{}, open: map[string]*opening{}}
}

// ErrUnknownEnv is wrapped when a name matches no registration.
var ErrUnknownEnv = errors.New("envserver: unknown env")

// Register adds an environment by exact name. It panics on an empty or
// duplicate name.
func (r *Registry) Register(name, desc string, fn Opener) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "" || fn == nil {
		panic("envserver: Register with empty name or nil opener")
	}
	if _, dup := r.openers[name]; dup {
		panic("envserver: Register called twice for " + name)
	}
	r.openers[name] = entry[Opener]{desc, fn}
}

// RegisterPrefix adds a family of environments named prefix+arg, e.g.
// "synth:" + a directory. It panics on an empty or duplicate prefix.
func (r *Registry) RegisterPrefix(prefix, desc string, fn PrefixOpener) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if prefix == "" || fn == nil {
		panic("envserver: RegisterPrefix with empty prefix or nil opener")
	}
	if _, dup := r.prefixes[prefix]; dup {
		panic("envserver: RegisterPrefix called twice for " + prefix)
	}
	r.prefixes[prefix] = entry[PrefixOpener]{desc, fn}
}

// List returns the registrations sorted by name.
func (r *Registry) List() []EnvInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []EnvInfo
	for n, e := range r.openers {
		out = append(out, EnvInfo{Name: n, Description: e.desc})
	}
	for p, e := range r.prefixes {
		out = append(out, EnvInfo{Name: p, Description: e.desc, Prefix: true})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Open returns the environment called name, opening it on first use.
// Concurrent first uses wait for one open.
func (r *Registry) Open(ctx context.Context, name string) (env.Env, error) {
	r.mu.Lock()
	if o, ok := r.open[name]; ok {
		r.mu.Unlock()
		select {
		case <-o.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if o.err == nil {
			return o.env, nil
		}
		return r.Open(ctx, name) // the failed open was removed; try again
	}
	fn, err := r.resolveLocked(name)
	if err != nil {
		r.mu.Unlock()
		return nil, err
	}
	o := &opening{done: make(chan struct{})}
	r.open[name] = o
	r.mu.Unlock()

	o.env, o.err = fn(ctx)
	if o.err != nil {
		o.err = fmt.Errorf("envserver: open %s: %w", name, o.err)
		r.mu.Lock()
		delete(r.open, name)
		r.mu.Unlock()
	}
	close(o.done)
	return o.env, o.err
}

func (r *Registry) resolveLocked(name string) (Opener, error) {
	if e, ok := r.openers[name]; ok {
		return e.fn, nil
	}
	best := ""
	for p := range r.prefixes {
		if strings.HasPrefix(name, p) && len(p) > len(best) {
			best = p
		}
	}
	if best != "" {
		arg, fn := name[len(best):], r.prefixes[best].fn
		if arg == "" {
			return nil, fmt.Errorf("%w %q: the prefix %q needs an argument after it", ErrUnknownEnv, name, best)
		}
		return func(ctx context.Context) (env.Env, error) { return fn(ctx, arg) }, nil
	}
	var names []string
	for n := range r.openers {
		names = append(names, n)
	}
	for p := range r.prefixes {
		names = append(names, p+"…")
	}
	sort.Strings(names)
	return nil, fmt.Errorf("%w %q; registered: %s", ErrUnknownEnv, name, strings.Join(names, ", "))
}
