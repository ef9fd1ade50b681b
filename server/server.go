package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/httplimit"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/tool"
)

// DefaultMaxBodyBytes bounds a request body when Options.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// Options configures a [Server]. Store is required; everything else has a
// default.
type Options struct {
	// Store holds keys, budgets, runs and events.
	Store store.Store
	// Tools are what orchestrated runs may call; nil means none, and only
	// pass-through models are served.
	Tools *tool.Set
	// Models are served as pass-through models by name.
	Models []Model
	// Policy builds (or returns a cached) policy by kind name; its result
	// must be safe for concurrent runs. Nil means [policy.New] with an
	// empty config, cached per name.
	Policy func(ctx context.Context, name string) (policy.Policy, error)
	// DefaultPolicy is what model "baton" runs; default "cheapest".
	DefaultPolicy string
	// DefaultBudget applies to every run; a request may only tighten it.
	DefaultBudget episode.Budget
	// Logger receives structured logs; nil means slog.Default().
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Registry receives the metrics and is served at /metrics; nil means a
	// new registry with the Go and process collectors.
	Registry *prometheus.Registry
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// BudgetLease, when above zero, makes each key reserve its budget in
	// leases of this size and serve calls from them in memory (see
	// budget.Leased): one ledger write per lease instead of one per call.
	// A crash may then over-charge a key by the unspent part of its open
	// lease (the sweep charges holds in full); a revoked key or a raised
	// budget takes effect within LeaseFlush. 0 reserves each call in the
	// store.
	BudgetLease money.Amount
	// LeaseFlush bounds a lease's life; 0 means DefaultLeaseFlush.
	LeaseFlush time.Duration
	// Judge, when not nil, scores a sample of answered runs with an LLM
	// judge in the background (see [Judge]); its Tool must be in Tools.
	Judge *Judge
}

var _ http.Handler = (*Server)(nil)

// Server is the HTTP API. Build it with [New].
type Server struct {
	store         store.Store
	tools         *tool.Set
	models        map[string]*Model
	modelNames    []string
	policy        func(ctx context.Context, name string) (policy.Policy, error)
	defaultPolicy string
	defaultBudget episode.Budget
	log           *slog.Logger
	maxBody       int64
	registry      *prometheus.Registry
	metrics       *metrics
	limiter       *limiter
	auth          *authCache
	now           func() time.Time
	runs          *manager
	draining      atomic.Bool
	leases        *leases // nil: calls reserve in the store
	judge         *judge  // nil: no judge
	handler       http.Handler
}

// New builds a server. It has no side effects: nothing listens until the
// handler is served.
func New(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("server: Options.Store is required")
	}
	s := &Server{
		store: o.Store, tools: o.Tools, policy: o.Policy, defaultPolicy: o.DefaultPolicy,
		defaultBudget: o.DefaultBudget, log: o.Logger, maxBody: o.MaxBodyBytes, registry: o.Registry, now: o.Now,
		models: map[string]*Model{},
	}
	if s.tools == nil {
		s.tools, _ = tool.NewSet()
	}
	if o.BudgetLease < 0 {
		return nil, fmt.Errorf("server: Options.BudgetLease %s is negative (0 turns leases off)", o.BudgetLease)
	}
	if o.BudgetLease > 0 {
		s.leases = &leases{size: o.BudgetLease, flush: o.LeaseFlush, byKey: map[string]*budget.Leased{}}
		if s.leases.flush <= 0 {
			s.leases.flush = DefaultLeaseFlush
		}
	}
	if s.defaultPolicy == "" {
		s.defaultPolicy = "cheapest"
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
		s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if s.policy == nil {
		s.policy = cachedPolicies(func(ctx context.Context, name string) (policy.Policy, error) {
			return policy.New(ctx, name, policy.Config{})
		})
	}
	for i := range o.Models {
		m := o.Models[i]
		if m.Name == "" || m.Client == nil {
			return nil, fmt.Errorf("server: Models[%d] needs a name and a client", i)
		}
		if isBatonModel(m.Name) {
			return nil, fmt.Errorf("server: model name %q is reserved for the orchestrator", m.Name)
		}
		if _, dup := s.models[m.Name]; dup {
			return nil, fmt.Errorf("server: two models are named %q", m.Name)
		}
		if m.MaxTokens <= 0 {
			return nil, fmt.Errorf("server: model %q needs MaxTokens > 0 to bound its cost", m.Name)
		}
		s.models[m.Name] = &m
		s.modelNames = append(s.modelNames, m.Name)
	}
	sort.Strings(s.modelNames)
	var err error
	s.metrics = newMetrics(s.registry)
	s.limiter = newLimiter(s.now)
	s.auth = newAuthCache()
	s.runs = newManager(s)
	if s.judge, err = newJudge(s, o.Judge); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Shutdown stops accepting runs (new requests that would start one get
// 503, /readyz fails), waits for running ones until ctx ends, then cancels
// the rest and waits for them to be recorded; then it does the same for
// the judge's judgments in flight (none starts after). Call it after (or
// together with) http.Server.Shutdown; it does not close the store.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	err := s.runs.drain(ctx)
	// Runs that ended may have started judgments: wait for them (or
	// cancel them at the deadline) before the leases they pay from close.
	err = errors.Join(err, s.judge.drain(ctx))
	// Every call is settled (or cut off and charged): settle the leases.
	s.leases.close(s.log)
	return err
}

// cachedPolicies builds each policy once.
func cachedPolicies(build func(ctx context.Context, name string) (policy.Policy, error)) func(context.Context, string) (policy.Policy, error) {
	var (
		mu    sync.Mutex
		cache = map[string]policy.Policy{}
	)
	return func(ctx context.Context, name string) (policy.Policy, error) {
		mu.Lock()
		defer mu.Unlock()
		if p, ok := cache[name]; ok {
			return p, nil
		}
		p, err := build(ctx, name)
		if err != nil {
			return nil, err
		}
		cache[name] = p
		return p, nil
	}
}

// CachedPolicies returns an Options.Policy that builds each policy once
// with build (e.g. policy.New with the config's options).
func CachedPolicies(build func(ctx context.Context, name string) (policy.Policy, error)) func(context.Context, string) (policy.Policy, error) {
	return cachedPolicies(build)
}

// isBatonModel reports whether name selects the orchestrator.
func isBatonModel(name string) bool { return name == "baton" || strings.HasPrefix(name, "baton:") }

// limitBody bounds r's body; reading past the limit fails with
// *http.MaxBytesError, answered as 413.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request) io.Reader {
	return http.MaxBytesReader(w, r.Body, s.maxBody)
}

// Limits returns the connection, timeout and body bounds the server is
// meant to be served with (see package httplimit), with its own body
// limit. The caller sets the connection caps. Handlers read bodies after
// authentication; a body that is too slow is answered 408, too large 413.
func (s *Server) Limits() httplimit.Limits {
	return httplimit.Limits{MaxBodyBytes: s.maxBody}
}
