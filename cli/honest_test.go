package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"

	_ "github.com/batonhq/baton/policy/learned" // --policy learned
)

// TestMisuseExitsTwoWithOneLine: an unknown flag or a bad value exits 2
// with exactly one error line that points at --help.
func TestMisuseExitsTwoWithOneLine(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--bogus", "x"},
		{"run", "x", "--max-turns", "0x10"},
		{"run", "x", "--max-turns", "-1"},
		{"run", "x", "--max-time", "-5s"},
		{"run", "x", "--max-time", "NaN"},
		{"run", "x", "--max-cost", "0x1p-3"},
		{"run", "x", "--max-cost", "NaN"},
		{"run", "x", "--seed", "1e3"},
		{"keys", "create", "--name", "a", "--per-day", "0x10"},
		{"keys", "create", "--name", "a", "--per-day", "Inf"},
		{"keys", "create", "--name", "a", "--rate", "-3"},
		{"serve", "--max-body", "0x100"},
		{"serve", "--budget-lease", "-1"},
		{"serve", "--budget-lease", "NaN"},
		{"serve", "--heartbeat-ttl", "1s"},
		{"tools", "--nope"},
		{"frobnicate"},
		{"run", "x", "--policy", "nonesuch"},
		{"run", "x", "--tools", "math,nosuch"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errs := run(t, nil, args...)
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if code != 2 || len(lines) != 1 || !strings.Contains(errs, "--help") {
				t.Fatalf("exit %d, stderr %d lines %q (stdout %q); want exit 2 and one line pointing at --help", code, len(lines), errs, out)
			}
		})
	}
	code, _, errs := run(t, nil, "run", "--help")
	if code != 0 || !strings.Contains(errs, "Usage: baton run") || !strings.Contains(errs, "-max-cost") {
		t.Fatalf("--help: exit %d, %q", code, errs)
	}
}

// TestRunStatusMatchesOutcome: with no model configured a task only a model
// could answer fails at once, naming what to configure, and exits 1; the
// learned policy ending without an answer is no_answer, exit 1.
func TestRunStatusMatchesOutcome(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("OPENAI_API_KEY", "")
	code, out, errs := run(t, nil, "run", "What is the capital of France?")
	if code != 1 || strings.Contains(out, "Status:  answered") || !strings.Contains(out, "Status:  failed") ||
		!strings.Contains(out, "no model is configured: add an llm.openai or llm.anthropic tool to baton.yaml (e.g. tools: [{kind: llm.openai, options: {model: gpt-5-mini}}]) and set its key") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run(t, nil, "run", "x", "--policy", "learned", "--tools", "math")
	if code != 1 || !strings.Contains(out, "Status:  no_answer") {
		t.Fatalf("learned with nothing to answer: exit %d\n%s\n%s", code, out, errs)
	}
	code, _, errs = run(t, nil, "run", "--policy", "fixed", "x")
	if code != 1 || strings.Count(errs, "policy fixed") != 1 {
		t.Fatalf("fixed without tools: exit %d, %q; want the policy named once", code, errs)
	}
}

// TestModelWithoutKeyDoesNotStopCommands: an llm.* tool whose key is not
// set is listed disabled (like web_search), and a run that needed it fails
// saying so, instead of every command failing at start-up.
func TestModelWithoutKeyDoesNotStopCommands(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("OPENAI_API_KEY", "")
	if err := os.WriteFile("baton.yaml", []byte("tools:\n  - kind: llm.openai\n    name: gpt-5\n    options: {model: gpt-5}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, nil, "tools")
	if code != 0 || !regexp.MustCompile(`(?m)^gpt-5\s.*disabled`).MatchString(out) {
		t.Fatalf("baton tools: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run(t, nil, "run", "What is the capital of France?")
	if code != 1 || !strings.Contains(out, "gpt-5 is disabled here") {
		t.Fatalf("baton run: exit %d\n%s\n%s", code, out, errs)
	}
}
