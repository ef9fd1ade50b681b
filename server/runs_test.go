package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/server"
	"github.com/batonhq/baton/store"
)

func TestRunsCreateGetEvents(t *testing.T) {
	e := newEnv(t, nil)
	status, body, _ := e.do("POST", "/v1/runs?wait=true", `{"prompt":"six times seven?","prefer":"cost","budget":{"max_cost_usd":"0.01","max_turns":3}}`)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var v server.RunView
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if v.Status != "answered" || v.Answer != "forty two" || v.Cost <= 0 || len(v.Steps) != 2 {
		t.Fatalf("run = %+v", v)
	}
	if v.Task.Budget.MaxTurns != 3 || v.Task.Preferences.Cost != episode.PreferCost.Cost {
		t.Errorf("task budget/preferences not applied: %+v", v.Task)
	}

	status, body, _ = e.do("GET", "/v1/runs/"+v.ID, "")
	if status != http.StatusOK || !strings.Contains(string(body), `"answered"`) {
		t.Fatalf("GET run: %d %s", status, body)
	}

	// The whole trace, then a resumption after event 3.
	all := e.events(v.ID, "")
	if len(all) < 5 || all[0].Event != "start" || all[len(all)-1].Event != "end" {
		t.Fatalf("events = %+v", all)
	}
	for i, m := range all {
		if m.ID != strconv.Itoa(i+1) {
			t.Fatalf("event %d has id %q", i, m.ID)
		}
	}
	rest := e.events(v.ID, "3")
	if len(rest) != len(all)-3 || rest[0].ID != "4" {
		t.Fatalf("resumed after 3: got %d events starting at %q, want %d", len(rest), rest[0].ID, len(all)-3)
	}

	t.Run("other keys cannot see it", func(t *testing.T) {
		_, other := e.newKey(store.NewKey{Name: "other"})
		status, body, _ := doReq(t, e.http.URL, other, "GET", "/v1/runs/"+v.ID, "")
		if status != http.StatusNotFound {
			t.Fatalf("status %d: %s", status, body)
		}
		errorShape(t, body)
	})
	t.Run("bad requests", func(t *testing.T) {
		for _, b := range []string{`{}`, `{"prompt":"x","policy":"nope"}`, `{"prompt":"x","budgett":1}`, `{"prompt":"x","tools":["missing"]}`} {
			status, body, _ := e.do("POST", "/v1/runs", b)
			if status != http.StatusBadRequest {
				t.Errorf("%s: status %d: %s", b, status, body)
			}
			errorShape(t, body)
		}
	})
}

// events reads a run's SSE trace, resuming after lastID when set.
func (e *env) events(runID, lastID string) []sseMessage {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.http.URL+"/v1/runs/"+runID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+e.secret)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		e.t.Fatalf("events: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return readSSE(e.t, resp.Body)
}

func TestRunLiveEventsAndCancel(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	e := newEnv(t, func(r chattest.Request) chattest.Reply {
		return chattest.Reply{Content: "late", Delay: time.Hour}
	})
	status, body, _ := e.do("POST", "/v1/runs", `{"prompt":"slow one"}`)
	if status != http.StatusAccepted {
		t.Fatalf("status %d: %s", status, body)
	}
	var v server.RunView
	_ = json.Unmarshal(body, &v)
	if v.Status != "running" {
		t.Fatalf("run = %+v", v)
	}
	// Subscribe while it runs; the stream must end when the run is
	// cancelled, with the end event last.
	got := make(chan []sseMessage)
	go func() { got <- e.events(v.ID, "") }()
	for len(e.up.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond) // wait until the call is in flight
	}
	status, body, _ = e.do("POST", "/v1/runs/"+v.ID+"/cancel", "")
	if status != http.StatusOK || !strings.Contains(string(body), `"cancelled"`) {
		t.Fatalf("cancel: %d %s", status, body)
	}
	evs := <-got
	if last := evs[len(evs)-1]; last.Event != "end" || !strings.Contains(last.Data, `"cancelled"`) {
		t.Fatalf("last event = %+v", last)
	}
	status, body, _ = e.do("POST", "/v1/runs/"+v.ID+"/cancel", "")
	if status != http.StatusConflict {
		t.Fatalf("second cancel: %d %s", status, body)
	}
	sp, _ := e.store.Spent(context.Background(), e.key.ID)
	if sp.Held != 0 {
		t.Errorf("a cancelled run left %s held", sp.Held)
	}
}

// TestClientDisconnectCancels checks that a client hanging up cancels its
// run and the upstream call in flight, and that the ledger is settled.
func TestClientDisconnectCancels(t *testing.T) {
	for _, model := range []string{"baton", "small"} {
		t.Run(model, func(t *testing.T) {
			e := newEnv(t, func(chattest.Request) chattest.Reply { return chattest.Reply{Content: "late", Delay: time.Hour} })
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, "POST", e.http.URL+"/v1/chat/completions",
				strings.NewReader(`{"model":"`+model+`","messages":[{"role":"user","content":"hang up on me"}]}`))
			req.Header.Set("Authorization", "Bearer "+e.secret)
			done := make(chan error)
			go func() {
				_, err := http.DefaultClient.Do(req)
				done <- err
			}()
			for len(e.up.Requests()) == 0 {
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
			if err := <-done; err == nil {
				t.Fatal("request succeeded after cancel")
			}
			// The run is recorded as cancelled: the upstream call (an hour
			// long) was abandoned, not waited for.
			runID := ""
			for runID == "" {
				runID = e.onlyRun(t)
				time.Sleep(5 * time.Millisecond)
			}
			for {
				run, err := e.store.GetRun(context.Background(), runID)
				if err != nil {
					t.Fatal(err)
				}
				if run.Status != "running" {
					if run.Status != string(episode.StatusCancelled) {
						t.Fatalf("status %s", run.Status)
					}
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			sp, _ := e.store.Spent(context.Background(), e.key.ID)
			if sp.Held != 0 {
				t.Errorf("held %s after the run ended", sp.Held)
			}
		})
	}
}

func TestPerRequestBudget(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name   string
		body   string
		hdr    []string
		status int
	}{
		{name: "header max cost too low for pass-through", body: `{"model":"small","messages":[{"role":"user","content":"x"}]}`,
			hdr: []string{"X-Baton-Max-Cost", "0.000001"}, status: 402},
		{name: "extension max cost too low for pass-through", body: `{"model":"small","messages":[{"role":"user","content":"x"}],"baton":{"budget":{"max_cost_usd":0.000001}}}`,
			status: 402},
		{name: "extension max cost too low for orchestrator", body: `{"model":"baton","messages":[{"role":"user","content":"x"}],"baton":{"budget":{"max_cost_usd":0.000001}}}`,
			status: 402},
		{name: "enough budget", body: `{"model":"baton","messages":[{"role":"user","content":"x"}],"baton":{"budget":{"max_cost_usd":0.02},"preferences":{"cost":1}}}`,
			hdr: []string{"X-Baton-Prefer", "cost"}, status: 200},
		{name: "bad prefer header", body: `{"model":"baton","messages":[{"role":"user","content":"x"}]}`,
			hdr: []string{"X-Baton-Prefer", "cheapish"}, status: 400},
		{name: "bad preferences", body: `{"model":"baton","messages":[{"role":"user","content":"x"}],"baton":{"preferences":{"speed":1}}}`, status: 400},
		{name: "client tools on orchestrator", body: `{"model":"baton","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}]}`, status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.do("POST", "/v1/chat/completions", tt.body, tt.hdr...)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if status != 200 {
				errorShape(t, body)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, nil)
	_, secret := e.newKey(store.NewKey{Name: "slow", RatePerMinute: 2})
	body := `{"model":"small","messages":[{"role":"user","content":"x"}]}`
	var codes []int
	var retry string
	for range 3 {
		status, b, h := doReq(t, e.http.URL, secret, "POST", "/v1/chat/completions", body)
		codes = append(codes, status)
		if status == 429 {
			retry = h.Get("Retry-After")
			_, typ, _, _ := errorShape(t, b)
			if typ != "rate_limit_error" {
				t.Errorf("type %q", typ)
			}
		}
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 || retry == "" {
		t.Fatalf("codes %v, Retry-After %q", codes, retry)
	}
}

func TestAuthAndRevocation(t *testing.T) {
	e := newEnv(t, nil)
	k, secret := e.newKey(store.NewKey{Name: "soon revoked"})
	body := `{"model":"small","messages":[{"role":"user","content":"x"}]}`
	if status, b, _ := doReq(t, e.http.URL, "", "POST", "/v1/chat/completions", body); status != 401 {
		t.Fatalf("no key: %d %s", status, b)
	}
	if status, b, _ := doReq(t, e.http.URL, secret, "POST", "/v1/chat/completions", body); status != 200 {
		t.Fatalf("valid key: %d %s", status, b)
	}
	if err := e.store.RevokeKey(context.Background(), k.ID); err != nil {
		t.Fatal(err)
	}
	status, b, _ := doReq(t, e.http.URL, secret, "POST", "/v1/chat/completions", body)
	if status != 401 || !strings.Contains(string(b), "revoked") {
		t.Fatalf("revoked key: %d %s", status, b)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	e := newEnv(t, nil)
	if status, _, _ := e.do("POST", "/v1/chat/completions", `{"model":"small","messages":[{"role":"user","content":"x"}]}`); status != 200 {
		t.Fatal(status)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if status, b, _ := doReq(t, e.http.URL, "", "GET", p, ""); status != 200 {
			t.Errorf("%s: %d %s", p, status, b)
		}
	}
	status, b, _ := doReq(t, e.http.URL, "", "GET", "/metrics", "")
	if status != 200 {
		t.Fatal(status)
	}
	for _, want := range []string{
		`baton_http_requests_total{code="200",route="chat_completions"} 1`,
		`baton_http_request_duration_seconds_bucket{route="chat_completions"`,
		`baton_cost_usd_total{model="small"}`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// /metrics is unauthenticated: it must not tell one tenant about another.
	if strings.Contains(string(b), e.key.ID) || strings.Contains(string(b), `key="`) {
		t.Errorf("/metrics names an API key:\n%s", b)
	}
	if strings.Contains(string(b), e.secret) {
		t.Error("/metrics contains a key's secret")
	}
	status, b, _ = doReq(t, e.http.URL, "", "GET", "/nowhere", "")
	if status != 404 {
		t.Errorf("unknown route: %d", status)
	}
	errorShape(t, b)
}

// onlyRun returns the ID of the single run in the database, or "".
func (e *env) onlyRun(t *testing.T) string {
	t.Helper()
	db := openDB(t, e.dbPath)
	var id string
	_ = db.QueryRow(`SELECT id FROM runs`).Scan(&id)
	return id
}
