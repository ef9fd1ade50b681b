package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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
			return tc(tau2.ExpertToolName, `{}`)
		case 1:
			return tc("cancel_reservation", `{"reservation_id":"FDZ0T5"}`)
		case 2:
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
	expert := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return chattest.Reply{Content: "Cancel FDZ0T5 and HSR97W.", Usage: u}
	})
	defer expert.Close()
	out := t.TempDir()
	jsonPath := filepath.Join(t.TempDir(), "res.json")
	code, stdout, stderr := run(t, nil, "bench", "tau2", "--domain", "airline", "--tasks", "42", "--trials", "2",
		"--model", "gpt-4.1", "--base-url", agent.BaseURL(),
		"--user-model", "gpt-4.1", "--user-base-url", user.BaseURL(),
		"--expert-model", "gpt-5", "--expert-base-url", expert.BaseURL(),
		"--data", root, "--out", out, "--json", jsonPath, "--workers", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"tau2-airline: 1 evaluation tasks", "llm:gpt-4.1+expert:gpt-5", "pass^1 1.0000  pass^2 1.0000", "endings: user_stop 2"} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("output lacks %q:\n%s", want, stdout)
		}
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
	if len(res.Rows) != 1 || res.Rows[0].Accuracy != 1 || res.Rows[0].TotalCost != wantAgent.Add(wantExpert) || res.Rows[0].CallsPerTask != 3 {
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
