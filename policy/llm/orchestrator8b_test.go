package llm

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// callReply answers every request with one native call.
func callReply(name, args string) clientFunc {
	return func(context.Context, chat.Request) (*chat.Response, error) {
		return &chat.Response{Message: chat.Message{ToolCalls: []chat.ToolCall{{Name: name, Arguments: args}}}}, nil
	}
}

func pick(names ...string) []tool.Spec {
	var out []tool.Spec
	for _, s := range testTools() {
		for _, n := range names {
			if s.Name == n {
				out = append(out, s)
			}
		}
	}
	return out
}

func TestOrchestrator8BMapping(t *testing.T) {
	task := &episode.Task{Prompt: "What is 2+2?"}
	step := func(tl, thought, out string) episode.Step {
		return episode.Step{Action: episode.Action{Tool: tl, Thought: thought}, Result: &tool.Result{Content: out}}
	}
	tests := []struct {
		name      string
		aliases   map[string]string
		tools     []tool.Spec
		steps     []episode.Step
		client    clientFunc
		wantTool  string
		wantArgs  string // substring of the args
		wantStage string
		wantFinal string
		wantErr   string
	}{
		{
			name: "reasoner on a code tool with code", aliases: map[string]string{"reasoner-1": "sandbox.python"},
			tools: pick("sandbox.python"), client: callReply(fnReason, `{"model": "reasoner-1", "code": "print(4)"}`),
			wantTool: "sandbox.python", wantArgs: `{"code":"print(4)"}`, wantStage: stageReason,
		},
		{
			name: "reasoner on a code tool without code or model", aliases: map[string]string{"reasoner-1": "sandbox.python"},
			tools: pick("sandbox.python"), client: callReply(fnReason, `{"model": "reasoner-1"}`),
			wantErr: `reasoner-1 runs code with sandbox.python and no model can write it; pass the Python in a "code" argument`,
		},
		{
			name: "reasoner on a code tool has the cheapest model write the code", tools: pick("gpt-5", "gpt-5-mini", "sandbox.python"),
			client: callReply(fnReason, `{"model": "reasoner-3"}`), wantTool: "gpt-5-mini", wantArgs: "write additional python code", wantStage: stageCode,
		},
		{
			name:     "code written for a code-tool alias runs in that tool",
			tools:    []tool.Spec{pick("gpt-5")[0], {Name: "a.sandbox", Tags: []string{tool.TagCode}, Parameters: schema("source")}, pick("sandbox.python")[0]},
			steps:    []episode.Step{step("gpt-5", "orchestrator8b: enhance_reasoning reasoner-2 code", "```python\nprint(4)\n```")},
			wantTool: "sandbox.python", wantArgs: `{"code":"\nprint(4)\n"}`, wantStage: stageRun,
		},
		{
			name: "enhance_reasoning is not offered without a code tool", tools: pick("gpt-5"),
			client: callReply(fnReason, `{"model": "reasoner-1"}`), wantErr: `there is no tool "enhance_reasoning" this turn; call one of answer`,
		},
		{
			name: "search on a model without a search tool", aliases: map[string]string{"search-1": "gpt-5"}, tools: pick("gpt-5"),
			client: callReply(fnSearch, `{"model": "search-1"}`), wantErr: "search-1 writes a search query, but this run has no search tool",
		},
		{
			name: "code reply without a python block goes back to the model", tools: pick("gpt-5", "sandbox.python"),
			steps:  []episode.Step{step("gpt-5", "orchestrator8b: enhance_reasoning reasoner-1 code", "No code needed: 4.")},
			client: callReply(fnAnswer, `{"model": "answer-1"}`), wantTool: "gpt-5", wantArgs: "\n\nProblem:\nWhat is 2+2?\n\nTake a deep breath", wantStage: stageAnswer,
		},
		{
			name: "failed answer call goes back to the model", tools: pick("gpt-5"),
			steps:  []episode.Step{{Action: episode.Action{Tool: "gpt-5", Thought: "orchestrator8b: answer answer-1 answer"}, Error: "budget: refused"}},
			client: callReply(fnAnswer, `{"model": "answer-1"}`), wantTool: "gpt-5", wantArgs: "\n\nProblem:\nWhat is 2+2?\n\nTake a deep breath", wantStage: stageAnswer,
		},
		{
			name: "answer finalises from the previous step", tools: pick("gpt-5"),
			steps: []episode.Step{step("gpt-5", "orchestrator8b: answer answer-1 answer", "<answer>4</answer>")}, wantFinal: "4",
		},
		{
			name: "empty answer goes back to the model", tools: pick("gpt-5"),
			steps:  []episode.Step{step("gpt-5", "orchestrator8b: answer answer-1 answer", "<think>hm</think>")},
			client: callReply(fnAnswer, `{"model": "answer-1"}`), wantTool: "gpt-5", wantArgs: "\n\nProblem:\nWhat is 2+2?\n\nTake a deep breath", wantStage: stageAnswer,
		},
		{
			name: "function not offered", tools: pick("gpt-5"), client: callReply(fnSearch, `{"model": "search-1"}`),
			wantErr: `there is no tool "search" this turn; call one of answer`,
		},
		{
			name: "arguments not JSON", tools: pick("gpt-5"), client: callReply(fnAnswer, `{"model": answer-1}`),
			wantErr: `answer: arguments must be {"model": "<alias>"}`,
		},
		{
			name: "malformed hermes text", tools: pick("gpt-5"),
			client: func(context.Context, chat.Request) (*chat.Response, error) {
				return &chat.Response{Message: chat.Message{Content: "<tool_call>{\"name\": \"answer\", </tool_call>"}}, nil
			},
			wantErr: "tool call #1",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client := tc.client
			if client == nil {
				client = func(context.Context, chat.Request) (*chat.Response, error) {
					t.Fatal("the model was asked")
					return nil, nil
				}
			}
			o := &Orchestrator8B{Model: Model{Client: client, Name: "8b"}, Aliases: tc.aliases}
			act, err := o.Decide(context.Background(), &policy.State{Task: task, Tools: tc.tools, Steps: tc.steps, Turn: len(tc.steps) + 1})
			if tc.wantErr != "" {
				if !errors.Is(err, policy.ErrInvalidAction) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want invalid action containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantFinal != "" {
				if !act.Final || act.Answer != tc.wantFinal {
					t.Fatalf("action %+v, want final %q", act, tc.wantFinal)
				}
				return
			}
			if act.Tool != tc.wantTool || !strings.Contains(string(act.Args), jsonInner(tc.wantArgs)) {
				t.Errorf("action %s %s, want %s with %q", act.Tool, act.Args, tc.wantTool, tc.wantArgs)
			}
			if mk, ok := parseMarker(act.Thought); !ok || mk.stage != tc.wantStage {
				t.Errorf("marker %+v in %q, want stage %s", mk, act.Thought, tc.wantStage)
			}
		})
	}
}

// jsonInner escapes s as it appears inside a JSON string, unless s is
// itself JSON.
func jsonInner(s string) string {
	if json.Valid([]byte(s)) {
		return s
	}
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// FuzzParseMarker reads the marker line the 8B mapping leaves in a step's
// thought; a thought can hold model text, so any string must parse or be
// refused without a panic, and a parsed marker must print back as itself.
func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{
		markerPrefix + "search_web search-1 search",
		"thinking...\n" + markerPrefix + "run_code reasoner-2 code\nmore",
		markerPrefix + "too few",
		"x" + markerPrefix + "a b c",
		markerPrefix,
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := parseMarker(s)
		if !ok {
			return
		}
		if m2, ok := parseMarker(m.String()); !ok || m2 != m {
			t.Fatalf("%q parsed as %+v, which prints as %q and reparses as %+v, %v", s, m, m.String(), m2, ok)
		}
	})
}
