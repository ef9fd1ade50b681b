package llm

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func schema(prop string) json.RawMessage {
	return json.RawMessage(`{"type":"object","properties":{"` + prop + `":{"type":"string"}},"required":["` + prop + `"],"additionalProperties":false}`)
}

// testTools is a run's tools, sorted by name as policy.State promises.
func testTools() []tool.Spec {
	return []tool.Spec{
		{
			Name: "gpt-5", Description: "OpenAI GPT-5: strongest reasoning, slow and costly.",
			Parameters: schema("prompt"), Latency: 31 * time.Second, Tags: []string{tool.TagLLM, tool.TagRemote},
			Price: money.Price{InputPerM: money.MustParse("1.25"), OutputPerM: money.MustParse("10")},
		},
		{
			Name: "gpt-5-mini", Description: "OpenAI GPT-5 mini: good and cheap.",
			Parameters: schema("prompt"), Latency: 25 * time.Second, Tags: []string{tool.TagLLM, tool.TagRemote},
			Price: money.Price{InputPerM: money.MustParse("0.25"), OutputPerM: money.MustParse("2")},
		},
		{
			Name: "math.eval", Description: "Exact arithmetic.", Parameters: schema("expr"),
			Latency: 5 * time.Millisecond, Tags: []string{tool.TagMath, tool.TagLocal, tool.TagFree},
		},
		{
			Name: "retrieval.bm25", Description: "BM25 search over the local knowledge base.", Parameters: schema("query"),
			Latency: 50 * time.Millisecond, Tags: []string{tool.TagSearch, tool.TagLocal, tool.TagFree},
		},
		{
			Name: "sandbox.python", Description: "Runs Python 3 code and returns stdout.", Parameters: schema("code"),
			Latency: 2 * time.Second, Tags: []string{tool.TagCode, tool.TagLocal},
			Price: money.Price{PerSecond: money.MustParse("0.0000083")},
		},
	}
}

func testTask() *episode.Task {
	return &episode.Task{
		ID:     "t1",
		Prompt: "Who was president of France when the Eiffel Tower opened?",
		Preferences: episode.Preferences{
			Accuracy: 1, Cost: 0.5, Latency: 0.2,
			Tools: map[string]float64{"gpt-5": 0.1, "retrieval.bm25": 1},
			Text:  "prefer local tools; avoid gpt-5 unless needed",
		},
		Budget: episode.Budget{MaxCost: money.MustParse("0.05"), MaxTime: 2 * time.Minute, MaxTurns: 8},
	}
}

// historyState is a state on turn 4 after a search, an unreadable reply
// and a failed code run.
func historyState() *policy.State {
	return &policy.State{
		Task:  testTask(),
		Tools: testTools(),
		Steps: []episode.Step{
			{
				Turn:   1,
				Action: episode.Action{Tool: "retrieval.bm25", Args: json.RawMessage(`{"query":"Eiffel Tower opening 1889"}`)},
				Result: &tool.Result{Content: "The Eiffel Tower opened on 31 March 1889 for the Exposition Universelle."},
			},
			{
				Turn:   2,
				Action: episode.Action{Thought: `<tool_call>{"name": "sandbox_python", "arguments": "print("}</tool_call>`},
				Error:  "policy: invalid action: call of sandbox_python: arguments are not a JSON object",
			},
			{
				Turn:   3,
				Action: episode.Action{Tool: "sandbox.python", Args: json.RawMessage(`{"code":"print(1/0)"}`), Thought: "Check the arithmetic."},
				Result: &tool.Result{Content: "ZeroDivisionError: division by zero", IsError: true},
			},
		},
		Turn:    4,
		Spent:   money.MustParse("0.0012"),
		Elapsed: 3500 * time.Millisecond,
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
