package llm

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/policy"
)

func TestParseToolCalls(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []chat.ToolCall
		wantErr string // substring; empty means no error
	}{
		{name: "no tags", text: "The answer is 42."},
		{name: "empty", text: ""},
		{
			name: "object arguments",
			text: `<tool_call>{"name": "search", "arguments": {"model": "search-1"}}</tool_call>`,
			want: []chat.ToolCall{{Name: "search", Arguments: `{"model":"search-1"}`}},
		},
		{
			name: "string arguments",
			text: `<tool_call>{"name": "answer", "arguments": "{\"model\": \"answer-2\"}"}</tool_call>`,
			want: []chat.ToolCall{{Name: "answer", Arguments: `{"model":"answer-2"}`}},
		},
		{
			name: "whitespace and newlines",
			text: "<tool_call>\n  {\n \"name\" : \"calc\",\n \"arguments\" : { \"expr\" : \"1+1\" } }\n\n</tool_call>\n",
			want: []chat.ToolCall{{Name: "calc", Arguments: `{"expr":"1+1"}`}},
		},
		{
			name: "think before the call",
			text: "<think>I need <tool_call>{\"name\": \"fake\"}</tool_call> docs first.</think>\n\n<tool_call>\n{\"name\": \"search\", \"arguments\": {\"model\": \"search-2\"}}\n</tool_call>",
			want: []chat.ToolCall{{Name: "search", Arguments: `{"model":"search-2"}`}},
		},
		{
			name: "think opened by the template",
			text: "reasoning only</think><tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call>",
			want: []chat.ToolCall{{Name: "a", Arguments: `{}`}},
		},
		{
			name: "two calls",
			text: `<tool_call>{"name": "a", "arguments": {"x": 1}}</tool_call> and <tool_call>{"name": "b", "arguments": {"y": [1, {"z": "}"}]}}</tool_call>`,
			want: []chat.ToolCall{{Name: "a", Arguments: `{"x":1}`}, {Name: "b", Arguments: `{"y":[1,{"z":"}"}]}`}},
		},
		{
			name: "nested braces in strings",
			text: `<tool_call>{"name": "code", "arguments": {"code": "d = {'a': {'b': 1}}\nprint(d)"}}</tool_call>`,
			want: []chat.ToolCall{{Name: "code", Arguments: `{"code":"d = {'a': {'b': 1}}\nprint(d)"}`}},
		},
		{
			name: "unicode",
			text: `<tool_call>{"name": "search", "arguments": {"query": "Zürich 東京 🚀"}}</tool_call>`,
			want: []chat.ToolCall{{Name: "search", Arguments: `{"query":"Zürich 東京 🚀"}`}},
		},
		{
			name: "missing arguments is empty object",
			text: `<tool_call>{"name": "now"}</tool_call>`,
			want: []chat.ToolCall{{Name: "now", Arguments: `{}`}},
		},
		{
			name: "null arguments",
			text: `<tool_call>{"name": "now", "arguments": null}</tool_call>`,
			want: []chat.ToolCall{{Name: "now", Arguments: `{}`}},
		},
		{
			name: "parameters instead of arguments",
			text: `<tool_call>{"name": "s", "parameters": {"q": "x"}}</tool_call>`,
			want: []chat.ToolCall{{Name: "s", Arguments: `{"q":"x"}`}},
		},
		{
			name: "unterminated final tag with complete JSON",
			text: `<tool_call>{"name": "search", "arguments": {"model": "search-1"}}`,
			want: []chat.ToolCall{{Name: "search", Arguments: `{"model":"search-1"}`}},
		},
		{name: "unterminated tag with cut JSON", text: `<tool_call>{"name": "search", "argu`, wantErr: "not closed"},
		{name: "malformed JSON", text: `<tool_call>{"name": "search", "arguments": {"model": }}</tool_call>`, wantErr: "tool call #1: not a JSON object"},
		{name: "second call malformed", text: `<tool_call>{"name": "a"}</tool_call><tool_call>{oops}</tool_call>`, wantErr: "tool call #2"},
		{name: "missing name", text: `<tool_call>{"arguments": {}}</tool_call>`, wantErr: `missing "name"`},
		{name: "empty name", text: `<tool_call>{"name": "  "}</tool_call>`, wantErr: `missing "name"`},
		{name: "arguments not an object", text: `<tool_call>{"name": "a", "arguments": [1]}</tool_call>`, wantErr: "a: arguments are not a JSON object"},
		{name: "arguments string not JSON", text: `<tool_call>{"name": "a", "arguments": "model=x"}</tool_call>`, wantErr: "arguments are not a JSON object"},
		{name: "trailing text after JSON", text: `<tool_call>{"name": "a"} extra</tool_call>`, wantErr: "text after the JSON object"},
		{name: "empty tag", text: `<tool_call> </tool_call>`, wantErr: "empty tag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseToolCalls(tc.text)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseToolCalls = %+v, want error containing %q", got, tc.wantErr)
				}
				if !errors.Is(err, policy.ErrInvalidAction) {
					t.Errorf("error %v does not wrap policy.ErrInvalidAction", err)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %q does not contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseToolCalls: %v", err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d calls %+v, want %d %+v", len(got), got, len(tc.want), tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("call %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestSplitThink(t *testing.T) {
	tests := []struct {
		name, text, thought, body string
	}{
		{"none", "hello", "", "hello"},
		{"block", "<think>a</think>b", "a", "b"},
		{"opened by template", "a</think>b", "a", "b"},
		{"unclosed", "x<think>a", "a", "x"},
		{"two blocks", "<think>a</think>b<think>c</think>d", "a\nc", "bd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th, b := splitThink(tc.text)
			if th != tc.thought || b != tc.body {
				t.Errorf("splitThink(%q) = %q, %q; want %q, %q", tc.text, th, b, tc.thought, tc.body)
			}
		})
	}
}

func FuzzParseToolCalls(f *testing.F) {
	seeds := []string{
		"",
		"plain answer",
		`<tool_call>{"name": "search", "arguments": {"model": "search-1"}}</tool_call>`,
		`<tool_call>{"name": "a", "arguments": "{\"x\": {\"y\": {}}}"}</tool_call>`,
		`<think>hmm</think><tool_call>{"name": "b", "arguments": {"q": "{{}}"}}</tool_call>`,
		`<tool_call>{"name": "ü東", "arguments": {"k": "🚀\u00e9"}}</tool_call>`,
		`<tool_call>{"name": "a"`,
		`<tool_call><tool_call>{"name": "a"}</tool_call></tool_call>`,
		`</think></tool_call><tool_call>`,
		`<tool_call>{"name": "a", "arguments": "\xff\xfe"}</tool_call>`,
		`<tool_call>{"name": "a", "arguments": {"x": "\xff"}}</tool_call>`,
		`<think><tool_call>{"name": "x"}`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		calls, err := ParseToolCalls(text)
		if err != nil {
			if !errors.Is(err, policy.ErrInvalidAction) {
				t.Fatalf("error %v does not wrap policy.ErrInvalidAction", err)
			}
			if calls != nil {
				t.Fatalf("calls %+v returned with error", calls)
			}
			return
		}
		for _, c := range calls {
			if strings.TrimSpace(c.Name) == "" {
				t.Fatalf("call with empty name from %q", text)
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal([]byte(c.Arguments), &obj); err != nil || obj == nil {
				t.Fatalf("arguments %q of %q are not a JSON object: %v", c.Arguments, text, err)
			}
		}
	})
}
