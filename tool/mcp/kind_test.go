package mcp

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

func getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "plain.txt")
	if err := os.WriteFile(notExec, []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, options string
		want          []string
	}{
		{"neither", `{}`, []string{`"srv"`, "either command", "or url"}},
		{"both", `{"command":["x"],"url":"http://localhost:1"}`, []string{"only one of command and url"}},
		{"unknown option", `{"comand":["x"]}`, []string{"comand"}},
		{"empty program", `{"command":[""]}`, []string{"program name is empty"}},
		{"not in PATH", `{"command":["baton-no-such-server-xyz"]}`, []string{`"baton-no-such-server-xyz" not found in PATH`}},
		{"missing file", `{"command":["./nope/server"]}`, []string{`command "./nope/server" not found`}},
		{"not executable", `{"command":["` + notExec + `"]}`, []string{"not an executable file"}},
		{"exits at start", `{"command":["` + serverBin + `","-exit","4"]}`, []string{"failed to initialise", "exit status 4", "cannot open database"}},
		{"bad url", `{"url":"ftp://x"}`, []string{"http:// or https://"}},
		{"unset env reference", `{"command":["x"],"env":{"TOKEN":"${NOPE}"}}`, []string{"env TOKEN", "NOPE is not set"}},
		{"bad env name", `{"command":["x"],"env":{"1X":"v"}}`, []string{`"1X" is not an environment variable name`}},
		{"env with url", `{"url":"http://localhost:1","env":{"A":"b"}}`, []string{"env applies only to a command"}},
		{"headers with command", `{"command":["x"],"headers_env":{"Authorization":"T"}}`, []string{"headers_env applies only to a url"}},
		{"unset header env", `{"url":"http://localhost:1","headers_env":{"Authorization":"NOPE"}}`, []string{"headers_env Authorization", "NOPE is not set"}},
		{"bad timeout", `{"command":["x"],"timeout":"soon"}`, []string{"soon", "30s"}},
		{"negative timeout", `{"command":["x"],"timeout":"-1s"}`, []string{"negative"}},
		{"negative price", `{"command":["x"],"price_per_call":-1}`, []string{"negative"}},
		{"unreachable url", `{"url":"http://127.0.0.1:1/mcp"}`, []string{"failed to initialise"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tool.Open(context.Background(), KindID, tool.Config{Name: "srv", Options: json.RawMessage(tc.options), Getenv: getenv(nil), Dir: dir})
			if err == nil {
				t.Fatal("Open succeeded")
			}
			t.Logf("error: %v", err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestOpenStdio(t *testing.T) {
	dir := t.TempDir()
	// A relative command resolves against the config directory.
	if err := os.Symlink(serverBin, filepath.Join(dir, "server")); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, options string
		prefix        string
		tool, args    string
		want          string
		wantTimeout   time.Duration
	}{
		{name: "default prefix is the name", options: `{"command":["./server"]}`, prefix: "files.", tool: "echo", args: `{"text":"hi"}`, want: "hi"},
		{name: "explicit prefix", options: `{"command":["./server"],"prefix":"fs"}`, prefix: "fs.", tool: "echo", args: `{"text":"hi"}`, want: "hi"},
		{name: "no prefix", options: `{"command":["./server"],"prefix":""}`, tool: "echo", args: `{"text":"hi"}`, want: "hi"},
		{name: "env expanded", options: `{"command":["./server"],"env":{"BATON_MCP_TEST":"v-${SECRET}-$x"}}`, prefix: "files.", tool: "env", args: `{"name":"BATON_MCP_TEST"}`, want: "v-s3cret-$x"},
		{name: "dir defaults to config dir", options: `{"command":["./server"]}`, prefix: "files.", tool: "cwd", args: `{}`, want: dir},
		{name: "dir relative to config dir", options: `{"command":["../server"],"dir":"work"}`, prefix: "files.", tool: "cwd", args: `{}`, want: work},
		{name: "timeout string", options: `{"command":["./server"],"timeout":"1m30s"}`, prefix: "files.", tool: "echo", args: `{"text":"t"}`, want: "t", wantTimeout: 90 * time.Second},
		{name: "timeout seconds", options: `{"command":["./server"],"timeout":2.5}`, prefix: "files.", tool: "echo", args: `{"text":"t"}`, want: "t", wantTimeout: 2500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := tool.Open(context.Background(), KindID, tool.Config{Name: "files", Options: json.RawMessage(tc.options), Getenv: getenv(map[string]string{"SECRET": "s3cret"}), Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			set, err := tool.NewSet(ts...)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { set.Close() })
			spec, ok := set.Spec(tc.prefix + tc.tool)
			if !ok {
				t.Fatalf("no tool %q in %v", tc.prefix+tc.tool, set.Names())
			}
			if spec.Timeout != tc.wantTimeout || !spec.HasTag(tool.TagLocal) || spec.HasTag(tool.TagRemote) {
				t.Errorf("spec timeout %s tags %v; want %s, local", spec.Timeout, spec.Tags, tc.wantTimeout)
			}
			res, err := set.Call(context.Background(), tc.prefix+tc.tool, json.RawMessage(tc.args))
			if err != nil || res.IsError || res.Content != tc.want {
				t.Errorf("Call = %+v, %v; want content %q", res, err, tc.want)
			}
		})
	}
}

func TestOpenHTTPHeaders(t *testing.T) {
	requireAuth := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer s3cret" || r.Header.Get("X-Team") != "blue" {
				http.Error(w, "unauthorised", http.StatusUnauthorized)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	srv := serveHTTP(t, requireAuth)
	env := getenv(map[string]string{"TOKEN": "s3cret", "TEAM": "blue", "WRONG": "nope"})
	cases := []struct {
		name, headers string
		wantErr       string
	}{
		{name: "template and plain", headers: `{"Authorization":"Bearer ${TOKEN}","X-Team":"TEAM"}`},
		{name: "wrong token", headers: `{"Authorization":"Bearer ${WRONG}","X-Team":"TEAM"}`, wantErr: "failed to initialise"},
		{name: "no headers", headers: `{}`, wantErr: "failed to initialise"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := `{"url":"` + srv.ts.URL + `","headers_env":` + tc.headers + `,"price_per_call":"0.01","timeout":"10s"}`
			ts, err := tool.Open(context.Background(), KindID, tool.Config{Name: "remote", Options: json.RawMessage(opts), Getenv: env})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Open error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			set, err := tool.NewSet(ts...)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { set.Close() })
			spec, _ := set.Spec("remote.add")
			if !spec.HasTag(tool.TagRemote) || spec.Price.PerCall != money.MustParse("0.01") || spec.Timeout != 10*time.Second {
				t.Errorf("spec = %+v; want tag remote, $0.01 per call, 10s timeout", spec)
			}
			res, err := set.Call(context.Background(), "remote.add", json.RawMessage(`{"a":40,"b":2}`))
			if err != nil || string(res.Data) != `{"sum":42}` {
				t.Errorf("Call = %+v, %v", res, err)
			}
		})
	}
}
