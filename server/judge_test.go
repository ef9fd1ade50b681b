package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/server"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/postgres"
	"github.com/batonhq/baton/store/postgres/pgtest"
	"github.com/batonhq/baton/store/sqlite"
	"github.com/batonhq/baton/tool"
)

// judgePrice is the scripted judge model's price: $3 and $6 per million
// input and output tokens.
var judgePrice = money.Price{InputPerM: 3 * money.Dollar, OutputPerM: 6 * money.Dollar}

// judgeConfig is baton.yaml with the model "small" that answers runs and
// the model "judge" that judges them, each on its scripted server.
func judgeConfig(upURL, judgeURL, judgeTimeout string, sample float64) string {
	return fmt.Sprintf(`
policy: cheapest
no_default_tools: true
budget: {max_turns: 4, max_time: 30s}
tools:
  - kind: llm.openai
    name: small
    options: {model: small-1, base_url: %q, price: {input_per_million: "1", output_per_million: "2"}, max_tokens: 100, timeout: 20s, max_retries: 0}
  - kind: llm.openai
    name: judge
    options: {model: judge-1, base_url: %q, price: {input_per_million: "3", output_per_million: "6"}, max_tokens: 16, timeout: %s, max_retries: 0}
judge:
  tool: judge
  sample: %v
`, upURL, judgeURL, judgeTimeout, sample)
}

// judgeEnv is a server with a judge, on a real store, in front of two
// scripted upstreams: the answering model and the judge.
type judgeEnv struct {
	t      *testing.T
	up     *chattest.Server
	judge  *chattest.Server
	st     store.Store
	srv    *server.Server
	http   *httptest.Server
	key    store.Key
	secret string
	logs   *syncBuffer
}

type judgeOpts struct {
	sample  float64 // default 1
	timeout string  // the judge tool's timeout; default 20s
	budget  store.KeyBudget
	tune    func(*server.Judge)
	open    func(t *testing.T) store.Store // default SQLite
}

func openSQLite(t *testing.T) store.Store {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "baton.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func newJudgeEnv(t *testing.T, judgeReply func(chattest.Request) chattest.Reply, o judgeOpts) *judgeEnv {
	t.Helper()
	ctx := context.Background()
	if o.sample == 0 {
		o.sample = 1
	}
	if o.timeout == "" {
		o.timeout = "20s"
	}
	if o.open == nil {
		o.open = openSQLite
	}
	up := chattest.NewFunc(defaultReply)
	t.Cleanup(up.Close)
	ju := chattest.NewFunc(judgeReply)
	t.Cleanup(ju.Close)
	cfg, err := config.Parse([]byte(judgeConfig(up.BaseURL(), ju.BaseURL(), o.timeout, o.sample)))
	if err != nil {
		t.Fatal(err)
	}
	set, err := cfg.OpenTools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := o.open(t)
	logs := &syncBuffer{}
	j := &server.Judge{Tool: cfg.Judge.Tool, Sample: cfg.Judge.Sample, MaxCost: cfg.Judge.MaxCost}
	if o.tune != nil {
		o.tune(j)
	}
	models, err := server.ModelsFromConfig(ctx, cfg, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{
		Store: st, Tools: set, Models: models, DefaultPolicy: cfg.Policy, DefaultBudget: cfg.Budget.Episode(),
		Logger: slog.New(slog.NewJSONHandler(logs, nil)), Judge: j,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	// Judgments outlive their requests: end them before the store closes.
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	e := &judgeEnv{t: t, up: up, judge: ju, st: st, srv: srv, http: hs, logs: logs}
	e.key, e.secret, err = st.CreateKey(ctx, store.NewKey{Name: "judged", Budget: o.budget})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *judgeEnv) do(method, path, body string) (int, []byte) {
	e.t.Helper()
	status, b, _ := doReq(e.t, e.http.URL, e.secret, method, path, body)
	return status, b
}

// run makes an answered run with "small" and returns it.
func (e *judgeEnv) run(prompt string) store.Run {
	e.t.Helper()
	status, body := e.do("POST", "/v1/runs?wait=true", fmt.Sprintf(`{"prompt":%q,"tools":["small"]}`, prompt))
	var v server.RunView
	if err := json.Unmarshal(body, &v); err != nil || status != http.StatusOK || v.Status != "answered" {
		e.t.Fatalf("POST /v1/runs: %d %s (%v)", status, body, err)
	}
	r, err := e.st.GetRun(context.Background(), v.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// settle waits for every judgment (a drain waits for them) and fails the
// test unless the drain was clean.
func (e *judgeEnv) settle() {
	e.t.Helper()
	if err := e.srv.Shutdown(context.Background()); err != nil {
		e.t.Fatalf("Shutdown: %v", err)
	}
}

// metric returns the value of the series named exactly line (name and
// labels) in /metrics, or -1 when absent.
func (e *judgeEnv) metric(series string) float64 {
	e.t.Helper()
	_, b, _ := doReq(e.t, e.http.URL, "", "GET", "/metrics", "")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				e.t.Fatalf("metric %s: %v", l, err)
			}
			return f
		}
	}
	return -1
}

func (e *judgeEnv) outcome(o string) float64 {
	return e.metric(`baton_judgments_total{outcome="` + o + `"}`)
}

func (e *judgeEnv) spent() store.Spending {
	e.t.Helper()
	sp, err := e.st.Spent(context.Background(), e.key.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return sp
}

// judgeSays answers every judgment with text and fixed usage: 200 input
// tokens and 1 output token cost $0.000606.
func judgeSays(text string) func(chattest.Request) chattest.Reply {
	return func(chattest.Request) chattest.Reply {
		return chattest.Reply{Content: text, Usage: chattest.Usage{PromptTokens: 200, CompletionTokens: 1}}
	}
}

var judgeCallCost = judgePrice.Cost(money.Usage{InputTokens: 200, OutputTokens: 1})

func TestJudgeScoresRun(t *testing.T) {
	backends := map[string]func(t *testing.T) store.Store{"sqlite": openSQLite}
	var pgOnce sync.Once
	var pgURL string
	backends["postgres"] = func(t *testing.T) store.Store {
		pgOnce.Do(func() { pgURL = pgtest.StartTestServer(t) })
		st, err := postgres.Open(context.Background(), pgURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) { judgeScoresRun(t, backends[name]) })
	}
}

func judgeScoresRun(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	release := make(chan struct{})
	e := newJudgeEnv(t, func(r chattest.Request) chattest.Reply {
		if strings.Contains(string(r.Raw), "late one") {
			<-release // judged only after the user's feedback
		}
		return judgeSays(" 0.8\n")(r)
	}, judgeOpts{open: open})

	r := e.run("six times seven?")
	late := e.run("the late one")
	for len(e.judge.Requests()) < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	// The user answers the late run while its judgment is in flight.
	status, body := e.do("POST", "/v1/runs/"+late.ID+"/feedback", `{"score": 0.1, "text": "wrong"}`)
	if v := decodeFeedback(t, body); status != http.StatusCreated || v.Source != "user" {
		t.Fatalf("user's feedback during the judgment: %d %s", status, body)
	}
	close(release)
	e.settle()

	// The judge saw the question and the answer, and was asked for a score.
	for _, req := range e.judge.Requests() {
		raw := string(req.Raw)
		if !strings.Contains(raw, "forty two") || !strings.Contains(raw, "number from 0 to 1") {
			t.Fatalf("judge request lacks the answer or the instruction: %s", raw)
		}
	}
	// The judge's score is the run's feedback, with source and cost.
	status, body = e.do("GET", "/v1/runs/"+r.ID+"/feedback", "")
	v := decodeFeedback(t, body)
	if status != http.StatusOK || v.Source != "judge" || v.Score != 0.8 || v.JudgeCost != judgeCallCost.Decimal() || v.JudgeCostUSD != judgeCallCost.USD() {
		t.Fatalf("GET judged feedback: %d %s; want source judge, score 0.8, judge_cost %s", status, body, judgeCallCost.Decimal())
	}
	// The run itself is untouched: its cost is its own.
	after, err := e.st.GetRun(ctx, r.ID)
	if err != nil || after.Episode.Cost != r.Episode.Cost || after.Status != "answered" {
		t.Fatalf("run after judging: %+v %v", after, err)
	}
	// The late judgment did not replace the user's feedback; its cost is kept.
	f, err := e.st.GetFeedback(ctx, late.ID)
	if err != nil || f.Source != store.SourceUser || f.Score != 0.1 || f.JudgeCost != judgeCallCost {
		t.Fatalf("late run's feedback: %+v %v; want the user's 0.1 with the judgment's cost", f, err)
	}
	// The key paid for both runs and both judgments, nothing held.
	sp := e.spent()
	want := r.Episode.Cost + late.Episode.Cost + 2*judgeCallCost
	if sp.Total != want || sp.Held != 0 {
		t.Fatalf("key spent %s (held %s), want %s: runs %s + %s, judgments 2 × %s", sp.Total, sp.Held, want, r.Episode.Cost, late.Episode.Cost, judgeCallCost)
	}
	// /metrics: the judge's cost on its own counter, not in baton_cost_usd_total.
	if got := e.metric("baton_judge_cost_usd_total"); math.Abs(got-(2*judgeCallCost).USD()) > 1e-15 {
		t.Fatalf("baton_judge_cost_usd_total = %v, want %v", got, (2 * judgeCallCost).USD())
	}
	if got := e.metric(`baton_cost_usd_total{model="judge"}`); got != -1 {
		t.Fatalf("the judge's cost is in baton_cost_usd_total: %v", got)
	}
	if e.outcome("stored") != 1 || e.outcome("dropped") != 1 {
		t.Fatalf("judgments: stored %v dropped %v, want 1 and 1", e.outcome("stored"), e.outcome("dropped"))
	}

	// A user's feedback replaces the judge's and keeps its cost.
	status, body = e.do("POST", "/v1/runs/"+r.ID+"/feedback", `{"score": 0}`)
	if v := decodeFeedback(t, body); status != http.StatusOK || !v.Replaced || v.Source != "user" || v.Score != 0 || v.JudgeCost != judgeCallCost.Decimal() {
		t.Fatalf("user after judge: %d %s", status, body)
	}

	// Training and evaluation read judge feedback like a user's.
	specs := func(episode.Task) ([]tool.Spec, error) { return nil, nil }
	logs, skipped, err := offpolicy.FromStore(ctx, e.st, specs)
	if err != nil || skipped != 0 || len(logs) != 2 {
		t.Fatalf("offpolicy.FromStore = %d logs, %d skipped, %v", len(logs), skipped, err)
	}
}

// TestJudgeFromStoreReadsJudgeScores checks that off-policy training and
// evaluation see a judge's score as the run's outcome.
func TestJudgeFromStoreReadsJudgeScores(t *testing.T) {
	e := newJudgeEnv(t, judgeSays("0.25"), judgeOpts{})
	r := e.run("six times seven?")
	e.settle()
	logs, _, err := offpolicy.FromStore(context.Background(), e.st, func(episode.Task) ([]tool.Spec, error) { return nil, nil })
	if err != nil || len(logs) != 1 || logs[0].Episode.RunID != r.ID || logs[0].Score != 0.25 {
		t.Fatalf("FromStore = %+v, %v; want the judged run with score 0.25", logs, err)
	}
}

func TestJudgeFailuresStoreNothing(t *testing.T) {
	tests := []struct {
		name    string
		reply   chattest.Reply
		timeout string
		outcome string
	}{
		{"words around the score", chattest.Reply{Content: "Score: 1"}, "", "malformed"},
		{"reasoning then score", chattest.Reply{Content: "The answer is right.\n1"}, "", "malformed"},
		{"above one", chattest.Reply{Content: "1.5"}, "", "malformed"},
		{"percentage", chattest.Reply{Content: "80%"}, "", "malformed"},
		{"negative", chattest.Reply{Content: "-0"}, "", "malformed"},
		{"json", chattest.Reply{Content: `{"score": 1}`}, "", "malformed"},
		{"empty reply", chattest.Reply{Content: ""}, "", "failed"},
		{"HTTP 500", chattest.Reply{Status: 500}, "", "failed"},
		{"HTTP 429", chattest.Reply{Status: 429, Header: map[string]string{"Retry-After": "0"}}, "", "failed"},
		{"malformed body", chattest.Reply{Raw: `{"choices": [`}, "", "failed"},
		{"timeout", chattest.Reply{Content: "1", Delay: 10 * time.Second}, "300ms", "failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.reply.Usage = chattest.Usage{PromptTokens: 200, CompletionTokens: 1}
			e := newJudgeEnv(t, func(chattest.Request) chattest.Reply { return tc.reply }, judgeOpts{timeout: tc.timeout})
			r := e.run("six times seven?")
			e.settle()
			if n := len(e.judge.Requests()); n != 1 {
				t.Fatalf("judge called %d times, want 1", n)
			}
			if f, err := e.st.GetFeedback(context.Background(), r.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("feedback stored after a failed judgment: %+v %v", f, err)
			}
			after, err := e.st.GetRun(context.Background(), r.ID)
			if err != nil || after.Status != "answered" || after.Episode.Cost != r.Episode.Cost || !after.Updated.Equal(r.Updated) {
				t.Fatalf("run changed by a failed judgment: %+v %v", after, err)
			}
			if got := e.outcome(tc.outcome); got != 1 {
				t.Fatalf("baton_judgments_total{outcome=%q} = %v, want 1", tc.outcome, got)
			}
			if e.outcome("stored") != -1 {
				t.Fatal("a failed judgment counted as stored")
			}
			if !strings.Contains(e.logs.String(), `"run not judged"`) || !strings.Contains(e.logs.String(), r.ID) {
				t.Fatalf("failure not logged:\n%s", e.logs.String())
			}
			if sp := e.spent(); sp.Held != 0 {
				t.Fatalf("a hold left open: %+v", sp)
			}
		})
	}
}

func TestJudgeSampling(t *testing.T) {
	// The rule: a hash of the run ID, the same at every call, and the
	// fraction it picks is the configured one.
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 20000
	for _, frac := range []float64{0.05, 0.3, 0.9} {
		hit := 0
		for range n {
			id := fmt.Sprintf("run_%016x", rng.Uint64())
			if server.Sampled(id, frac) {
				hit++
				if !server.Sampled(id, frac) || !server.Sampled(id, math.Min(1, frac+0.05)) {
					t.Fatalf("sampling of %s is not stable", id)
				}
			}
		}
		// 4 standard deviations of a binomial share.
		if got, sd := float64(hit)/n, math.Sqrt(frac*(1-frac)/n); math.Abs(got-frac) > 4*sd {
			t.Errorf("sample %v judged a share %v of %d runs", frac, got, n)
		}
	}
	if !server.Sampled("run_anything", 1) {
		t.Error("sample 1 skipped a run")
	}

	// The server judges exactly the sampled runs.
	e := newJudgeEnv(t, judgeSays("1"), judgeOpts{sample: 0.4})
	var ids []string
	want := 0
	for i := range 25 {
		id := e.run(fmt.Sprintf("question %d", i)).ID
		ids = append(ids, id)
		if server.Sampled(id, 0.4) {
			want++
		}
	}
	e.settle()
	if got := len(e.judge.Requests()); got != want {
		t.Fatalf("judge called %d times for %d sampled runs of 25", got, want)
	}
	for _, id := range ids {
		_, err := e.st.GetFeedback(context.Background(), id)
		if judged := err == nil; judged != server.Sampled(id, 0.4) {
			t.Errorf("run %s: judged %v, sampled %v", id, judged, server.Sampled(id, 0.4))
		}
	}
}

func TestJudgeBudget(t *testing.T) {
	t.Run("a key without the budget left is refused the judgment", func(t *testing.T) {
		// $0.001 covers the run's worst case (about $0.00034) but not,
		// after it, the judgment's (over $0.002).
		limit := money.MustParse("0.001")
		e := newJudgeEnv(t, judgeSays("1"), judgeOpts{budget: store.KeyBudget{Total: limit}})
		r := e.run("six times seven?")
		e.settle()
		if n := len(e.judge.Requests()); n != 0 {
			t.Fatalf("the judge was called %d times over the key's budget", n)
		}
		if _, err := e.st.GetFeedback(context.Background(), r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("feedback stored: %v", err)
		}
		if sp := e.spent(); sp.Total != r.Episode.Cost || sp.Held != 0 || sp.Total > limit {
			t.Fatalf("key spent %+v, want only the run's %s", sp, r.Episode.Cost)
		}
		if e.outcome("refused") != 1 || e.metric("baton_judge_cost_usd_total") != 0 {
			t.Fatalf("refused %v, judge cost %v", e.outcome("refused"), e.metric("baton_judge_cost_usd_total"))
		}
	})
	t.Run("a judgment above max_cost is not made", func(t *testing.T) {
		e := newJudgeEnv(t, judgeSays("1"), judgeOpts{tune: func(j *server.Judge) { j.MaxCost = money.MustParse("0.001") }})
		r := e.run("six times seven?")
		e.settle()
		if n := len(e.judge.Requests()); n != 0 || e.outcome("refused") != 1 {
			t.Fatalf("judge called %d times above max_cost; refused %v", n, e.outcome("refused"))
		}
		if sp := e.spent(); sp.Total != r.Episode.Cost {
			t.Fatalf("key spent %s, want the run's %s", sp.Total, r.Episode.Cost)
		}
		if !strings.Contains(e.logs.String(), "judge.max_cost") {
			t.Fatalf("refusal not explained in the log:\n%s", e.logs.String())
		}
	})
	t.Run("concurrent judgments never overspend the key", func(t *testing.T) {
		// Six runs finish at once; $0.004 covers the runs ($0.00004 each)
		// and the worst case (over $0.002) of at most three judgments one
		// after another, so some are made and the rest refused.
		limit := money.MustParse("0.004")
		e := newJudgeEnv(t, judgeSays("1"), judgeOpts{budget: store.KeyBudget{Total: limit}})
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Add(1)
			go func() { defer wg.Done(); e.run(fmt.Sprintf("q%d", i)) }()
		}
		wg.Wait()
		e.settle()
		if sp := e.spent(); sp.Total > limit || sp.Held != 0 {
			t.Fatalf("key overspent: %+v", sp)
		}
		if e.outcome("refused") < 1 || e.outcome("stored") < 1 {
			t.Fatalf("want some judgments made and some refused: stored %v refused %v", e.outcome("stored"), e.outcome("refused"))
		}
	})
}

func TestJudgePassThroughRun(t *testing.T) {
	e := newJudgeEnv(t, judgeSays("1"), judgeOpts{})
	status, body := e.do("POST", "/v1/chat/completions", `{"model":"small","messages":[{"role":"user","content":"six times seven?"}]}`)
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
	var c struct{ ID string }
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	// A streamed one too: its run ID is in Baton's last chunk.
	status, body = e.do("POST", "/v1/chat/completions", `{"model":"small","stream":true,"messages":[{"role":"user","content":"seven times six?"}]}`)
	streamed := ""
	for _, m := range readSSE(t, strings.NewReader(string(body))) {
		var ch struct {
			Baton *struct {
				RunID string `json:"run_id"`
			} `json:"baton"`
		}
		if json.Unmarshal([]byte(m.Data), &ch) == nil && ch.Baton != nil {
			streamed = ch.Baton.RunID
		}
	}
	if status != http.StatusOK || streamed == "" {
		t.Fatalf("streamed: %d, run %q: %s", status, streamed, body)
	}
	e.settle()
	status, body = e.do("GET", "/v1/chat/completions/"+c.ID+"/feedback", "")
	if v := decodeFeedback(t, body); status != http.StatusOK || v.Source != "judge" || v.Score != 1 {
		t.Fatalf("GET feedback of a judged chat completion: %d %s", status, body)
	}
	status, body = e.do("GET", "/v1/runs/"+streamed+"/feedback", "")
	if v := decodeFeedback(t, body); status != http.StatusOK || v.Source != "judge" {
		t.Fatalf("GET feedback of a judged streamed completion: %d %s", status, body)
	}
	if n := len(e.judge.Requests()); n != 2 {
		t.Fatalf("judge called %d times for two completions", n)
	}
}

func TestJudgeShutdownCancels(t *testing.T) {
	e := newJudgeEnv(t, func(chattest.Request) chattest.Reply { return chattest.Reply{Content: "1", Delay: time.Hour} }, judgeOpts{})
	r := e.run("six times seven?")
	for len(e.judge.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := e.srv.Shutdown(ctx)
	if err == nil || !strings.Contains(err.Error(), "judgments") {
		t.Fatalf("Shutdown past its deadline = %v, want the judgments it cancelled named", err)
	}
	if _, err := e.st.GetFeedback(context.Background(), r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a cancelled judgment stored feedback: %v", err)
	}
	// Cut off mid-call, the judgment is charged its worst case, settled.
	sp := e.spent()
	if sp.Held != 0 || sp.Total <= r.Episode.Cost {
		t.Fatalf("after the cancelled judgment the key shows %+v", sp)
	}
	if e.outcome("cancelled") != 1 {
		t.Fatalf("cancelled = %v", e.outcome("cancelled"))
	}
	// A run ending after shutdown is not judged.
	if n := len(e.judge.Requests()); n != 1 {
		t.Fatalf("judge requests %d", n)
	}
}

func TestJudgeOptionsChecked(t *testing.T) {
	set, err := tool.NewSet()
	if err != nil {
		t.Fatal(err)
	}
	st := openSQLite(t)
	for _, j := range []server.Judge{
		{Tool: "nope", Sample: 0.5},
		{Tool: "nope", Sample: 0},
		{Tool: "nope", Sample: 1.5},
		{Tool: "nope", Sample: math.NaN()},
	} {
		if _, err := server.New(server.Options{Store: st, Tools: set, Judge: &j, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err == nil {
			t.Errorf("server.New accepted judge %+v", j)
		}
	}
}

func TestParseJudgeScore(t *testing.T) {
	for in, want := range map[string]float64{"0": 0, "1": 1, "0.75": 0.75, " 0.5\n": 0.5, "1.0": 1, "1.000": 1, "0.0": 0, "0.123456789": 0.123456789} {
		if got, err := server.ParseJudgeScore(in); err != nil || got != want {
			t.Errorf("ParseJudgeScore(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " ", "1.5", "2", "-0", "-0.5", "+1", ".5", "0.", "1.", "1e0", "5e-1", "0x1", "NaN", "Inf", "80%", "Score: 1", "1 (correct)", "0.5 0.5", `{"score":1}`, "１", "0,5", "1.01", "0.5\n\nExplanation: ..."} {
		if got, err := server.ParseJudgeScore(bad); err == nil {
			t.Errorf("ParseJudgeScore(%q) = %v, accepted", bad, got)
		}
	}
}

func FuzzParseJudgeScore(f *testing.F) {
	for _, s := range []string{"0", "1", "0.75", " 1.0 ", "1.5", "-0", "NaN", "Score: 1", "0.5 wrong", "1e-1", "00.5", "0.99999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := server.ParseJudgeScore(s)
		if err != nil {
			if v != 0 {
				t.Fatalf("ParseJudgeScore(%q) failed but returned %v", s, v)
			}
			return
		}
		if math.IsNaN(v) || v < 0 || v > 1 {
			t.Fatalf("ParseJudgeScore(%q) = %v, outside [0, 1]", s, v)
		}
		// Accepted text is a plain decimal and nothing else.
		tr := strings.TrimSpace(s)
		if strings.Trim(tr, "0123456789.") != "" || strings.Count(tr, ".") > 1 || (tr[0] != '0' && tr[0] != '1') {
			t.Fatalf("ParseJudgeScore(%q) accepted more than a number", s)
		}
		if back, err := strconv.ParseFloat(tr, 64); err != nil || back != v {
			t.Fatalf("ParseJudgeScore(%q) = %v, the number reads %v", s, v, back)
		}
	})
}

// TestJudgeNeverDelaysClients: while the judge hangs, runs are answered at
// once; judgments past the in-flight and queue bounds are skipped, counted.
func TestJudgeNeverDelaysClients(t *testing.T) {
	release := make(chan struct{})
	e := newJudgeEnv(t, func(r chattest.Request) chattest.Reply {
		<-release
		return judgeSays("1")(r)
	}, judgeOpts{tune: func(j *server.Judge) { j.MaxInFlight, j.MaxQueued = 1, 1 }})
	var ids []string
	for i := range 4 {
		ids = append(ids, e.run(fmt.Sprintf("question %d", i)).ID) // answered with the judge stuck
	}
	if got := e.outcome("skipped"); got != 2 {
		t.Fatalf("skipped = %v, want 2 (one judging, one queued, two past the bounds)", got)
	}
	close(release)
	e.settle()
	if got := e.outcome("stored"); got != 2 {
		t.Fatalf("stored = %v, want 2", got)
	}
	for i, id := range ids {
		_, err := e.st.GetFeedback(context.Background(), id)
		if judged := err == nil; judged != (i < 2) {
			t.Errorf("run %d: judged %v", i, judged)
		}
	}
}

// TestJudgeTakesOverADeadReplicasJudgments: a process killed with a
// judgment queued leaves an answered run without feedback. The next
// server on the store claims it and judges it; a run a user already
// judged and a run that failed are left as they are.
func TestJudgeTakesOverADeadReplicasJudgments(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	dead, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	k, _, err := dead.CreateKey(ctx, store.NewKey{Name: "dead's"})
	if err != nil {
		t.Fatal(err)
	}
	add := func(id string, status episode.Status) {
		task := episode.Task{ID: id, Prompt: "six times seven?"}
		if err := dead.CreateRun(ctx, store.Run{ID: id, KeyID: k.ID, Task: task}); err != nil {
			t.Fatal(err)
		}
		if err := dead.FinishRun(ctx, id, &episode.Episode{RunID: id, Task: task, Status: status, Answer: "forty two"}); err != nil {
			t.Fatal(err)
		}
	}
	add("run_orphan", episode.StatusAnswered)
	add("run_user", episode.StatusAnswered)
	add("run_failed", episode.StatusFailed)
	if _, _, err := dead.SetFeedback(ctx, store.Feedback{RunID: "run_user", Score: 0.2}); err != nil {
		t.Fatal(err)
	}
	if err := dead.Close(); err != nil { // as a kill would, minus the lock
		t.Fatal(err)
	}

	e := newJudgeEnv(t, judgeSays("1"), judgeOpts{open: func(t *testing.T) store.Store {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}})
	tctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); e.srv.TakeOverJudgments(tctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if f, err := e.st.GetFeedback(ctx, "run_orphan"); err == nil {
			if f.Source != store.SourceJudge || f.Score != 1 || f.JudgeCost != judgeCallCost {
				t.Fatalf("the orphan's feedback = %+v; want the judge's 1 at %s", f, judgeCallCost)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dead replica's unjudged run was never judged; logs:\n%s", e.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	e.settle()
	if n := len(e.judge.Requests()); n != 1 {
		t.Errorf("the judge was asked %d times; want once, for the orphan only", n)
	}
	if f, err := e.st.GetFeedback(ctx, "run_user"); err != nil || f.Source != store.SourceUser || f.Score != 0.2 {
		t.Errorf("the user's feedback = %+v, %v; want it untouched", f, err)
	}
	if _, err := e.st.GetFeedback(ctx, "run_failed"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a failed run got feedback: %v", err)
	}
	if sp, err := e.st.Spent(ctx, k.ID); err != nil || sp.Total != judgeCallCost || sp.Held != 0 {
		t.Errorf("the run's key spent %+v, %v; want the one judgment, %s", sp, err, judgeCallCost)
	}
}
