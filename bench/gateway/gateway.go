package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/server"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/sqlite"

	_ "github.com/batonhq/baton/policy/baseline" // the orchestrated path's policy
	_ "github.com/batonhq/baton/tool/llm"        // the llm.openai kind
)

// Paths, in the order rows are printed.
const (
	PathDirect       = "direct"
	PathReverseProxy = "reverseproxy"
	PathBaton        = "baton"
	PathOrchestrated = "baton-orchestrated"
)

// AllPaths lists every path.
var AllPaths = []string{PathDirect, PathReverseProxy, PathBaton, PathOrchestrated}

// Options configures [Run]. The zero value runs every path, streamed and
// not, at concurrency 1, 100 and 500.
type Options struct {
	// Paths to measure; empty means [AllPaths]. "direct" is always
	// measured: the added latencies are relative to it.
	Paths []string
	// Concurrency levels; empty means 1, 100 and 500.
	Concurrency []int
	// Modes are the stream settings to measure; empty means both.
	Modes []bool
	// MinRequests is the fewest requests a cell sends; 0 means 200.
	MinRequests int
	// Rounds makes a cell send at least Rounds × concurrency requests; 0
	// means 4.
	Rounds int
	// Dir holds the SQLite ledger; empty means a new temporary directory.
	Dir string
	// Progress, when set, gets a line per measured cell.
	Progress io.Writer
}

// Row is one measured cell.
type Row struct {
	Path        string  `json:"path"`
	Stream      bool    `json:"stream"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	P50         float64 `json:"p50_ms"`
	P99         float64 `json:"p99_ms"`
	RPS         float64 `json:"rps"`
	// AddedP50 and AddedP99 are this path's percentiles minus direct's at
	// the same stream setting and concurrency.
	AddedP50 float64 `json:"added_p50_ms"`
	AddedP99 float64 `json:"added_p99_ms"`
	// VsReverseProxy is AddedP99 over ReverseProxy's AddedP99 (Baton's
	// rows, when both were measured and ReverseProxy added anything).
	VsReverseProxy float64 `json:"vs_reverseproxy_p99,omitempty"`
	// LedgerP50 and LedgerP99 are the latencies of the ledger writes
	// (reserve, commit) of Baton's rows, queueing for SQLite's one writer
	// included; LedgerWrites is how many there were.
	LedgerP50    float64 `json:"ledger_p50_ms,omitempty"`
	LedgerP99    float64 `json:"ledger_p99_ms,omitempty"`
	LedgerWrites int     `json:"ledger_writes,omitempty"`
	// CPUPerRequest is the process's CPU time (user and system) per
	// request in microseconds, client and upstream included: on a shared,
	// busy machine latency measures the neighbours too, CPU time does not.
	// AddedCPU is this path's CPUPerRequest minus direct's.
	CPUPerRequest float64 `json:"cpu_us_per_request"`
	AddedCPU      float64 `json:"added_cpu_us_per_request,omitempty"`
	// FirstError describes the first failed request, if any.
	FirstError string `json:"first_error,omitempty"`
}

// Result is a whole run.
type Result struct {
	Rows       []Row  `json:"rows"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	NumCPU     int    `json:"num_cpu"`
	GoVersion  string `json:"go_version"`
	// Reply describes the scripted upstream's answer.
	Reply string `json:"reply"`
}

// reply is the upstream's answer to every request: nine content chunks
// when streamed, then finish, usage and [DONE].
var reply = chattest.Reply{Content: "The answer is forty two, as the guide says.", Usage: chattest.Usage{PromptTokens: 12, CompletionTokens: 11}}

// Run measures every cell of o and returns the rows in order: by stream
// setting, concurrency, then path.
func Run(ctx context.Context, o Options) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	up := chattest.NewFunc(func(chattest.Request) chattest.Reply { return reply })
	defer up.Close()
	upTransport := &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 2048, DisableCompression: true}
	defer upTransport.CloseIdleConnections()
	target, _ := url.Parse(up.URL)
	rp := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite:       func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		FlushInterval: -1,
		Transport:     upTransport,
	})
	defer rp.Close()
	bt, err := startBaton(ctx, o.Dir, up.BaseURL())
	if err != nil {
		return nil, err
	}
	defer bt.close()

	res := &Result{GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(), GoVersion: runtime.Version(),
		Reply: fmt.Sprintf("%d bytes in %d words, usage reported", len(reply.Content), len(strings.Fields(reply.Content)))}
	for _, stream := range o.Modes {
		for _, c := range o.Concurrency {
			n := max(o.MinRequests, o.Rounds*c)
			var direct, proxy *Row
			for _, path := range o.Paths {
				t := targetOf(path, up.URL, rp.URL, bt)
				row, err := measure(ctx, t, stream, c, n, bt.ledger.reset)
				if err != nil {
					return nil, err
				}
				row.Path = path
				if path == PathBaton || path == PathOrchestrated {
					row.LedgerP50, row.LedgerP99, row.LedgerWrites = bt.ledger.percentiles()
				}
				if path == PathDirect {
					direct = &row
				}
				if direct != nil && path != PathDirect {
					row.AddedP50, row.AddedP99 = row.P50-direct.P50, row.P99-direct.P99
					row.AddedCPU = row.CPUPerRequest - direct.CPUPerRequest
					if proxy != nil && path != PathReverseProxy && proxy.AddedP99 > 0 {
						row.VsReverseProxy = row.AddedP99 / proxy.AddedP99
					}
				}
				if path == PathReverseProxy {
					proxy = &row
				}
				res.Rows = append(res.Rows, row)
				if o.Progress != nil {
					fmt.Fprintf(o.Progress, "bench gateway: %-18s stream=%-5v c=%-4d n=%-5d p50 %7.2f ms  p99 %7.2f ms  %8.0f req/s  errors %d\n",
						path, stream, c, n, row.P50, row.P99, row.RPS, row.Errors)
				}
			}
		}
	}
	return res, nil
}

func (o Options) withDefaults() (Options, error) {
	if len(o.Paths) == 0 {
		o.Paths = AllPaths
	}
	seen := map[string]bool{}
	for _, p := range o.Paths {
		if !slices.Contains(AllPaths, p) {
			return o, fmt.Errorf("gateway: unknown path %q (want %s)", p, strings.Join(AllPaths, ", "))
		}
		seen[p] = true
	}
	// Direct first, ReverseProxy second: the others are compared with them.
	var paths []string
	for _, p := range AllPaths {
		if seen[p] || p == PathDirect {
			paths = append(paths, p)
		}
	}
	o.Paths = paths
	if len(o.Concurrency) == 0 {
		o.Concurrency = []int{1, 100, 500}
	}
	for _, c := range o.Concurrency {
		if c < 1 || c > 10_000 {
			return o, fmt.Errorf("gateway: concurrency %d: want 1 to 10000", c)
		}
	}
	if len(o.Modes) == 0 {
		o.Modes = []bool{true, false}
	}
	if o.MinRequests <= 0 {
		o.MinRequests = 200
	}
	if o.Rounds <= 0 {
		o.Rounds = 4
	}
	return o, nil
}

// target is where a path sends its requests.
type target struct {
	url, secret, model string
}

func targetOf(path, upURL, rpURL string, bt *baton) target {
	switch path {
	case PathReverseProxy:
		return target{url: rpURL, model: "bench-model"}
	case PathBaton:
		return target{url: bt.http.URL, secret: bt.secret, model: "small"}
	case PathOrchestrated:
		return target{url: bt.http.URL, secret: bt.secret, model: "baton"}
	}
	return target{url: upURL, model: "bench-model"}
}

// measure sends n requests from c workers (after one warm-up request per
// worker, to open the connections, and then a call of warmed) and
// summarises their latencies.
func measure(ctx context.Context, t target, stream bool, c, n int, warmed func()) (Row, error) {
	body := fmt.Sprintf(`{"model":%q,"stream":%t,"messages":[{"role":"user","content":"What is the answer to life, the universe and everything?"}]}`, t.model, stream)
	tr := &http.Transport{MaxIdleConns: c, MaxIdleConnsPerHost: c, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	once := func() (time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url+"/v1/chat/completions", strings.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		if t.secret != "" {
			req.Header.Set("Authorization", "Bearer "+t.secret)
		}
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(t0)
		switch {
		case err != nil:
			return 0, err
		case resp.StatusCode != http.StatusOK:
			return 0, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
		case stream && !strings.HasSuffix(strings.TrimSpace(string(b)), "data: [DONE]"):
			return 0, fmt.Errorf("stream did not end with [DONE]: %.300s", b)
		case !stream && !strings.Contains(string(b), `"choices"`):
			return 0, fmt.Errorf("not a completion: %.200s", b)
		}
		return d, nil
	}
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() { _, _ = once() })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Row{}, err
	}
	warmed()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		lat      = make([]time.Duration, 0, n)
		errs     int
		firstErr error
	)
	cpu0 := cpuTime()
	start := time.Now()
	for range c {
		wg.Go(func() {
			for next.Add(1) <= int64(n) && ctx.Err() == nil {
				d, err := once()
				mu.Lock()
				if err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	if err := ctx.Err(); err != nil {
		return Row{}, err
	}
	row := Row{Stream: stream, Concurrency: c, Requests: n, Errors: errs, RPS: float64(n) / wall.Seconds(),
		CPUPerRequest: float64(cpu.Microseconds()) / float64(n)}
	row.P50, row.P99 = pct(lat, 50), pct(lat, 99)
	if firstErr != nil {
		row.FirstError = firstErr.Error()
	}
	return row, nil
}

// pct is the p-th percentile of ds in milliseconds (nearest rank).
func pct(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := (len(ds)*p + 99) / 100
	i = min(max(i-1, 0), len(ds)-1)
	return float64(ds[i].Microseconds()) / 1000
}

// baton is Baton's server on a real SQLite ledger, with one model "small"
// served by the upstream and a key without limits.
type baton struct {
	http   *httptest.Server
	srv    *server.Server
	store  *sqlite.Store
	secret string
	ledger *ledgerTimer
	tmp    string
}

func startBaton(ctx context.Context, dir, upBaseURL string) (*baton, error) {
	cfg, err := config.Parse(fmt.Appendf(nil, `
policy: cheapest
no_default_tools: true
budget: {max_turns: 4, max_time: 60s}
tools:
  - kind: llm.openai
    name: small
    options:
      model: small-1
      base_url: %q
      price: {input_per_million: "1", output_per_million: "2"}
      max_tokens: 100
      timeout: 60s
      max_retries: 0
`, upBaseURL))
	if err != nil {
		return nil, fmt.Errorf("gateway: config: %w", err)
	}
	set, err := cfg.OpenTools(ctx)
	if err != nil {
		return nil, fmt.Errorf("gateway: tools: %w", err)
	}
	models, err := server.ModelsFromConfig(ctx, cfg, func(string) string { return "" })
	if err != nil {
		return nil, fmt.Errorf("gateway: models: %w", err)
	}
	b := &baton{ledger: &ledgerTimer{}}
	if dir == "" {
		if dir, err = mkdirTemp(); err != nil {
			return nil, err
		}
		b.tmp = dir
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "bench-gateway.db"))
	if err != nil {
		return nil, fmt.Errorf("gateway: ledger: %w", err)
	}
	b.store = st
	_, b.secret, err = st.CreateKey(ctx, store.NewKey{Name: "bench"})
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("gateway: key: %w", err)
	}
	b.srv, err = server.New(server.Options{
		Store: timedStore{Store: st, t: b.ledger}, Tools: set, Models: models, DefaultPolicy: cfg.Policy, DefaultBudget: cfg.Budget.Episode(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	b.http = httptest.NewServer(b.srv)
	return b, nil
}

func (b *baton) close() {
	b.http.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = b.srv.Shutdown(ctx)
	_ = b.store.Close()
	if b.tmp != "" {
		_ = removeAll(b.tmp)
	}
}
