package llm

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/policy"
)

func TestNativeRequestGolden(t *testing.T) {
	tests := []struct {
		name  string
		state *policy.State
		file  string
	}{
		{name: "first turn", state: &policy.State{Task: testTask(), Tools: testTools(), Turn: 1}, file: "native_turn1.json"},
		{name: "history", state: historyState(), file: "native_history.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := nativeRequest(tc.state, DefaultInstructions, newNameMap(specNames(tc.state)))
			golden(t, tc.file, mustJSON(t, req))
		})
	}
}

func TestNativeSystemPrompt(t *testing.T) {
	s := historyState()
	sys := nativeSystem(s, DefaultInstructions, newNameMap(specNames(s)))
	for _, want := range []string{
		// preferences, in words and weights
		"in the user's words: prefer local tools; avoid gpt-5 unless needed",
		"accuracy 1, low cost 0.5, low latency 0.2",
		"gpt-5 0.1, retrieval_bm25 1",
		// budget and what is left
		"at most $0.05 in total; $0.0012 spent so far, $0.0488 left",
		"time: at most 2m0s; 3.5s elapsed",
		"this is turn 4 of at most 8",
		// each tool's price and latency under its function name
		"gpt-5 | $1.25/1M input tokens + $10/1M output tokens | 31s",
		"retrieval_bm25 | free | 0.1s",
		"sandbox_python | $0.0000083 per second | 2s",
		"answer | free | instant",
		"math_eval | free | 5ms",
	} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
	custom := nativeSystem(s, "Route carefully.", newNameMap(specNames(s)))
	if !strings.HasPrefix(custom, "Route carefully.\n\n## Tools") || strings.Contains(custom, "You are an orchestrator") {
		t.Errorf("custom instructions do not replace the default opening:\n%s", custom)
	}
}

func TestNativeHistoryShape(t *testing.T) {
	s := historyState()
	req := nativeRequest(s, DefaultInstructions, newNameMap(specNames(s)))
	roles := make([]string, len(req.Messages))
	for i, m := range req.Messages {
		roles[i] = m.Role
	}
	want := "system user assistant tool assistant user assistant tool"
	if got := strings.Join(roles, " "); got != want {
		t.Fatalf("roles = %s, want %s", got, want)
	}
	call := req.Messages[2].ToolCalls[0]
	if call.Name != "retrieval_bm25" || call.ID != "call_1" || req.Messages[3].ToolCallID != "call_1" {
		t.Errorf("first call = %+v answered by %q", call, req.Messages[3].ToolCallID)
	}
	if got := req.Messages[5].Content; !strings.Contains(got, "arguments are not a JSON object") {
		t.Errorf("failed turn note = %q", got)
	}
	if got := req.Messages[7].Content; got != "Error: ZeroDivisionError: division by zero" {
		t.Errorf("tool error message = %q", got)
	}
	var names []string
	for _, d := range req.Tools {
		names = append(names, d.Name)
		if !openAIName.MatchString(d.Name) {
			t.Errorf("offered function %q is not a valid OpenAI name", d.Name)
		}
	}
	if got := strings.Join(names, " "); got != "gpt-5 gpt-5-mini math_eval retrieval_bm25 sandbox_python answer" {
		t.Errorf("functions = %s", got)
	}
}
