package cli

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/promote"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/tool"
)

// swapPolicy is the learned policy baton serve --checkpoints runs: a
// promotion swaps it in place. Each decision reads the current one, so a
// run in flight during a promotion may finish under the new policy (each
// step logs the probability of the policy that took it).
type swapPolicy struct{ p atomic.Pointer[policy.Policy] }

func (s *swapPolicy) set(p policy.Policy) { s.p.Store(&p) }

// Decide implements policy.Policy.
func (s *swapPolicy) Decide(ctx context.Context, st *policy.State) (episode.Action, error) {
	return (*s.p.Load()).Decide(ctx, st)
}

// DecideWithProb implements policy.Prober; the probability is 0
// (unknown) when the policy does not explore.
func (s *swapPolicy) DecideWithProb(ctx context.Context, st *policy.State) (episode.Action, float64, error) {
	p := *s.p.Load()
	if pr, ok := p.(policy.Prober); ok {
		return pr.DecideWithProb(ctx, st)
	}
	a, err := p.Decide(ctx, st)
	return a, 0, err
}

// promoter reloads the checkpoints directory and swaps the policies.
type promoter struct {
	dir    *promote.Dir
	swap   *swapPolicy
	canary atomic.Pointer[policy.Policy] // nil: no candidate is being tried
	share  float64                       // of runs the canary serves
	wrap   func(policy.Policy) (policy.Policy, error)
	log    *slog.Logger
	mu     sync.Mutex
	rng    *rand.Rand
}

// forRun picks the policy of one run: the candidate being tried, for its
// share of runs, else the serving one. A run keeps its policy to the end,
// so its logged probabilities are those of one policy.
func (pr *promoter) forRun() policy.Policy {
	if c := pr.canary.Load(); c != nil {
		pr.mu.Lock()
		u := pr.rng.Float64()
		pr.mu.Unlock()
		if u < pr.share {
			return *c
		}
	}
	return pr.swap
}

// ReloadReport is the body of POST /v1/admin/reload.
type ReloadReport struct {
	Serving   string             `json:"serving"`          // "" is the base checkpoint (baton.yaml's learned policy)
	Canary    string             `json:"canary,omitempty"` // the candidate being tried on a share of runs
	Decisions []promote.Decision `json:"decisions"`
	Error     string             `json:"error,omitempty"`
}

// promoteOptions are serve's flags for a checkpoints directory.
type promoteOptions struct {
	base       *learned.Policy
	margin     float64
	confidence float64
	eps        float64
	canary     float64
	seed       uint64
}

func newPromoter(ctx context.Context, dirPath string, po promoteOptions, st store.Store, set *tool.Set, wrap func(policy.Policy) (policy.Policy, error), log *slog.Logger) (*promoter, error) {
	specs := offpolicy.SpecsOf(set)
	logs := func(ctx context.Context) ([]offpolicy.Logged, error) {
		l, _, err := offpolicy.FromStore(ctx, st, specs)
		return l, err
	}
	d, err := promote.Open(dirPath, promote.Options{Base: po.base, Margin: po.margin, Confidence: po.confidence, Eps: po.eps, Canary: po.canary, Logs: logs})
	if err != nil {
		return nil, err
	}
	pr := &promoter{dir: d, swap: &swapPolicy{}, share: po.canary, wrap: wrap, log: log, rng: rand.New(rand.NewPCG(po.seed, po.seed^0x63616e617279))}
	name, p, err := d.Serving()
	if err != nil {
		return nil, err
	}
	wp, err := wrap(p)
	if err != nil {
		return nil, err
	}
	pr.swap.set(wp)
	log.Info("serving checkpoint", "checkpoint", orDefault(name))
	if po.canary > 0 {
		cname, cp, err := d.Canary()
		if err != nil {
			return nil, err
		}
		if cp != nil {
			if err := pr.setCanary(cp); err != nil {
				return nil, err
			}
			log.Info("trying checkpoint", "checkpoint", cname, "share", po.canary)
		}
	}
	if rep := pr.reload(ctx); rep.Error != "" {
		return nil, fmt.Errorf("serve: --checkpoints: %s", rep.Error)
	}
	return pr, nil
}

func orDefault(name string) string {
	if name == "" {
		return "(base checkpoint)"
	}
	return name
}

// reload judges the candidates and swaps in the promoted policy; on an
// error it keeps serving what it served.
func (pr *promoter) reload(ctx context.Context) ReloadReport {
	decs, st, err := pr.dir.Reload(ctx)
	rep := ReloadReport{Serving: st.Serving, Canary: st.Canary, Decisions: decs}
	if rep.Decisions == nil {
		rep.Decisions = []promote.Decision{}
	}
	for _, d := range decs {
		switch d.Status {
		case promote.StatusPromoted:
			pr.log.Info("checkpoint promoted", "candidate", d.Candidate, "reason", d.Reason)
		case promote.StatusTrying:
			pr.log.Info("checkpoint being tried on a share of runs", "candidate", d.Candidate, "share", pr.share, "reason", d.Reason)
		default:
			pr.log.Warn("checkpoint refused; still serving the current one", "candidate", d.Candidate, "reason", d.Reason)
		}
	}
	if err != nil {
		rep.Error = err.Error()
		pr.log.Error("reload failed; still serving the current checkpoint", "err", err)
		return rep
	}
	wp, err := pr.wrap(st.Policy)
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	pr.swap.set(wp)
	if st.CanaryPolicy == nil {
		pr.canary.Store(nil)
	} else if err := pr.setCanary(st.CanaryPolicy); err != nil {
		rep.Error = err.Error()
	}
	return rep
}

// setCanary starts trying p on the canary share of runs.
func (pr *promoter) setCanary(p *learned.Policy) error {
	wp, err := pr.wrap(p)
	if err != nil {
		return err
	}
	pr.canary.Store(&wp)
	return nil
}

// handler serves POST /v1/admin/reload, authenticated by the admin token.
func (pr *promoter) handler(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/admin/reload" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if token == "" || !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintln(w, `{"error":{"message":"POST /v1/admin/reload needs Authorization: Bearer <the --admin-token baton serve was started with>"}}`)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			w.WriteHeader(http.StatusMethodNotAllowed)
			fmt.Fprintln(w, `{"error":{"message":"use POST"}}`)
			return
		}
		rep := pr.reload(r.Context())
		if rep.Error != "" {
			w.WriteHeader(http.StatusInternalServerError)
		}
		_ = json.NewEncoder(w).Encode(rep)
	})
}
