package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchGateway runs the command with tiny counts: exit 0, a table, and
// the JSON rows the issue specifies.
func TestBenchGateway(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gateway.json")
	code, stdout, stderr := run(t, nil, "bench", "gateway", "--concurrency", "1,2", "--min-requests", "4", "--rounds", "1",
		"--paths", "baton,reverseproxy", "--json", out, "--dir", t.TempDir())
	if code != 0 || !strings.Contains(stdout, "reverseproxy") || !strings.Contains(stdout, "×RP") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Rows []struct {
			Path        string   `json:"path"`
			Stream      *bool    `json:"stream"`
			Concurrency int      `json:"concurrency"`
			P50         *float64 `json:"p50_ms"`
			P99         *float64 `json:"p99_ms"`
			RPS         float64  `json:"rps"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	// direct is always measured: 3 paths × 2 modes × 2 concurrencies.
	if len(res.Rows) != 12 {
		t.Fatalf("%d rows: %s", len(res.Rows), b)
	}
	for _, r := range res.Rows {
		if r.Stream == nil || r.P50 == nil || r.P99 == nil || r.RPS <= 0 || (r.Concurrency != 1 && r.Concurrency != 2) {
			t.Errorf("row %+v", r)
		}
	}
}

func TestBenchGatewayMisuse(t *testing.T) {
	for _, args := range [][]string{
		{"--concurrency", "0"}, {"--concurrency", "ten"}, {"--stream", "maybe"}, {"--paths", "nginx"}, {"--rounds", "0"}, {"extra"},
	} {
		code, _, stderr := run(t, nil, append([]string{"bench", "gateway"}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}
