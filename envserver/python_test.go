package envserver

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const python = "/usr/bin/python3"

// TestPythonClient runs examples/envclient.py against a real server.
func TestPythonClient(t *testing.T) {
	if _, err := os.Stat(python); err != nil {
		t.Skip("no python3")
	}
	dir := synthDir(t)
	_, hs := testServer(t, Options{Tokens: []string{tokA}})
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"echo env rewards the read answer", []string{"--env", "echo"},
			[]string{"env=echo task=q1 tools=1", "turn 1 get_answer error=False: 42", "turn 2 answer", "done reward=1 correct=True"}},
		{"synth domain reads then answers", []string{"--env", "synth:" + dir, "--index", "0"},
			[]string{"tools=11", "turn 1 find_customer_by_email error=False", "done reward=0"}},
		{"unknown env is a clear error", []string{"--env", "nope"}, []string{"error: POST /v1/sessions: HTTP 404 unknown_env"}},
		{"unknown wrong token is a clear error", []string{"--env", "echo", "--token", "wrong-token-0123456789"}, []string{"HTTP 401 unauthorized"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"../examples/envclient.py", "--url", hs.URL, "--token", tokA}, tc.args...)
			out, err := exec.CommandContext(context.Background(), python, args...).CombinedOutput()
			text := string(out)
			if strings.HasPrefix(tc.name, "unknown") {
				if err == nil {
					t.Fatalf("exit 0, want failure:\n%s", text)
				}
			} else if err != nil {
				t.Fatalf("%v:\n%s", err, text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%s", w, text)
				}
			}
		})
	}
}
