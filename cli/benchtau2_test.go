package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/batonhq/baton/bench"
	"github.com/batonhq/baton/bench/tau2"
	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/money"
)

func tau2Root(t *testing.T) string {
	t.Helper()
	dir, err := dataset.Resolve(context.Background(), "tau2-bench", dataset.Options{Offline: true})
	if err != nil {
		t.Skipf("tau2-bench data not available: %v", err)
	}
	return dir
}

func chatMessages(r chattest.Request) []map[string]any {
	var out []map[string]any
	ms, _ := r.Body["messages"].([]any)
	for _, m := range ms {
		mm, _ := m.(map[string]any)
		out = append(out, mm)
	}
	return out
}

func countRole(ms []map[string]any, role string) int {
	n := 0
	for _, m := range ms {
		if m["role"] == role {
			n++
		}
	}
	return n
}

// TestBenchTau2 runs airline task 42 twice through the CLI with scripted
// agent, user and expert servers and the real data: the agent consults the
// expert, cancels the two reservations the gold actions cancel, and the
// customer stops.
func TestBenchTau2(t *testing.T) {
	root := tau2Root(t)
	u := chattest.Usage{PromptTokens: 1000, CompletionTokens: 100}
	tc := func(name, args string) chattest.Reply {
		return chattest.Reply{ToolCalls: []chattest.ToolCall{{Name: name, Arguments: args}}, Usage: u}
	}
	agent := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		switch countRole(chatMessages(r), "tool") {
		case 0:
			return tc(tau2.ExpertToolName, `{"expert":"expert-1"}`)
		case 2: // call_expert and the expert's lookup
			return tc("cancel_reservation", `{"reservation_id":"FDZ0T5"}`)
		case 3:
			return tc("cancel_reservation", `{"reservation_id":"HSR97W"}`)
		}
		return tc("answer", `{"answer":"Both duplicate reservations are cancelled."}`)
	})
	defer agent.Close()
	user := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		if countRole(chatMessages(r), "assistant") == 0 {
			return chattest.Reply{Content: "I double-booked; I am sophia_martin_4574.", Usage: u}
		}
		return chattest.Reply{Content: "Great. ###STOP###", Usage: u}
	})
	defer user.Close()
	// The expert looks FDZ0T5 up; the agent then cancels.
	expert := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return tc("get_reservation_details", `{"reservation_id":"FDZ0T5"}`)
	})
	defer expert.Close()
	out := t.TempDir()
	jsonPath := filepath.Join(t.TempDir(), "res.json")
	code, stdout, stderr := run(t, nil, "bench", "tau2", "--domain", "airline", "--tasks", "42", "--trials", "2",
		"--model", "gpt-4.1", "--base-url", agent.BaseURL(),
		"--user-model", "gpt-4.1", "--user-base-url", user.BaseURL(),
		"--experts", "expert-1=gpt-5,expert-2=Qwen/Qwen3-32B@"+expert.BaseURL(), "--expert-base-url", expert.BaseURL(),
		"--data", root, "--out", out, "--json", jsonPath, "--workers", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"tau2-airline: 1 evaluation tasks", "llm:gpt-4.1+experts", "pass^1 1.0000  pass^2 1.0000", "endings: user_stop 2"} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("output lacks %q:\n%s", want, stdout)
		}
	}
	// The per-task line: task 42, 2 trials, pass^1 and pass^2 of 1.
	if ok, _ := regexp.MatchString(`(?m)^\s*42\s+2\s+1\.00 1\.00\s+1\.00\s+0\.0`, stdout); !ok {
		t.Fatalf("no per-task line in:\n%s", stdout)
	}
	if !strings.Contains(stderr, "task 42 trial 1: reward 1 (user_stop") {
		t.Fatalf("progress lines: %s", stderr)
	}
	var res bench.Results
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	// Per conversation: 4 agent decisions and 2 user replies at gpt-4.1's
	// $2/$8, one expert call at gpt-5's $1.25/$10.
	gpt41 := money.Price{InputPerM: money.MustParse("2"), OutputPerM: money.MustParse("8")}
	gpt5 := money.Price{InputPerM: money.MustParse("1.25"), OutputPerM: money.MustParse("10")}
	one41 := gpt41.Cost(money.Usage{InputTokens: 1000, OutputTokens: 100})
	one5 := gpt5.Cost(money.Usage{InputTokens: 1000, OutputTokens: 100})
	wantAgent, wantExpert, wantUser := one41.Scale(8), one5.Scale(2), one41.Scale(4)
	if res.Notes["agent_cost_total"] != wantAgent.String() || res.Notes["expert_cost_total"] != wantExpert.String() || res.Notes["user_cost_total"] != wantUser.String() {
		t.Fatalf("notes %v; want agent %s expert %s user %s", res.Notes, wantAgent, wantExpert, wantUser)
	}
	if res.Notes["experts"] != "expert-1=gpt-5,expert-2=Qwen/Qwen3-32B" || res.Notes["max_steps"] != "200" {
		t.Fatalf("notes %v", res.Notes)
	}
	// call_expert, the expert's lookup and two cancellations.
	if len(res.Rows) != 1 || res.Rows[0].Accuracy != 1 || res.Rows[0].TotalCost != wantAgent.Add(wantExpert) || res.Rows[0].CallsPerTask != 4 {
		t.Fatalf("rows %+v", res.Rows)
	}
	var rows []tau2.TaskRow
	b, err = os.ReadFile(filepath.Join(out, tau2.TasksFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 1 || rows[0].TaskID != "42" || rows[0].Successes != 2 {
		t.Fatalf("tasks.json %v %+v", err, rows)
	}
	if _, err := os.Stat(filepath.Join(out, "results.json")); err != nil {
		t.Fatal(err)
	}
}

func TestBenchTau2Usage(t *testing.T) {
	root := tau2Root(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"positional", []string{"extra"}, 2, `unexpected argument "extra"`},
		{"bad task", []string{"--tasks", "999"}, 2, `no task with id "999"`},
		{"tasks and split", []string{"--tasks", "0-1", "--split", "test"}, 2, "not both"},
		{"zero trials", []string{"--trials", "0"}, 2, "at least 1"},
		{"zero steps", []string{"--max-steps", "0"}, 2, "at least 1"},
		{"bad experts", []string{"--experts", "gpt-5"}, 2, "want ALIAS=MODEL"},
		{"duplicate expert", []string{"--experts", "e=a,e=b"}, 2, `alias "e" given twice`},
		{"expert URL", []string{"--experts", "e=a@localhost:1"}, 2, "must start with http"},
		{"bad cost", []string{"--max-cost", "lots"}, 2, "--max-cost"},
		{"unknown domain", []string{"--domain", "banking"}, 1, "banking"},
		{"model flag on another policy", []string{"--policy", "cheapest", "--model", "x"}, 2, "apply to the llm"},
		{"llm without a model", []string{"--tasks", "0"}, 1, `"model" is required`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"bench", "tau2", "--data", root, "--out", t.TempDir()}, tc.args...)
			code, stdout, stderr := run(t, nil, args...)
			if code != tc.wantCode || !strings.Contains(stdout+stderr, tc.want) {
				t.Fatalf("exit %d (want %d)\n%s\n%s\nwant %q", code, tc.wantCode, stdout, stderr, tc.want)
			}
		})
	}
}

// TestBenchTau2AllFail: when every model call fails, every conversation
// ends in agent_error and the run exits 1 naming the first error.
func TestBenchTau2AllFail(t *testing.T) {
	root := tau2Root(t)
	agent := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return chattest.Reply{Status: 401, Raw: `{"error":{"message":"invalid api key","type":"invalid_request_error"}}`}
	})
	defer agent.Close()
	user := chattest.NewFunc(func(chattest.Request) chattest.Reply { return chattest.Reply{Content: "Hi, I need help."} })
	defer user.Close()
	code, stdout, stderr := run(t, nil, "bench", "tau2", "--domain", "airline", "--tasks", "0-1",
		"--model", "gpt-4.1", "--base-url", agent.BaseURL(), "--user-base-url", user.BaseURL(),
		"--experts", "none", "--data", root, "--out", t.TempDir(), "--workers", "1")
	if code != 1 || !strings.Contains(stderr, "all 2 conversations failed") || !strings.Contains(stderr, "invalid api key") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestBenchTau2Orchestrator8B: --policy orchestrator8b drives the 8B model
// (its default model name, no API key sent) with native calls over the
// domain's tools and call_expert, and solves airline task 42.
func TestBenchTau2Orchestrator8B(t *testing.T) {
	root := tau2Root(t)
	tc := func(name, args string) chattest.Reply {
		return chattest.Reply{ToolCalls: []chattest.ToolCall{{Name: name, Arguments: args}}}
	}
	agent := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		switch countRole(chatMessages(r), "tool") {
		case 0:
			return tc("cancel_reservation", `{"reservation_id":"FDZ0T5"}`)
		case 1:
			return tc("cancel_reservation", `{"reservation_id":"HSR97W"}`)
		}
		return chattest.Reply{Content: "Both duplicate reservations are cancelled."}
	})
	defer agent.Close()
	user := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		if countRole(chatMessages(r), "assistant") == 0 {
			return chattest.Reply{Content: "I double-booked; I am sophia_martin_4574."}
		}
		return chattest.Reply{Content: "Great. ###STOP###"}
	})
	defer user.Close()
	code, stdout, stderr := run(t, map[string]string{"OPENAI_API_KEY": "sk-secret"}, "bench", "tau2", "--domain", "airline", "--tasks", "42",
		"--policy", "orchestrator8b", "--base-url", agent.BaseURL(), "--user-base-url", user.BaseURL(),
		"--data", root, "--out", t.TempDir(), "--workers", "1")
	if code != 0 || !strings.Contains(stdout, "orchestrator8b:nvidia/Orchestrator-8B+experts") || !strings.Contains(stdout, "pass^1 1.0000") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	reqs := agent.Requests()
	if m, _ := reqs[0].Body["model"].(string); m != "nvidia/Orchestrator-8B" {
		t.Errorf("model %q", m)
	}
	if h := reqs[0].Header.Get("Authorization"); h != "" {
		t.Errorf("the OpenAI key was sent to the 8B server: %q", h)
	}
	raw := string(reqs[0].Raw)
	if temp, _ := reqs[0].Body["temperature"].(float64); temp != 1 {
		t.Errorf("temperature %v, want ToolOrchestra's 1", reqs[0].Body["temperature"])
	}
	for _, want := range []string{`"name":"cancel_reservation"`, `"name":"call_expert"`,
		"expert-1 exhibits strong functional calling abilities", "expert-1 | $1.25 | $10 | 96s", "expert-2 | $0.25 | $2 | 27s", "expert-3 | $0.8 | $0.8 | 11s"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the 8B model is not offered %s", want)
		}
	}
	if strings.Contains(raw, `"name":"transfer_to_human_agents"`) {
		t.Error("transfer_to_human_agents offered to the agent")
	}
	// ToolOrchestra's prompt: tau2's system prompt with the expert rule
	// for the transfer rule and the format suffix, then the chat.
	ms := chatMessages(reqs[len(reqs)-1])
	sys, _ := ms[0]["content"].(string)
	if !strings.HasPrefix(sys, "<instructions>\nYou are a customer service agent") || !strings.Contains(sys, tau2.ExpertRule) ||
		strings.Contains(sys, "first make a tool call to transfer_to_human_agents") || !strings.HasSuffix(sys, "the tool call between <tool_call> </tool_call> .") {
		t.Errorf("system prompt:\n%s", sys)
	}
	if countRole(ms, "tool") != 2 || countRole(ms, "user") != 1 || ms[1]["role"] != "assistant" {
		t.Errorf("history %v", ms)
	}
}

func FuzzParseExperts(f *testing.F) {
	for _, s := range []string{defaultExperts(), "none", "", "e=m@http://127.0.0.1:1/v1", "=", "a=b,a=c", "x=y@ftp://z", "a=@", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		xs, err := parseExperts(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, x := range xs {
			if x.alias == "" || x.model == "" || seen[x.alias] {
				t.Fatalf("parseExperts(%q) = %+v", s, xs)
			}
			seen[x.alias] = true
		}
	})
}
