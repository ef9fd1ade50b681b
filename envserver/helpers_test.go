package envserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/tool"
	"github.com/batonhq/baton/toolscale"
)

var (
	synthOnce sync.Once
	synthRoot string
	synthErr  error
)

// synthDir generates the movie domain once per test binary.
func synthDir(t *testing.T) string {
	t.Helper()
	synthOnce.Do(func() {
		synthRoot, synthErr = os.MkdirTemp("", "envserver-test-")
		if synthErr == nil {
			_, synthErr = toolscale.Generate(context.Background(), toolscale.Options{Domains: []string{"movie"}, Seed: 3, TasksPerDomain: 5, OutDir: synthRoot})
		}
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
	return filepath.Join(synthRoot, "movie")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if synthRoot != "" {
		os.RemoveAll(synthRoot)
	}
	os.Exit(code)
}

// echoEnv is a one-task env: its only tool returns 42 and the answer 42
// scores 1.
type echoEnv struct{}

func (echoEnv) Name() string { return "echo" }
func (echoEnv) Tasks() []episode.Task {
	return []episode.Task{{ID: "q1", Prompt: "What is six times seven?"}}
}
func (echoEnv) Tools(context.Context, episode.Task) (*tool.Set, error) {
	type none struct{}
	lookup := tool.MustFunc(tool.Spec{Name: "get_answer", Description: "Returns the answer."}, func(context.Context, none) (string, error) { return "42", nil })
	return tool.NewSet(lookup)
}
func (echoEnv) Score(_ context.Context, _ episode.Task, ep *episode.Episode) (env.Score, error) {
	if strings.TrimSpace(ep.Answer) == "42" {
		return env.Score{Outcome: 1, Correct: true, Breakdown: map[string]float64{"exact": 1}}, nil
	}
	return env.Score{Breakdown: map[string]float64{"exact": 0}}, nil
}

// testServer starts a loopback server with the standard registry, the
// echo env and opts.
func testServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	synthDir(t) // makes synthRoot
	reg := NewRegistry()
	Standard(reg, dataset.Options{Dir: "/work/shared/data", Offline: true}, synthRoot)
	reg.Register("echo", "test env", func(context.Context) (env.Env, error) { return echoEnv{}, nil })
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := NewServer(reg, opts)
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, hs
}

type client struct {
	t     *testing.T
	base  string
	token string // sent as a bearer token when set
}

// do sends a request and decodes the JSON response into out (when not
// nil); it returns the status.
func (c client) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return resp.StatusCode
}

func (c client) reset(body any) ResetResponse {
	c.t.Helper()
	var r ResetResponse
	if st := c.do("POST", "/v1/sessions", body, &r); st != http.StatusCreated {
		c.t.Fatalf("reset: HTTP %d", st)
	}
	return r
}

func (c client) step(id string, body any) StepResponse {
	c.t.Helper()
	var r StepResponse
	if st := c.do("POST", "/v1/sessions/"+id+"/step", body, &r); st != http.StatusOK {
		c.t.Fatalf("step %v: HTTP %d", body, st)
	}
	return r
}

// goldTasks reads the generated domain's tasks.
func goldTasks(t *testing.T, dir string) []toolscale.Task {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, toolscale.FileTasks))
	if err != nil {
		t.Fatal(err)
	}
	var ts []toolscale.Task
	if err := json.Unmarshal(b, &ts); err != nil {
		t.Fatal(err)
	}
	return ts
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
