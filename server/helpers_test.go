package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/server"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/sqlite"

	_ "github.com/batonhq/baton/policy/baseline"
)

// Prices of the scripted model "small": $1 per million input tokens, $2
// per million output tokens.
var smallPrice = money.Price{InputPerM: money.Dollar, OutputPerM: 2 * money.Dollar}

// defaultReply answers every request with a short text and fixed usage.
func defaultReply(chattest.Request) chattest.Reply {
	return chattest.Reply{Content: "forty two", Usage: chattest.Usage{PromptTokens: 20, CompletionTokens: 10}}
}

// testConfig is a baton.yaml with one model tool "small" served by up.
func testConfig(upURL string) string {
	return fmt.Sprintf(`
policy: cheapest
no_default_tools: true
budget: {max_turns: 4, max_time: 30s}
tools:
  - kind: llm.openai
    name: small
    options:
      model: small-1
      base_url: %q
      price: {input_per_million: "1", output_per_million: "2"}
      max_tokens: 100
      timeout: 20s
      max_retries: 0
`, upURL)
}

// env is a server on a real SQLite store in front of a scripted upstream.
type env struct {
	t      testing.TB
	up     *chattest.Server
	store  *sqlite.Store
	dbPath string
	srv    *server.Server
	http   *httptest.Server
	key    store.Key
	secret string
}

type envOption func(*server.Options)

func newEnv(t testing.TB, reply func(chattest.Request) chattest.Reply, opts ...envOption) *env {
	t.Helper()
	return newEnvConfig(t, testConfig, reply, opts...)
}

// newEnvConfig is [newEnv] with its baton.yaml from config(upstream URL).
func newEnvConfig(t testing.TB, yaml func(upURL string) string, reply func(chattest.Request) chattest.Reply, opts ...envOption) *env {
	t.Helper()
	ctx := context.Background()
	if reply == nil {
		reply = defaultReply
	}
	up := chattest.NewFunc(reply)
	t.Cleanup(up.Close)
	cfg, err := config.Parse([]byte(yaml(up.BaseURL())))
	if err != nil {
		t.Fatal(err)
	}
	set, err := cfg.OpenTools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	models, err := server.ModelsFromConfig(ctx, cfg, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "baton.db")
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	o := server.Options{
		Store: st, Tools: set, Models: models, DefaultPolicy: cfg.Policy, DefaultBudget: cfg.Budget.Episode(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, f := range opts {
		f(&o)
	}
	srv, err := server.New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	e := &env{t: t, up: up, store: st, dbPath: dbPath, srv: srv, http: hs}
	e.key, e.secret = e.newKey(store.NewKey{Name: "test"})
	return e
}

func (e *env) newKey(nk store.NewKey) (store.Key, string) {
	e.t.Helper()
	k, secret, err := e.store.CreateKey(context.Background(), nk)
	if err != nil {
		e.t.Fatal(err)
	}
	return k, secret
}

// do sends a request with the env's key and returns the status and body.
func (e *env) do(method, path, body string, hdr ...string) (int, []byte, http.Header) {
	e.t.Helper()
	return doReq(e.t, e.http.URL, e.secret, method, path, body, hdr...)
}

func doReq(t testing.TB, base, secret, method, path, body string, hdr ...string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

// errorShape decodes an OpenAI error body and fails unless it has one.
func errorShape(t testing.TB, body []byte) (msg, typ string, param, code *string) {
	t.Helper()
	var e struct {
		Error *struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == nil || e.Error.Message == "" || e.Error.Type == "" {
		t.Fatalf("not an OpenAI error object (%v): %s", err, body)
	}
	return e.Error.Message, e.Error.Type, e.Error.Param, e.Error.Code
}

// sseMessage is one parsed SSE message.
type sseMessage struct {
	ID, Event, Data string
}

// readSSE parses an SSE stream until EOF, skipping comments.
func readSSE(t testing.TB, r io.Reader) []sseMessage {
	t.Helper()
	var (
		out []sseMessage
		cur sseMessage
		has bool
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if has {
				out = append(out, cur)
			}
			cur, has = sseMessage{}, false
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "id: "):
			cur.ID, has = strings.TrimPrefix(line, "id: "), true
		case strings.HasPrefix(line, "event: "):
			cur.Event, has = strings.TrimPrefix(line, "event: "), true
		case strings.HasPrefix(line, "data: "):
			cur.Data, has = strings.TrimPrefix(line, "data: "), true
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func withLogger(w io.Writer) envOption {
	return func(o *server.Options) {
		o.Logger = slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}
