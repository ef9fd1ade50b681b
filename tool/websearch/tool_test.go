package websearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func jsonReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// newTestSearch builds a keyed tool pointed at the fake server, with
// recorded instead of real sleeps.
func newTestSearch(t *testing.T, f *fakeTavily, opts Options) (*Search, *sleepRecorder) {
	t.Helper()
	opts.BaseURL = f.URL
	s, err := New("", opts, "tvly-test-key")
	if err != nil {
		t.Fatal(err)
	}
	rec := &sleepRecorder{}
	s.sleep = rec.sleep
	s.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	return s, rec
}

func call(t *testing.T, s *Search, args string) *tool.Result {
	t.Helper()
	set, err := tool.NewSet(s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := set.Call(context.Background(), s.Spec().Name, json.RawMessage(args))
	if err != nil {
		t.Fatalf("Call: %v", err)
	}
	return res
}

func TestSearchSuccess(t *testing.T) {
	f := newFakeTavily(t, reply{status: 200, body: successBody})
	s, _ := newTestSearch(t, f, Options{IncludeAnswer: true, MaxResults: 8})
	res := call(t, s, `{"query": "who wrote the go memory model", "max_results": 3}`)
	if res.IsError {
		t.Fatalf("error result: %s", res.Content)
	}
	golden(t, "success.golden", res.Content)

	var data Response
	if err := json.Unmarshal(res.Data, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Results) != 2 || data.Results[0].URL != "https://go.dev/ref/mem" || data.Results[0].Score != 0.98 || data.Answer == "" {
		t.Fatalf("Data = %s", res.Data)
	}
	if want := money.MustParse("0.008"); res.Cost != want {
		t.Errorf("Cost = %s, want %s", res.Cost, want)
	}

	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != "POST" || r.path != "/search" || r.auth != "Bearer tvly-test-key" || r.contentType != "application/json" {
		t.Errorf("request = %+v", r)
	}
	if r.decodeErr != nil {
		t.Errorf("request body is not Tavily's shape: %v", r.decodeErr)
	}
	want := tavilyRequest{Query: "who wrote the go memory model", MaxResults: 3, SearchDepth: "basic", IncludeAnswer: true}
	if r.body != want {
		t.Errorf("request body = %+v, want %+v", r.body, want)
	}
}

func TestSearchFailures(t *testing.T) {
	tests := []struct {
		name      string
		script    []reply
		opts      Options
		wantErr   bool
		want      string // substring of Content
		wantReqs  int
		wantWaits []time.Duration
	}{
		{
			name:     "unauthorized shows the provider's message",
			script:   []reply{{status: 401, body: `{"detail": {"error": "Unauthorized: missing or invalid API key."}}`}},
			wantErr:  true,
			want:     "web_search: web search: HTTP 401 from the provider: Unauthorized: missing or invalid API key. (check TAVILY_API_KEY)",
			wantReqs: 1,
		},
		{
			name:     "bad request is not retried",
			script:   []reply{{status: 400, body: `{"detail": "Query is too long."}`}},
			wantErr:  true,
			want:     "HTTP 400 from the provider: Query is too long.",
			wantReqs: 1,
		},
		{
			name:     "plain text error body",
			script:   []reply{{status: 404, body: "  no such\n endpoint "}},
			wantErr:  true,
			want:     "HTTP 404 from the provider: no such endpoint",
			wantReqs: 1,
		},
		{
			name: "429 with Retry-After seconds, then success",
			script: []reply{
				{status: 429, headers: map[string]string{"Retry-After": "7"}, body: `{"detail": {"error": "Rate limit exceeded"}}`},
				{status: 200, body: successBody},
			},
			want:      "1. The Go Memory Model",
			wantReqs:  2,
			wantWaits: []time.Duration{7 * time.Second},
		},
		{
			name: "429 with Retry-After date, then success",
			script: []reply{
				{status: 429, headers: map[string]string{"Retry-After": "Fri, 02 Jan 2026 03:04:17 GMT"}},
				{status: 200, body: successBody},
			},
			want:      "1. The Go Memory Model",
			wantReqs:  2,
			wantWaits: []time.Duration{12 * time.Second},
		},
		{
			name:      "503 then success uses backoff",
			script:    []reply{{status: 503, body: "busy"}, {status: 200, body: successBody}},
			want:      "2. Updating the Go Memory Model",
			wantReqs:  2,
			wantWaits: []time.Duration{500 * time.Millisecond},
		},
		{
			name:      "500s exhaust the attempts",
			script:    []reply{{status: 500, body: `{"detail": {"error": "Internal error"}}`}},
			wantErr:   true,
			want:      "HTTP 500 from the provider: Internal error (gave up after 3 attempts)",
			wantReqs:  3,
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second},
		},
		{
			name:     "max_attempts 1 does not retry",
			script:   []reply{{status: 502, body: "bad gateway"}},
			opts:     Options{MaxAttempts: 1},
			wantErr:  true,
			want:     "gave up after 1 attempts",
			wantReqs: 1,
		},
		{
			name:     "Retry-After beyond the cap is reported, not waited for",
			script:   []reply{{status: 429, headers: map[string]string{"Retry-After": "3600"}, body: `{"detail": {"error": "Usage limit exceeded"}}`}},
			wantErr:  true,
			want:     "Usage limit exceeded; the provider asks to wait 1h0m0s",
			wantReqs: 1,
		},
		{
			name:     "malformed JSON",
			script:   []reply{{status: 200, body: `{"results": [`}},
			wantErr:  true,
			want:     "websearch: malformed response",
			wantReqs: 1,
		},
		{
			name:     "results of the wrong type",
			script:   []reply{{status: 200, body: `{"results": {"title": "x"}}`}},
			wantErr:  true,
			want:     `malformed response: "results"`,
			wantReqs: 1,
		},
		{
			name:     "result without url",
			script:   []reply{{status: 200, body: `{"results": [{"title": "x", "content": "y"}]}`}},
			wantErr:  true,
			want:     "result 1 has no url",
			wantReqs: 1,
		},
		{
			name:     "oversized body",
			script:   []reply{{status: 200, body: `{"results": [], "padding": "` + strings.Repeat("x", 4096) + `"}`}},
			opts:     Options{MaxBodyBytes: 2048},
			wantErr:  true,
			want:     "the response is larger than 2048 bytes (max_body_bytes)",
			wantReqs: 1,
		},
		{
			name:     "no results",
			script:   []reply{{status: 200, body: `{"query": "q", "results": []}`}},
			want:     `No web results for "zxqv".`,
			wantReqs: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeTavily(t, tc.script...)
			s, rec := newTestSearch(t, f, tc.opts)
			res := call(t, s, `{"query": "zxqv"}`)
			if res.IsError != tc.wantErr {
				t.Fatalf("IsError = %v, want %v: %s", res.IsError, tc.wantErr, res.Content)
			}
			if !strings.Contains(res.Content, tc.want) {
				t.Fatalf("Content = %q, want it to contain %q", res.Content, tc.want)
			}
			if n := len(f.requests()); n != tc.wantReqs {
				t.Errorf("%d requests, want %d", n, tc.wantReqs)
			}
			if len(rec.waits) != len(tc.wantWaits) {
				t.Fatalf("waits = %v, want %v", rec.waits, tc.wantWaits)
			}
			for i := range rec.waits {
				if rec.waits[i] != tc.wantWaits[i] {
					t.Fatalf("waits = %v, want %v", rec.waits, tc.wantWaits)
				}
			}
		})
	}
}

func TestTransportErrorsAreRetried(t *testing.T) {
	f := newFakeTavily(t, reply{status: 200, body: successBody})
	s, rec := newTestSearch(t, f, Options{})
	f.Close() // nothing listens any more
	res := call(t, s, `{"query": "x"}`)
	if !res.IsError || !strings.Contains(res.Content, "request failed") || !strings.Contains(res.Content, "gave up after 3 attempts") {
		t.Fatalf("Content = %q", res.Content)
	}
	if len(rec.waits) != 2 {
		t.Errorf("waits = %v, want two backoffs", rec.waits)
	}
}

func TestCancellationReachesTheRequest(t *testing.T) {
	f := newFakeTavily(t, reply{block: true})
	s, _ := newTestSearch(t, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Call(ctx, json.RawMessage(`{"query": "slow"}`))
		done <- err
	}()
	<-f.started // the request is in flight
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Call after cancel: %v, want context.Canceled", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (no retry after cancellation)", n)
	}
}

func TestDisabledWithoutKey(t *testing.T) {
	ts, err := tool.Open(context.Background(), KindID, tool.Config{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatalf("Open without a key must not fail: %v", err)
	}
	s := ts[0]
	spec := s.Spec()
	if !spec.HasTag(TagDisabled) || !strings.Contains(spec.Description, "disabled") || !spec.Price.IsZero() {
		t.Errorf("Spec = %+v, want tag %q, a description saying disabled, and no price", spec, TagDisabled)
	}
	res, err := s.Call(context.Background(), json.RawMessage(`{"query": "anything"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "web search is disabled: set TAVILY_API_KEY (or configure websearch in baton.yaml)"
	if !res.IsError || !strings.Contains(res.Content, want) {
		t.Fatalf("Call = %+v, want an error Result saying %q", res, want)
	}
}

func TestOpenOptions(t *testing.T) {
	env := map[string]string{"TAVILY_API_KEY": "tvly-a", "MY_KEY": "tvly-b"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name, options string
		wantErr       string
		check         func(t *testing.T, s *Search)
	}{
		{name: "defaults", check: func(t *testing.T, s *Search) {
			sp := s.Spec()
			if s.key != "tvly-a" || s.opts.BaseURL != DefaultBaseURL || sp.Name != DefaultName || sp.Price.PerCall != PriceBasic || sp.Timeout != DefaultTimeout {
				t.Errorf("got key %q, %+v, spec %+v", s.key, s.opts, sp)
			}
			if !sp.HasTag(tool.TagRemote) || !sp.HasTag(tool.TagSearch) || sp.HasTag(TagDisabled) {
				t.Errorf("tags %v", sp.Tags)
			}
		}},
		{name: "other key variable", options: `{"api_key_env": "MY_KEY"}`, check: func(t *testing.T, s *Search) {
			if s.key != "tvly-b" {
				t.Errorf("key = %q", s.key)
			}
		}},
		{name: "missing named variable disables", options: `{"api_key_env": "NOPE"}`, check: func(t *testing.T, s *Search) {
			res, _ := s.Call(context.Background(), json.RawMessage(`{"query": "x"}`))
			if !strings.Contains(res.Content, "set NOPE") {
				t.Errorf("Content = %q", res.Content)
			}
		}},
		{name: "advanced depth costs two credits", options: `{"search_depth": "advanced"}`, check: func(t *testing.T, s *Search) {
			if s.Spec().Price.PerCall != PriceAdvanced {
				t.Errorf("price %s", s.Spec().Price.PerCall)
			}
		}},
		{name: "price and timeout", options: `{"price_per_call": "0.005", "timeout": "5s"}`, check: func(t *testing.T, s *Search) {
			if s.Spec().Price.PerCall != money.MustParse("0.005") || s.Spec().Timeout != 5*time.Second {
				t.Errorf("spec %+v", s.Spec())
			}
		}},
		{name: "timeout in seconds", options: `{"timeout": 2.5}`, check: func(t *testing.T, s *Search) {
			if s.Spec().Timeout != 2500*time.Millisecond {
				t.Errorf("timeout %s", s.Spec().Timeout)
			}
		}},
		{name: "key in config is refused", options: `{"api_key": "tvly-secret"}`, wantErr: "keys must not be written in baton.yaml"},
		{name: "unknown option", options: `{"max_result": 3}`, wantErr: "max_result"},
		{name: "bad max_results", options: `{"max_results": 50}`, wantErr: "max_results 50: want 1 to 20"},
		{name: "bad depth", options: `{"search_depth": "deep"}`, wantErr: "search_depth"},
		{name: "bad base_url", options: `{"base_url": "api.tavily.com"}`, wantErr: "base_url"},
		{name: "bad timeout", options: `{"timeout": "soon"}`, wantErr: "duration"},
		{name: "negative price", options: `{"price_per_call": -1}`, wantErr: "price_per_call"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := tool.Open(context.Background(), KindID, tool.Config{Options: json.RawMessage(tc.options), Getenv: getenv})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Open: %v, want an error mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, ts[0].(*Search))
		})
	}
}

func TestArgumentValidation(t *testing.T) {
	f := newFakeTavily(t, reply{status: 200, body: successBody})
	s, _ := newTestSearch(t, f, Options{})
	tests := []struct{ name, args, want string }{
		{"query of wrong type", `{"query": 5}`, "/query"},
		{"empty query", `{"query": ""}`, "/query"},
		{"blank query", `{"query": "   "}`, "/query is empty"},
		{"too many results", `{"query": "x", "max_results": 100}`, "/max_results"},
		{"unknown argument", `{"query": "x", "site": "go.dev"}`, "site"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := call(t, s, tc.args)
			if !res.IsError || !strings.Contains(res.Content, tc.want) {
				t.Fatalf("Content = %q, want an error naming %q", res.Content, tc.want)
			}
		})
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests for invalid arguments, want 0", n)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update and review):\n%s", path, got)
	}
}
