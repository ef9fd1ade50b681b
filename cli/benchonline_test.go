package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchOnlineLoop runs the whole loop with tiny numbers: replay serve,
// serve with exploration, feedback from the gold answer, training and a
// reload each round, and the offline evaluation after it.
func TestBenchOnlineLoop(t *testing.T) {
	data, _ := filepath.Abs(filepath.Join("..", "..", "shared", "data"))
	if _, err := os.Stat(filepath.Join(data, "zeroeval")); err != nil {
		t.Skipf("no zeroeval data under %s", data)
	}
	t.Chdir(t.TempDir())
	out := filepath.Join(t.TempDir(), "online.json")
	code, stdout, stderr := run(t, nil, "bench", "online", "--data", data, "--source", "zeroeval:gsm", "--requests", "12", "--every", "6", "--steps", "2", "--json", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"rounds", "best_single"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("the report lacks %q:\n%s", k, b)
		}
	}
	var rep OnlineReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Rounds) != 2 || rep.Rounds[0].Requests != 6 || rep.Rounds[1].Requests != 12 {
		t.Fatalf("rounds: %+v", rep.Rounds)
	}
	if rep.Feedback != 12 {
		t.Errorf("feedback posted for %d runs, want 12", rep.Feedback)
	}
	for i, r := range rep.Rounds {
		if r.Accuracy < 0 || r.Accuracy > 1 || r.CostUSD < 0 || r.Reason == "" {
			t.Errorf("round %d: %+v", i, r)
		}
		if r.Promoted && r.Serving == "" {
			t.Errorf("round %d promoted but serves the shipped checkpoint: %+v", i, r)
		}
	}
	if !strings.HasPrefix(rep.BestSingle.Policy, "single:") || rep.BestSingle.Accuracy <= 0 || rep.BestSingle.Accuracy > 1 || rep.BestSingle.CostUSD <= 0 {
		t.Errorf("best single: %+v", rep.BestSingle)
	}
	if n := strings.Count(stdout, "\nround "); n != 2 {
		t.Errorf("%d round lines, want 2:\n%s", n, stdout)
	}
	if !strings.Contains(stdout, "Against the best single model on the test split, "+strings.TrimPrefix(rep.BestSingle.Policy, "single:")) ||
		!strings.Contains(stdout, "after 12 requests: ") {
		t.Errorf("no closing line against the best single model:\n%s", stdout)
	}
}

func TestBenchOnlineMisuse(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--requests", "0"}, "--requests 0"},
		{[]string{"--requests", "10", "--every", "-1"}, "-every: must not be negative"},
		{[]string{"--requests", "10", "--every", "20"}, "exceeds --requests"},
		{[]string{"--requests", "10", "--source", "llmrouter"}, "zeroeval:gsm or zeroeval:math-l5"},
		{[]string{"--requests", "10", "--explore", "0"}, "--explore 0"},
		{[]string{"--requests", "10", "--steps", "-1"}, "--steps -1"},
		{[]string{"--requests", "10", "--prefer", "speedy"}, "unknown preference"},
		{[]string{"--requests", "10", "--start", "embedded:nope"}, "--start"},
		{[]string{"--requests", "10", "extra"}, `unexpected argument "extra"`},
		{[]string{"--requests", "x"}, "invalid value"},
	} {
		code, out, errs := run(t, nil, append([]string{"bench", "online"}, tc.args...)...)
		if code != 2 || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: exit %d, want 2 with %q; got %s %s", tc.args, code, tc.want, out, errs)
		}
	}
}
