package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/bench"
	benchqa "github.com/batonhq/baton/bench/qa"
	"github.com/batonhq/baton/chat/chattest"
)

// lastUser returns the content of a request's last user message.
func lastUser(r chattest.Request) string {
	ms := chatMessages(r)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i]["role"] == "user" {
			s, _ := ms[i]["content"].(string)
			return s
		}
	}
	return ""
}

func offered(r chattest.Request) []string {
	var out []string
	ts, _ := r.Body["tools"].([]any)
	for _, tl := range ts {
		m, _ := tl.(map[string]any)
		fn, _ := m["function"].(map[string]any)
		name, _ := fn["name"].(string)
		out = append(out, name)
	}
	return out
}

// TestBenchQAFrames runs the first two FRAMES questions end to end:
// Orchestrator-8B (scripted) searches through gpt-5 (scripted) and a real
// BM25 index, then answers through gpt-5; the first answer matches
// exactly, the second goes to the scripted judge, which says False.
func TestBenchQAFrames(t *testing.T) {
	u := chattest.Usage{PromptTokens: 1000, CompletionTokens: 100}
	var mu sync.Mutex
	var orchPrompts []string
	var orchTools [][]string
	orch := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		p := lastUser(r)
		mu.Lock()
		orchPrompts = append(orchPrompts, p)
		orchTools = append(orchTools, offered(r))
		mu.Unlock()
		call := func(fn, alias string) chattest.Reply {
			return chattest.Reply{ToolCalls: []chattest.ToolCall{{Name: fn, Arguments: `{"model":"` + alias + `"}`}}, Usage: u}
		}
		if !strings.Contains(p, "Documents:\n") {
			return call("search", "search-1")
		}
		return call("answer", "answer-1")
	})
	defer orch.Close()
	experts := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		p := lastUser(r)
		switch {
		case strings.Contains(p, "write a concise query to search Wikipedia"):
			if strings.Contains(p, "future wife") {
				return chattest.Reply{Content: "<query>Harriet Lane mother Jane Buchanan Ballou Garfield</query>", Usage: u}
			}
			return chattest.Reply{Content: "<query>Bronte tower Jane Eyre dewey decimal</query>", Usage: u}
		case strings.Contains(p, "Take a deep breath"):
			if strings.Contains(p, "future wife") {
				return chattest.Reply{Content: "<think>Jane + Ballou</think>\n<answer>\njane ballou\n</answer>", Usage: u}
			}
			return chattest.Reply{Content: "<answer>37</answer>", Usage: u}
		}
		return chattest.Reply{Status: 400, Raw: `{"error":{"message":"unexpected prompt"}}`}
	})
	defer experts.Close()
	judge := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		return chattest.Reply{Content: "<correct>False</correct>", Usage: chattest.Usage{PromptTokens: 200, CompletionTokens: 10}}
	})
	defer judge.Close()

	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	if err := os.MkdirAll(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"harriet.md":  "# Harriet Lane\n\nHarriet Lane's mother was Jane Buchanan.",
		"garfield.md": "# James A. Garfield\n\nGarfield's mother was Eliza Ballou.",
		"bronte.md":   "# Jane Eyre\n\nJane Eyre, published in 1847, has Dewey decimal 823.8.",
	} {
		if err := os.WriteFile(filepath.Join(docs, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(dir, "baton.yaml")
	yaml := fmt.Sprintf(`no_default_tools: true
tools:
  - kind: llm.openai
    options: {model: gpt-5, base_url: %q, price: {input_per_million: "1.25", output_per_million: "10"}}
  - kind: retrieval.bm25
    options: {dir: %q}
policies:
  orchestrator8b:
    aliases: {search-1: gpt-5, answer-1: gpt-5}
    price: {input_per_million: "0.2", output_per_million: "0.2"}
prices:
  judge-model: {input_per_million: "1", output_per_million: "10"}
`, experts.BaseURL(), docs)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	code, stdout, stderr := run(t, nil, "bench", "qa", "--set", "frames", "--limit", "2", "--policy", "orchestrator8b,cheapest",
		"--base-url", orch.BaseURL(), "--judge-model", "judge-model", "--judge-base-url", judge.BaseURL(),
		"--config", cfg, "--out", out, "--workers", "1")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"frames: 2 evaluation tasks", "orchestrator8b  ", "judge cost for orchestrator8b: $0.0003 (not in the table)"} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("output lacks %q:\n%s\n%s", want, stdout, stderr)
		}
	}
	var res bench.Results
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2 || res.Rows[0].Accuracy != 0.5 || res.Rows[0].Answered != 1 || res.Rows[1].Policy != "cheapest" {
		t.Fatalf("rows = %+v, want orchestrator8b at accuracy 0.5 with both answered, then cheapest", res.Rows)
	}
	if !strings.Contains(stdout, "judge cost for cheapest: ") {
		t.Fatalf("no judge cost line for the second policy:\n%s", stdout)
	}
	// Per question: 2 orchestrator decisions at $0.00022 and 2 gpt-5 calls
	// (query, answer) at $0.00225; the judge's $0.0003 is not in it.
	if got, want := res.Rows[0].TotalCost.String(), "$0.00988"; got != want {
		t.Fatalf("total cost %s, want %s", got, want)
	}
	f, err := os.Open(filepath.Join(out, "questions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []benchqa.Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r benchqa.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 4 || !recs[0].Correct || recs[0].Rule != "exact" || recs[1].Correct || recs[1].Rule != "judge" || recs[1].Answer != "37" {
		t.Fatalf("records = %+v", recs)
	}
	for _, name := range []string{"index.html", "pareto.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("report lacks %s: %v", name, err)
		}
	}
	// The orchestrator saw FRAMES's context: passages as separate
	// documents, no search once documents exist.
	mu.Lock()
	defer mu.Unlock()
	if len(orchPrompts) != 4 {
		t.Fatalf("orchestrator asked %d times, want 4", len(orchPrompts))
	}
	second := orchPrompts[1]
	if !strings.Contains(second, "Documents:\nDoc 1: ") || !strings.Contains(second, "\n\nDoc 2: ") || !strings.HasSuffix(second, "\n\nChoose an appropriate tool.") {
		t.Fatalf("second prompt is not FRAMES's layout:\n%s", second)
	}
	if strings.Join(orchTools[0], ",") != "answer,search" || strings.Join(orchTools[1], ",") != "answer" {
		t.Fatalf("functions offered %v, want search dropped once documents exist", orchTools)
	}
	if temp := orch.Requests()[0].Body["temperature"]; temp != 1.0 {
		t.Fatalf("orchestrator temperature %v, want ToolOrchestra's 1", temp)
	}
}

func TestBenchQARefusesWithoutKey(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"judge without key", []string{"bench", "qa", "--set", "frames"}, "the judge gpt-5 needs an API key: set $OPENAI_API_KEY"},
		{"hle without file", []string{"bench", "qa", "--set", "hle"}, "HLE is not bundled"},
		{"bad context", []string{"bench", "qa", "--context", "gaia"}, "--context is \"gaia\""},
		{"missing set file", []string{"bench", "qa", "--set", "nope.jsonl", "--no-judge"}, "is not frames, gsm8k, hle or a readable file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, nil, tc.args...)
			if code == 0 || (tc.want != "" && (code != 2 || !strings.Contains(stderr, tc.want))) {
				t.Fatalf("exit %d, stderr %q, want 2 with %q\n%s", code, stderr, tc.want, stdout)
			}
		})
	}
}

func TestSynthInventNeedsModel(t *testing.T) {
	code, _, stderr := run(t, nil, "synth", "--invent", "hotels", "--out", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "--invent needs --model") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// TestBenchQAHLECodeInSandbox runs an HLE-style question file: the 8B
// model calls enhance_reasoning, gpt-5 (scripted) writes Python, Baton's
// Python sandbox runs it, and the next prompt shows the code and its
// output as ToolOrchestra's does; then answer-1 answers exactly.
func TestBenchQAHLECodeInSandbox(t *testing.T) {
	u := chattest.Usage{PromptTokens: 100, CompletionTokens: 10}
	var mu sync.Mutex
	var prompts []string
	orch := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		p := lastUser(r)
		mu.Lock()
		prompts = append(prompts, p)
		mu.Unlock()
		fn, alias := "enhance_reasoning", "reasoner-1"
		if strings.Contains(p, "```output\n") {
			fn, alias = "answer", "answer-1"
		}
		return chattest.Reply{ToolCalls: []chattest.ToolCall{{Name: fn, Arguments: `{"model":"` + alias + `"}`}}, Usage: u}
	})
	defer orch.Close()
	experts := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		p := lastUser(r)
		if strings.Contains(p, "write additional python code") {
			return chattest.Reply{Content: "Here:\n```python\nimport math\nprint(math.prod([1889 - 1887]))\n```", Usage: u}
		}
		return chattest.Reply{Content: "<answer>2</answer>", Usage: u}
	})
	defer experts.Close()
	dir := t.TempDir()
	set := filepath.Join(dir, "hle.jsonl")
	if err := os.WriteFile(set, []byte(`{"id":"h1","question":"How many years after 1887 is 1889?","answer":"2"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "baton.yaml")
	yaml := fmt.Sprintf(`no_default_tools: true
tools:
  - kind: llm.openai
    options: {model: gpt-5, base_url: %q, price: {input_per_million: "1.25", output_per_million: "10"}}
  - kind: sandbox.python
policies:
  orchestrator8b:
    aliases: {reasoner-1: gpt-5, answer-1: gpt-5}
    price: {input_per_million: "0.2", output_per_million: "0.2"}
`, experts.BaseURL())
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, nil, "bench", "qa", "--set", "hle", "--file", set, "--policy", "orchestrator8b",
		"--base-url", orch.BaseURL(), "--no-judge", "--config", cfg, "--out", filepath.Join(dir, "rep"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "h1: answered, correct=true (exact)") {
		t.Fatalf("progress: %s", stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(prompts) != 2 {
		t.Fatalf("orchestrator asked %d times, want 2", len(prompts))
	}
	want := "Problem: How many years after 1887 is 1889?\n\n\npython code and execution outputs:\n```python\n\nimport math\nprint(math.prod([1889 - 1887]))\n\n```\n\n```output\n2\n\n```\n\n\n\nChoose an appropriate tool.'"
	if prompts[1] != want {
		t.Fatalf("second prompt:\n%q\nwant\n%q", prompts[1], want)
	}
}

func TestBenchQABadInput(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "baton.yaml")
	if err := os.WriteFile(cfg, []byte("no_default_tools: true\ntools:\n  - kind: llm.openai\n    options: {model: m, base_url: \"http://127.0.0.1:9/v1\", free: true}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	good := filepath.Join(dir, "good.jsonl")
	if err := os.WriteFile(bad, []byte(`{"question": "q", "answer": "a"}`+"\nnot json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte(`{"id": "1", "question": "q", "answer": "a"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"negative limit", []string{"--limit", "-1"}, "-limit"},
		{"malformed set", []string{"--set", bad}, "line 2: not a JSON object"},
		{"unknown question id", []string{"--set", good, "--questions", "7"}, "no question with id 7"},
		{"file without hle", []string{"--set", good, "--file", good}, "--file goes with --set hle"},
		{"bad max cost", []string{"--set", good, "--max-cost", "lots"}, "--max-cost"},
		{"unknown policy", []string{"--set", good, "--policy", "nosuch"}, "nosuch"},
		{"model flag on a baseline", []string{"--set", good, "--policy", "cheapest", "--model", "x"}, "apply to the llm and orchestrator8b policies"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"bench", "qa", "--no-judge", "--config", cfg, "--out", t.TempDir()}, tc.args...)
			code, stdout, stderr := run(t, nil, args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 2 with %q\n%s", code, stderr, tc.want, stdout)
			}
		})
	}
}
