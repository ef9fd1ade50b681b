package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/batonhq/baton/policy/baseline"
	_ "github.com/batonhq/baton/tool/all"
)

// run runs baton in-process and returns its exit status and output.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""), Getenv: func(k string) string { return env[k] }}
	code := Run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestToolsCall(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"math", []string{"tools", "call", "math", `{"expression":"2^200 mod 1000000007"}`}, 0, "499445072"},
		{"schema violation", []string{"tools", "call", "math", `{"expression":5}`}, 1, "/expression"},
		{"unknown tool", []string{"tools", "call", "nope", `{}`}, 1, `unknown tool "nope"`},
		{"starlark infinite loop is contained", []string{"tools", "call", "starlark", `{"code":"def f():\n  while True:\n    pass\nf()"}`}, 1, "step"},
		{"usage", []string{"tools", "call"}, 2, "want baton tools call NAME"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, nil, tc.args...)
			if code != tc.wantCode || !strings.Contains(out+errs, tc.wantOut) {
				t.Fatalf("exit %d, want %d; output %q %q; want it to contain %q", code, tc.wantCode, out, errs, tc.wantOut)
			}
		})
	}
}

func TestToolsList(t *testing.T) {
	code, out, _ := run(t, nil, "tools")
	for _, want := range []string{"math", "starlark", "web_search"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("exit %d, listing lacks %q:\n%s", code, want, out)
		}
	}
	code, out, _ = run(t, nil, "tools", "kinds")
	if code != 0 || !strings.Contains(out, "retrieval.bm25") || !strings.Contains(out, "llm.openai") {
		t.Fatalf("kinds: %d %s", code, out)
	}
}

func TestRun(t *testing.T) {
	code, out, errs := run(t, nil, "run", "2^10 + 1", "--max-cost", "0.01", "--max-turns", "3")
	if code != 0 || !strings.Contains(out, "Answer:  1025") || !strings.Contains(out, "math×1") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "[turn 1] call math") {
		t.Fatalf("trace not printed: %s", errs)
	}
	code, _, errs = run(t, nil, "run", "x", "--max-cost", "abc")
	if code != 2 || !strings.Contains(errs, "--max-cost") {
		t.Fatalf("bad flag: %d %s", code, errs)
	}
	code, _, errs = run(t, nil, "run", "x", "--policy", "nonesuch")
	if code != 2 || !strings.Contains(errs, `unknown policy "nonesuch"`) {
		t.Fatalf("bad policy: %d %s", code, errs)
	}
}

func TestRunTraceJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	code, _, errs := run(t, nil, "run", "6*7", "--trace-json", path, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var first, last map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	_ = json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if first["type"] != "start" || last["type"] != "end" || last["status"] != "answered" {
		t.Fatalf("trace %v ... %v", first, last)
	}
}

func TestBenchTinyFixture(t *testing.T) {
	dir, err := filepath.Abs("../env/replay/testdata/tiny-llmrouter")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	jsonPath := filepath.Join(out, "r.json")
	code, stdout, errs := run(t, nil, "bench", "--source", "llmrouter", "--data", dir, "--steps", "3", "--out", out, "--json", jsonPath)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errs)
	}
	var res struct {
		Dataset string     `json:"dataset"`
		NEval   int        `json:"n_eval"`
		Rows    []benchRow `json:"rows"`
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range res.Rows {
		got[r.Policy] = true
		if r.Accuracy < 0 || r.Accuracy > 1 || r.CostUSD < 0 {
			t.Errorf("row %s out of range: %+v", r.Policy, r)
		}
	}
	want := []string{"random", "cheapest", "strongest", "oracle", "knn:0.5", "learned:accuracy", "learned:balanced", "learned:cost"}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no row %q in %v", w, got)
		}
	}
	singles := 0
	for p := range got {
		if strings.HasPrefix(p, "single:") {
			singles++
		}
	}
	if singles < 3 || res.NEval == 0 {
		t.Errorf("%d single rows, n_eval %d", singles, res.NEval)
	}
	oracle, cheapest := rowOf(res.Rows, "oracle"), rowOf(res.Rows, "cheapest")
	if oracle < cheapest {
		t.Errorf("oracle accuracy %.3f below cheapest %.3f", oracle, cheapest)
	}
	for _, f := range []string{"index.html", "pareto.png", "results.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("report file %s: %v", f, err)
		}
	}
}

// TestBenchWarmOnly: --steps -1 (documented: warm start only) is accepted,
// and the learned rows are the warm start's.
func TestBenchWarmOnly(t *testing.T) {
	dir, err := filepath.Abs("../env/replay/testdata/tiny-llmrouter")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, errs := run(t, nil, "bench", "--source", "llmrouter", "--data", dir, "--steps", "-1", "--out", t.TempDir())
	if code != 0 || !strings.Contains(stdout, "learned:balanced") || !strings.Contains(stdout, "learned-warm:balanced") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errs)
	}
}

func TestBenchMisuse(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"json with two sources", []string{"--json", "r.json"}, "one source"},
		{"unknown source", []string{"--source", "nosuch"}, "unknown source"},
		{"all and source", []string{"--all", "--source", "llmrouter"}, "exclude"},
		{"cascade cap", []string{"--source", "llmrouter", "--cascade-cap", "0"}, "cascade-cap"},
		{"steps", []string{"--source", "llmrouter", "--steps", "-2"}, "--steps"},
		{"unknown held-out model", []string{"--source", "zeroeval:gsm", "--checkpoint", "default", "--holdout-models", "gpt-5"}, "gpt-5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"bench", "--out", t.TempDir()}, tc.args...)
			code, _, errs := run(t, nil, args...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %s; want 2 and %q", code, errs, tc.want)
			}
		})
	}
}

// benchRow is a row of results.json as a reader outside Baton sees it.
type benchRow struct {
	Policy    string             `json:"policy"`
	Accuracy  float64            `json:"accuracy"`
	CostUSD   float64            `json:"cost_usd"`
	LatencyS  float64            `json:"latency_s"`
	Calls     float64            `json:"calls_per_task"`
	ToolShare map[string]float64 `json:"tool_share"`
}

func rowOf(rows []benchRow, name string) float64 {
	for _, r := range rows {
		if r.Policy == name {
			return r.Accuracy
		}
	}
	return -1
}

func TestSynthThenEnvCheckUsage(t *testing.T) {
	out := t.TempDir()
	code, stdout, errs := run(t, nil, "synth", "--out", out, "--domains", "weather", "--tasks", "4", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, stdout, errs)
	}
	var rep struct {
		Domains []struct {
			Domain string `json:"domain"`
			Kept   int    `json:"kept"`
		} `json:"domains"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Domains) != 1 || rep.Domains[0].Kept == 0 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	for _, f := range []string{"db.json", "tools.json", "policy.md", "tasks.json", "split_tasks.json"} {
		if _, err := os.Stat(filepath.Join(out, "weather", f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if code, _, errs := run(t, nil, "synth", "--domains", "nosuch", "--out", out); code != 1 || !strings.Contains(errs, "unknown domain") {
		t.Errorf("unknown domain: %d %s", code, errs)
	}
	if code, _, errs := run(t, nil, "env", "frobnicate"); code != 2 || !strings.Contains(errs, "baton env check") {
		t.Errorf("env usage: %d %s", code, errs)
	}
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "missing")} {
		if code, stdout, errs := run(t, nil, "env", "check", dir); code != 1 || !strings.Contains(errs, "nothing to check") || strings.Contains(stdout, "passed") {
			t.Errorf("env check %s: exit %d, stdout %q, stderr %q; want 1 and a nothing-to-check message", dir, code, stdout, errs)
		}
	}
}
