package gateway

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestRunTiny runs every path and mode with tiny counts: each cell sends
// its requests without an error, and the rows carry what the JSON promises.
func TestRunTiny(t *testing.T) {
	var progress strings.Builder
	res, err := Run(context.Background(), Options{Concurrency: []int{1, 3}, MinRequests: 6, Rounds: 1, Dir: t.TempDir(), Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2*2*len(AllPaths) {
		t.Fatalf("%d rows, want %d", len(res.Rows), 2*2*len(AllPaths))
	}
	for _, r := range res.Rows {
		if r.Requests != 6 || r.Errors != 0 || r.P50 <= 0 || r.P99 < r.P50 || r.RPS <= 0 {
			t.Errorf("row %+v", r)
		}
		baton := r.Path == PathBaton || r.Path == PathOrchestrated
		if baton != (r.LedgerWrites > 0) {
			t.Errorf("row %s: %d ledger writes", r.Path, r.LedgerWrites)
		}
		if r.Path == PathBaton && r.LedgerWrites != 2*6 {
			t.Errorf("pass-through: %d ledger writes for 6 requests, want a reserve and a commit each", r.LedgerWrites)
		}
	}
	b, _ := json.Marshal(res)
	var shape struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(b, &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"path", "stream", "concurrency", "p50_ms", "p99_ms", "rps"} {
		if _, ok := shape.Rows[0][k]; !ok {
			t.Errorf("row JSON lacks %q: %s", k, b)
		}
	}
	var table strings.Builder
	if err := PrintTable(&table, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"reverseproxy", "baton-orchestrated", "p99"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

func TestOptionsRejected(t *testing.T) {
	for _, o := range []Options{{Paths: []string{"nginx"}}, {Concurrency: []int{0}}} {
		if _, err := Run(context.Background(), o); err == nil {
			t.Errorf("Run(%+v) succeeded", o)
		}
	}
}

// BenchmarkPassThrough runs the pass-through cell (and direct, always
// measured) with b.N requests at concurrency 8, for profiling:
//
//	go test ./bench/gateway -run '^$' -bench PassThrough -benchtime 3000x -cpuprofile cpu.prof
//	go tool pprof -top cpu.prof
func BenchmarkPassThrough(b *testing.B) {
	for _, stream := range []bool{true, false} {
		name := "stream"
		if !stream {
			name = "whole"
		}
		b.Run(name, func(b *testing.B) {
			res, err := Run(context.Background(), Options{Paths: []string{PathBaton}, Concurrency: []int{8}, Modes: []bool{stream},
				MinRequests: b.N, Rounds: 1, Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			r := res.Rows[1]
			b.ReportMetric(r.P50, "p50_ms")
			b.ReportMetric(r.P99, "p99_ms")
			b.ReportMetric(r.AddedCPU, "added_cpu_us/req")
		})
	}
}
