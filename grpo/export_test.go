package grpo

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestExportGolden(t *testing.T) {
	specs := []tool.Spec{
		{Name: "cheap", Description: "A small model.", Parameters: json.RawMessage(`{"type":"object"}`),
			Price: money.Price{InputPerM: money.MustParse("0.1"), OutputPerM: money.MustParse("0.2")}, Latency: 500 * time.Millisecond, Tags: []string{"llm"}},
		{Name: "big", Description: "A large model.", Parameters: json.RawMessage(`{"type":"object"}`),
			Price: money.Price{InputPerM: money.MustParse("0.9"), OutputPerM: money.MustParse("0.9")}, Latency: 3 * time.Second, Tags: []string{"llm"}},
	}
	long := strings.Repeat("é", 300) // 600 bytes: the excerpt cuts on a rune boundary
	ep := &episode.Episode{
		Task: episode.Task{ID: "q17", Prompt: "What is 2+2?", Preferences: episode.PreferBalanced, Budget: episode.Budget{MaxTurns: 5}},
		Steps: []episode.Step{
			{Turn: 1, Action: episode.Action{Tool: "cheap", Args: json.RawMessage(`{"prompt":"What is 2+2?"}`)},
				Result: &tool.Result{Content: "5"}, Cost: money.MustParse("0.000002")},
			{Turn: 2, Action: episode.Action{Tool: "big", Args: json.RawMessage(`{}`)},
				Result: &tool.Result{Content: long}, Cost: money.MustParse("0.00003")},
			{Turn: 3, Action: episode.Action{Final: true, Answer: long}},
		},
		Answer: long, Status: episode.StatusAnswered, Cost: money.MustParse("0.000032"),
	}
	logp := map[int]float64{1: -1.25, 2: -0.5, 3: -0.125}
	rec := newRecord(3, "s3-t1", 2, ep, specs, env.Score{Outcome: 1, Correct: true}, logp,
		nominalLatency(ep, specs).Seconds(), 0.75, 1.5, false)
	var got bytes.Buffer
	if err := writeRecord(&got, rec); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "export.golden.jsonl")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("export differs from %s:\ngot  %s\nwant %s", path, got.Bytes(), want)
	}
	// One line that decodes back into a Record.
	if bytes.Count(got.Bytes(), []byte("\n")) != 1 {
		t.Error("a record must be exactly one line")
	}
	var back Record
	if err := json.Unmarshal(got.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.LatencyS != 3.5 || back.Cost != money.MustParse("0.000032") || len(back.Actions) != 3 || *back.Actions[0].LogProb != -1.25 {
		t.Errorf("decoded record %+v", back)
	}
	if r := back.Actions[1].Result; len(r) > ExcerptBytes+len("…") || !strings.HasSuffix(r, "…") {
		t.Errorf("excerpt of %d bytes: %q", len(r), r)
	}
}
