package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/httplimit"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/explore"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/promote"
	"github.com/batonhq/baton/server"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/storeopen"
	"github.com/batonhq/baton/tool"
)

func init() {
	register(Command{Name: "serve", Short: "serve the OpenAI-compatible API (orchestrator and metered models)", Run: runServe})
}

const serveAbout = `Serves Baton over HTTP. POST /v1/chat/completions speaks OpenAI's chat
completions API: model "baton" (or "baton:<policy>") runs the orchestrator
over the configured tools; any configured model name (an llm.openai or
llm.anthropic tool in baton.yaml) is passed straight through, metered and
charged to the caller's key. Also: GET /v1/models, POST /v1/runs,
GET /v1/runs/{id}, GET /v1/runs/{id}/events (SSE), POST /v1/runs/{id}/cancel,
POST /v1/runs/{id}/feedback ({"score": 0..1, "text": ...}, one per run; also
/v1/chat/completions/{id}/feedback), /metrics, /healthz, /readyz.

--explore EPS makes the learned policy explore: each turn it takes its greedy
action with probability 1-EPS and a uniformly drawn candidate otherwise
(every model gets tried), and the exact probability of the action taken is
stored on the run's step ("prob"), so logged traffic supports off-policy
evaluation (baton eval --from-store).

--checkpoints DIR serves the learned policy from a checkpoints directory:
the last checkpoint promoted there (before any, baton.yaml's learned policy:
policies: {learned: {checkpoint: FILE or embedded:SOURCE}}). Put a
candidate (baton train --from-store ... --out FILE) in DIR/candidates/ and
send SIGHUP, or POST /v1/admin/reload with "Authorization: Bearer TOKEN"
(TOKEN is --admin-token; API keys cannot reload: a separate secret keeps
tenants from changing the policy everyone is served). Each candidate is
judged on the store's runs with feedback that it never trained on: those
of a fixed fifth of questions baton train --from-store never trains on,
and those of questions first asked after its training. Both policies,
deciding greedily, are estimated by inverse propensity scoring
(self-normalised, weights clipped at 10) and their gain paired over the
same runs. It is promoted only if its gain is at least --promote-margin
and the gain's one-sided lower bound at --promote-confidence (default 0.95)
is above zero; it is refused if the upper bound is below the margin;
otherwise the server keeps serving and says why (in the log and the
response body; a replay estimate is recorded beside it). Every decision is
appended, fsynced, to DIR/promotions.jsonl (it survives kill -9); judged
files move to DIR/promoted/ or DIR/refused/.

--canary SHARE first tries each candidate on live traffic: on a reload the
newest candidate moves to DIR/canary/ (older waiting ones are superseded)
and serves SHARE of runs, with the same exploration and logging; each later
reload judges it as above, now with its own runs in the logs, and tries it
on while unproven, at most 3 reloads that bring new runs (a restart is
not a try), as long as it looks promising or
nothing newer waits. Logs of a policy that never called the candidate's
models cannot show what the candidate would do; its own runs can.

An LLM judge, configured in baton.yaml, scores a sample of answered runs in
the background (the client's response never waits for it):
  judge:
    tool: gpt-4o-mini   # a declared llm.openai / llm.anthropic tool, by name
    sample: 0.1         # fraction of answered runs judged, in (0, 1]; by a hash of the run ID
    max_cost: 0.01      # optional: a judgment whose worst case is above this is not made
The judgment is reserved and charged on the run's key like any call (a key
without the budget left is refused it); its score is stored as the run's
feedback with "source": "judge" and its cost apart ("judge_cost" on GET
/v1/runs/{id}/feedback, baton_judge_cost_usd_total in /metrics). A reply
that is not a number from 0 to 1 alone, a model error or a timeout stores
nothing (logged; baton_judgments_total by outcome). A user's feedback
replaces a judge's; a judge's never replaces a user's. Judgments a killed
process never made are made by the next one (at start and every minute, the
answered runs of the last day without feedback whose replica is gone; each
by one replica only).

Every API request needs a key ("Authorization: Bearer <key>"), created with
"baton keys create --db <same db>". Budgets are reserved in the database
before every paid call, so several replicas sharing one Postgres database
never overspend a key. One server at a time may use a SQLite file (a second
one is refused, naming the first); "baton keys" may run beside it. Each
replica heartbeats into the database; a replica killed mid-call is settled
by the others within about --heartbeat-ttl: its open holds are charged in
full (the calls may have been billed upstream), never released.

Examples:
  baton serve
  baton serve --addr 0.0.0.0:8080 --db postgres://baton@db/baton
  curl -H "Authorization: Bearer $BATON_KEY" localhost:8080/v1/chat/completions \
    -d '{"model":"baton","messages":[{"role":"user","content":"2^200 mod 1000000007"}]}'`

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "serve", "serve [flags]", serveAbout)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	cfgPath := configFlag(fs)
	db := dbFlag(fs)
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	shutdownTimeout := fs.Duration("shutdown-timeout", 30*time.Second, "on SIGINT/SIGTERM, how long running requests may finish before they are cancelled")
	heartbeatTTL := fs.Duration("heartbeat-ttl", store.DefaultHeartbeatTTL, "a replica silent for longer than this is taken for dead: any live replica charges its open holds in full "+
		"and marks its runs interrupted (at least "+store.MinHeartbeatTTL.String()+"; each replica heartbeats every quarter of it)")
	lease := fs.String("budget-lease", "0", "USD: each key reserves its budget in leases of this size and serves calls from them in memory, "+
		"one ledger write per lease instead of per call (0, the default, reserves every call in the database); "+
		"a crash may over-charge a key by the unspent part of its open lease, and a revocation or new budget takes effect within a second")
	maxBody := fs.Int64("max-body", server.DefaultMaxBodyBytes, "largest request body in bytes")
	maxConns := fs.Int("max-conns", httplimit.DefaultMaxConns, "connections open at once, in total (past it: 503)")
	maxConnsPerClient := fs.Int("max-conns-per-client", httplimit.DefaultMaxConnsPerClient, "connections open at once per client IP address")
	bodyTimeout := fs.Duration("body-timeout", httplimit.DefaultBodyTimeout, "a request body must arrive within this (past it: 408)")
	idleTimeout := fs.Duration("idle-timeout", httplimit.DefaultIdleTimeout, "an idle keep-alive connection is closed after this")
	exploreRate := fs.Float64("explore", 0, "exploration rate of the learned policy in [0, 1]: the probability of sampling instead of the greedy action; the action's probability is logged on each step (0: greedy, nothing logged)")
	exploreSeed := fs.Uint64("explore-seed", 0, "seed of the exploration's sampling (0: from the clock)")
	ckptDir := fs.String("checkpoints", "", "serve the learned policy from this checkpoints directory: the last promoted checkpoint; candidates dropped in DIR/candidates/ are judged off-policy on SIGHUP and POST /v1/admin/reload (see below)")
	margin := fs.Float64("promote-margin", 0.01, "with --checkpoints: the estimated accuracy a candidate must gain over the serving checkpoint to be promoted")
	confidence := fs.Float64("promote-confidence", promote.DefaultConfidence, "with --checkpoints: the one-sided confidence, in [0.5, 1), that a candidate's accuracy gain is above zero before it is promoted")
	canary := fs.Float64("canary", 0, "with --checkpoints: the share of runs (0 to 1) a candidate serves before it is judged, so it is judged on its own logged runs too; 0 judges candidates on the logs alone")
	adminToken := fs.String("admin-token", "", "with --checkpoints: the bearer token POST /v1/admin/reload requires (without it the endpoint refuses every request; SIGHUP still reloads)")
	writeStall := fs.Duration("write-stall", httplimit.DefaultWriteStall, "a client that takes no part of a response for this long is dropped (streams of any length live)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: serve takes no arguments, only flags", ErrUsage)
	}
	leaseSize, err := money.Parse(*lease)
	if err != nil || leaseSize < 0 {
		return fmt.Errorf("%w: --budget-lease %q: want a non-negative amount in US dollars, e.g. 0.05", ErrUsage, *lease)
	}
	if *heartbeatTTL < store.MinHeartbeatTTL {
		return fmt.Errorf("%w: --heartbeat-ttl %s is below the minimum %s: a replica that is only slow would be taken for dead", ErrUsage, *heartbeatTTL, store.MinHeartbeatTTL)
	}
	if math.IsNaN(*exploreRate) || *exploreRate < 0 || *exploreRate > 1 {
		return fmt.Errorf("%w: --explore %v: want a rate in [0, 1], e.g. 0.1", ErrUsage, *exploreRate)
	}
	if math.IsNaN(*margin) || *margin < 0 || *margin > 1 {
		return fmt.Errorf("%w: --promote-margin %v: want an accuracy gain in [0, 1], e.g. 0.01", ErrUsage, *margin)
	}
	if !(*confidence >= 0.5 && *confidence < 1) {
		return fmt.Errorf("%w: --promote-confidence %v: want a level in [0.5, 1), e.g. 0.95", ErrUsage, *confidence)
	}
	if math.IsNaN(*canary) || *canary < 0 || *canary > 1 {
		return fmt.Errorf("%w: --canary %v: want a share of runs in [0, 1], e.g. 0.2", ErrUsage, *canary)
	}
	if *ckptDir == "" && (*adminToken != "" || *canary != 0) {
		return fmt.Errorf("%w: --admin-token and --canary go with --checkpoints", ErrUsage)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", ErrUsage, *logLevel)
	}
	log := slog.New(slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log)

	cfg, set, err := openTools(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer set.Close()
	models, err := server.ModelsFromConfig(ctx, cfg, env.Getenv)
	if err != nil {
		return err
	}
	st, err := storeopen.Open(ctx, *db, store.WithLogger(log))
	if err != nil {
		return err
	}
	defer st.Close()
	// Settle what dead replicas left (a SQLite store already did when it
	// took the file's lock), then keep this replica alive and sweep others
	// for as long as it serves.
	if _, err := st.Sweep(ctx, *heartbeatTTL); err != nil {
		return fmt.Errorf("serve: settling dead replicas: %w", err)
	}
	mctx, stopMaintain := context.WithCancel(context.WithoutCancel(ctx))
	maintained := make(chan struct{})
	go func() { defer close(maintained); store.Maintain(mctx, st, *heartbeatTTL, log) }()
	defer func() { stopMaintain(); <-maintained }()
	defPolicy, why := cfg.DefaultPolicy(ctx)
	var pr *promoter
	if *ckptDir != "" {
		wrap := func(p policy.Policy) (policy.Policy, error) {
			if *exploreRate == 0 {
				return p, nil
			}
			return exploring(p, *exploreRate, *exploreSeed, log)
		}
		// The base checkpoint, served before any promotion, is the learned
		// policy baton.yaml configures (its checkpoint option).
		bp, err := policy.New(ctx, "learned", cfg.PolicyConfig("learned", 1))
		if err != nil {
			return fmt.Errorf("serve: --checkpoints: the base learned policy: %w", err)
		}
		base, ok := bp.(*learned.Policy)
		if !ok {
			return fmt.Errorf("serve: --checkpoints: the learned policy kind built %T, not a learned policy", bp)
		}
		po := promoteOptions{base: base, margin: *margin, confidence: *confidence, eps: *exploreRate, canary: *canary, seed: *exploreSeed}
		if pr, err = newPromoter(ctx, *ckptDir, po, st, set, wrap, log); err != nil {
			return err
		}
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		go func() {
			for {
				select {
				case <-hup:
					log.Info("SIGHUP: reloading checkpoints")
					pr.reload(ctx)
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	judge, err := serveJudge(cfg, set, log)
	if err != nil {
		return err
	}
	policies := server.CachedPolicies(func(ctx context.Context, name string) (policy.Policy, error) {
		p, err := policy.New(ctx, name, cfg.PolicyConfig(name, 1))
		if err != nil || *exploreRate == 0 {
			return p, err
		}
		return exploring(p, *exploreRate, *exploreSeed, log)
	})
	srv, err := server.New(server.Options{
		Store: st, Tools: set, Models: models,
		Policy: func(ctx context.Context, name string) (policy.Policy, error) {
			if pr != nil && name == "learned" {
				return pr.forRun(), nil // chosen per run: the serving or the tried checkpoint
			}
			return policies(ctx, name)
		},
		DefaultPolicy: defPolicy, DefaultBudget: cfg.Budget.Episode(), Logger: log, MaxBodyBytes: *maxBody,
		BudgetLease: leaseSize, Judge: judge,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	lim := srv.Limits()
	lim.MaxConns, lim.MaxConnsPerClient = *maxConns, *maxConnsPerClient
	lim.BodyTimeout, lim.IdleTimeout, lim.WriteStall = *bodyTimeout, *idleTimeout, *writeStall
	names := make([]string, 0, len(models))
	for _, m := range models {
		names = append(names, m.Name)
	}
	log.Info("serving", "addr", ln.Addr().String(), "tools", set.Len(), "models", strings.Join(names, ","), "policy", defPolicy, "policy_reason", why)
	fmt.Fprintf(env.Stderr, "baton serve: listening on http://%s\n", ln.Addr())

	// Header, body, per-write and idle timeouts and the connection caps:
	// one client cannot starve the others (see package httplimit).
	var h http.Handler = srv
	if pr != nil {
		h = pr.handler(*adminToken, srv)
	}
	// Judgments a killed predecessor never made are made here.
	tctx, stopTakeOver := context.WithCancel(ctx)
	tookOver := make(chan struct{})
	go func() { defer close(tookOver); srv.TakeOverJudgments(tctx) }()
	defer func() { stopTakeOver(); <-tookOver }()
	hs, _, errc := httplimit.Serve(ln, h, lim, log)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", *shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), *shutdownTimeout)
	defer cancel()
	drained := make(chan error, 1)
	go func() { drained <- srv.Shutdown(sctx) }()
	herr := hs.Shutdown(sctx)
	derr := <-drained // runs are cancelled and recorded by now
	if herr != nil {
		_ = hs.Close()
	}
	if err := errors.Join(derr, ignoreClosed(herr)); err != nil {
		log.Warn("shutdown was not clean", "err", err)
	}
	log.Info("stopped")
	return nil
}

// serveJudge returns the judge baton.yaml configures, or nil: none
// configured, or its tool is disabled here (a missing API key), which is
// logged as a warning rather than stopping the server.
func serveJudge(cfg *config.Config, set *tool.Set, log *slog.Logger) (*server.Judge, error) {
	if cfg.Judge == nil {
		return nil, nil
	}
	spec, ok := set.Spec(cfg.Judge.Tool)
	if !ok {
		return nil, fmt.Errorf("serve: judge.tool %q is not among the tools opened (%s)", cfg.Judge.Tool, strings.Join(set.Names(), ", "))
	}
	if spec.HasTag("disabled") {
		log.Warn("no LLM judge: its tool is disabled here", "tool", spec.Name, "reason", spec.Description)
		return nil, nil
	}
	log.Info("LLM judge on", "tool", spec.Name, "sample", cfg.Judge.Sample, "max_cost", cfg.Judge.MaxCost.String())
	return &server.Judge{Tool: cfg.Judge.Tool, Sample: cfg.Judge.Sample, MaxCost: cfg.Judge.MaxCost}, nil
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// exploring wraps a learned policy with ε-greedy exploration that logs
// each action's probability; other policies are served as they are (and
// the log says so).
func exploring(p policy.Policy, eps float64, seed uint64, log *slog.Logger) (policy.Policy, error) {
	lp, ok := p.(*learned.Policy)
	if !ok {
		log.Warn("--explore applies to the learned policy only; this policy is served without exploration", "policy", fmt.Sprintf("%T", p))
		return p, nil
	}
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	return explore.New(lp, eps, seed)
}
