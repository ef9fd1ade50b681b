package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// startCommand runs baton args in-process until the test ends and returns
// the URL the server printed.
func startCommand(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	u, _ := startStoppable(t, env, args...)
	return u
}

// startStoppable is [startCommand] that also returns a stop: it cancels
// the command and fails the test unless it exits 0. Stopping twice (or at
// the test's end) is harmless.
func startStoppable(t *testing.T, env map[string]string, args ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	e := &Env{Stdout: io.Discard, Stderr: pw, Stdin: strings.NewReader(""), Getenv: func(k string) string { return env[k] }}
	done := make(chan int, 1)
	go func() { done <- Run(ctx, e, args); pw.Close() }()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "listening on "); ok {
				urls <- strings.Fields(u)[0]
			}
		}
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("%v exited %d after SIGINT-like cancel", args, code)
			}
		})
	}
	t.Cleanup(stop)
	select {
	case u := <-urls:
		return u, stop
	case code := <-done:
		t.Fatalf("%v exited %d before listening", args, code)
	case <-time.After(20 * time.Second):
		t.Fatalf("%v did not start listening", args)
	}
	return "", stop
}

// createKey creates a key in db with baton keys create --json and returns
// its secret.
func createKey(t *testing.T, db string) string {
	t.Helper()
	code, out, errs := run(t, nil, "keys", "create", "--name", "t", "--db", db, "--json")
	var k struct {
		Secret string `json:"secret"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &k) != nil || k.Secret == "" {
		t.Fatalf("keys create: exit %d, output %q, stderr %s", code, out, errs)
	}
	return k.Secret
}

// holdSlowBodies opens n connections from 127.0.0.1 that start a POST and
// never finish its body, and returns how many got an immediate 503.
func holdSlowBodies(t *testing.T, addr, auth string, n int) int {
	t.Helper()
	refused := 0
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		fmt.Fprintf(c, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100000\r\n\r\n{", auth)
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			if resp.StatusCode == http.StatusServiceUnavailable {
				refused++
			}
			resp.Body.Close()
		}
	}
	return refused
}

func TestServeCapsSlowBodyClients(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "baton.db")
	base := startCommand(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", db, "--log-level", "error", "--max-conns-per-client", "3", "--shutdown-timeout", "1s")
	if got := holdSlowBodies(t, strings.TrimPrefix(base, "http://"), "bk_whatever", 10); got != 7 {
		t.Fatalf("%d of 10 slow-body connections refused; want 7 past a per-client cap of 3", got)
	}
	// A well-behaved client from another address is still served.
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	hc := http.Client{Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 5 * time.Second}
	resp, err := hc.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz from another address: %d", resp.StatusCode)
	}
}

func TestEnvServeNeedsItsToken(t *testing.T) {
	t.Chdir(t.TempDir())
	base := startCommand(t, map[string]string{"BATON_ENV_TOKEN": "tok-0123456789abcdef"}, "env", "serve", "--addr", "127.0.0.1:0")
	for _, tc := range []struct {
		token string
		want  int
	}{{"", 401}, {"tok-wrong-0123456789", 401}, {"tok-0123456789abcdef", 200}} {
		req, _ := http.NewRequest("GET", base+"/v1/envs", nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("token %q: HTTP %d, want %d", tc.token, resp.StatusCode, tc.want)
		}
	}
	if code, _, errs := run(t, nil, "env", "serve", "--token", "short"); code != 2 || !strings.Contains(errs, "16 characters") {
		t.Errorf("short token: exit %d %q", code, errs)
	}
}

// TestServeTimeouts: a stalled body is answered 408 and an idle keep-alive
// is closed, on a real baton serve.
func TestServeTimeouts(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "baton.db")
	secret := createKey(t, db)
	base := startCommand(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", db, "--log-level", "error",
		"--body-timeout", "200ms", "--idle-timeout", "200ms", "--shutdown-timeout", "1s")
	addr := strings.TrimPrefix(base, "http://")

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n{", secret)
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(b), "request_timeout") {
		t.Fatalf("stalled body: HTTP %d %s; want 408 request_timeout", resp.StatusCode, b)
	}

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprintf(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(idle)
	resp, err = http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 || resp.Close {
		t.Fatalf("keep-alive healthz: %v %+v", err, resp)
	}
	io.Copy(io.Discard, resp.Body)
	_ = idle.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle keep-alive still open after 3s with --idle-timeout 200ms: %v", err)
	}
}
