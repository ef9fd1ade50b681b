package envserver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/httplimit"
)

const tokA, tokB = "tenant-a-0123456789abcdef", "tenant-b-0123456789abcdef"

// serveReal serves the standard registry plus echo on a real loopback
// listener through ServeListener, as baton env serve does.
func serveReal(t *testing.T, opts Options) string {
	t.Helper()
	synthDir(t)
	reg := NewRegistry()
	Standard(reg, dataset.Options{Dir: "/work/shared/data", Offline: true}, synthRoot)
	reg.Register("echo", "test env", func(context.Context) (env.Env, error) { return echoEnv{}, nil })
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeListener(ctx, ln, reg, opts) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

func TestServeRefusesToRunWithoutTokens(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := ServeListener(context.Background(), ln, NewRegistry(), Options{}); err == nil {
		t.Fatal("ServeListener served without any token")
	}
}

func TestTokenRequired(t *testing.T) {
	base := serveReal(t, Options{Tokens: []string{tokA}})
	for _, tc := range []struct{ name, token string }{{"none", ""}, {"wrong", "tenant-x-0123456789abcdef"}, {"prefix of the right one", tokA[:10]}} {
		t.Run(tc.name, func(t *testing.T) {
			c := client{t, base, tc.token}
			var e ErrorResponse
			for _, path := range []string{"/v1/envs", "/v1/envs/echo/tasks"} {
				if st := c.do("GET", path, nil, &e); st != http.StatusUnauthorized || e.Error.Code != "unauthorized" {
					t.Fatalf("GET %s with token %q: HTTP %d %+v, want 401", path, tc.token, st, e)
				}
			}
			if st := c.do("POST", "/v1/sessions", map[string]any{"env": "echo"}, &e); st != http.StatusUnauthorized {
				t.Fatalf("reset without the token: HTTP %d", st)
			}
		})
	}
	if st := (client{t, base, tokA}).do("GET", "/v1/envs", nil, nil); st != http.StatusOK {
		t.Fatalf("with the token: HTTP %d", st)
	}
}

func TestTenantsCannotSeeOrStarveEachOther(t *testing.T) {
	base := serveReal(t, Options{Tokens: []string{tokA, tokB}, MaxSessions: 10, MaxSessionsPerToken: 3})
	a, b := client{t, base, tokA}, client{t, base, tokB}
	var mine []string
	for range 3 {
		mine = append(mine, a.reset(map[string]any{"env": "echo"}).SessionID)
	}
	var e ErrorResponse
	if st := a.do("POST", "/v1/sessions", map[string]any{"env": "echo"}, &e); st != http.StatusTooManyRequests || e.Error.Code != "too_many_sessions" {
		t.Fatalf("tenant A's 4th session over a per-token cap of 3: HTTP %d %+v", st, e)
	}
	// B still gets sessions though A is at its cap.
	theirs := b.reset(map[string]any{"env": "echo"}).SessionID
	// B cannot see, step or delete A's sessions: the same 404 as a missing one.
	for _, req := range []struct{ method, path string }{
		{"GET", "/v1/sessions/" + mine[0]},
		{"POST", "/v1/sessions/" + mine[0] + "/step"},
		{"DELETE", "/v1/sessions/" + mine[0]},
	} {
		var body any
		if req.method == "POST" {
			body = map[string]any{"answer": "42"}
		}
		if st := b.do(req.method, req.path, body, &e); st != http.StatusNotFound || e.Error.Code != "unknown_session" {
			t.Fatalf("tenant B %s %s: HTTP %d %+v, want 404 unknown_session", req.method, req.path, st, e)
		}
	}
	// A's session is intact and A's own calls work.
	if s := a.step(mine[0], map[string]any{"answer": "42"}); !s.Done || s.Reward != 1 {
		t.Fatalf("A's session after B's attempts: %+v", s)
	}
	if st := a.do("DELETE", "/v1/sessions/"+theirs, nil, nil); st != http.StatusNotFound {
		t.Fatalf("A deleted B's session: HTTP %d", st)
	}
}

func TestSynthIsNoFileOracle(t *testing.T) {
	base := serveReal(t, Options{Tokens: []string{tokA}})
	c := client{t, base, tokA}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(synthRoot, "escape")
	if err := os.Symlink(outside, link); err != nil && !errors.Is(err, os.ErrExist) {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(link) })
	var want string
	for i, name := range []string{
		"synth:" + outside,                      // exists
		"synth:" + filepath.Join(outside, "no"), // does not exist
		"synth:/etc/passwd",
		"synth:../../../../etc",
		"synth:escape", // a symlink under the root leading out
	} {
		var e ErrorResponse
		st := c.do("POST", "/v1/sessions", map[string]any{"env": name}, &e)
		got := fmt.Sprintf("%d %s", st, e.Error.Code)
		if st != http.StatusNotFound || e.Error.Code != "unknown_env" {
			t.Fatalf("%s: %s %q, want 404 unknown_env", name, got, e.Error.Message)
		}
		if i == 0 {
			want = got
		} else if got != want {
			t.Fatalf("%s answered %s, %s answered %s: existence leaks", name, got, "synth:"+outside, want)
		}
	}
	// A domain under the root is served.
	if r := c.reset(map[string]any{"env": "synth:movie", "index": 0}); r.TaskID == "" {
		t.Fatalf("synth:movie under the root: %+v", r)
	}
}

func TestSlowBodyCannotHoldTheEnvServer(t *testing.T) {
	base := serveReal(t, Options{Tokens: []string{tokA}, Limits: httplimit.Limits{MaxConnsPerClient: 3, BodyTimeout: 5 * time.Second}})
	addr := base[len("http://"):]
	refused := 0
	for range 10 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n{", tokA)
		_ = c.SetReadDeadline(time.Now().Add(150 * time.Millisecond))
		buf := make([]byte, 12)
		if n, _ := io.ReadFull(c, buf); n == 12 && string(buf[9:12]) == "503" {
			refused++
		}
	}
	if refused != 7 {
		t.Fatalf("%d of 10 slow-body connections refused at once; want 7 past a per-client cap of 3", refused)
	}
}

func TestSlowBodyIsCutOffWith408(t *testing.T) {
	base := serveReal(t, Options{Tokens: []string{tokA}, Limits: httplimit.Limits{BodyTimeout: 200 * time.Millisecond}})
	c, err := net.Dial("tcp", base[len("http://"):])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n{", tokA)
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body within 3s: %v", err)
	}
	defer resp.Body.Close()
	var e ErrorResponse
	_ = json.NewDecoder(resp.Body).Decode(&e)
	if resp.StatusCode != http.StatusRequestTimeout || e.Error.Code != "request_timeout" || !resp.Close {
		t.Fatalf("HTTP %d %+v close=%v; want 408 request_timeout and the connection closed", resp.StatusCode, e, resp.Close)
	}
}
