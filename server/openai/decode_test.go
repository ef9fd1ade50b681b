package openai

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDecodeChatRequest(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		param   string // want a RequestError with this param
		message string // ... whose message contains this
	}{
		{name: "minimal", body: `{"model":"baton","messages":[{"role":"user","content":"hi"}]}`},
		{name: "documented optional fields", body: `{"model":"m","messages":[{"role":"developer","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi"}]}],
			"temperature":0.2,"top_p":1,"n":1,"stream":true,"stream_options":{"include_usage":true},"stop":["\n"],"max_tokens":5,
			"max_completion_tokens":7,"presence_penalty":0,"frequency_penalty":0,"logit_bias":{"50256":-100},"logprobs":false,
			"top_logprobs":0,"user":"u1","seed":3,"response_format":{"type":"json_object"},"tool_choice":"auto",
			"parallel_tool_calls":true,"service_tier":"auto","store":false,"metadata":{"a":"b"},"reasoning_effort":"low",
			"modalities":["text"],"prediction":null,"prompt_cache_key":"k","safety_identifier":"s","verbosity":"low",
			"baton":{"prefer":"cost","budget":{"max_cost_usd":0.02,"max_time_s":60}}}`},
		{name: "assistant tool calls and tool result", body: `{"model":"m","messages":[{"role":"user","content":"w?"},
			{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
			{"role":"tool","tool_call_id":"c1","content":"sunny"}],
			"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"},"strict":true}}]}`},
		{name: "unknown top-level field", body: `{"model":"m","messages":[{"role":"user","content":"x"}],"temprature":1}`,
			param: "temprature", message: `unknown field "temprature"`},
		{name: "unknown message field", body: `{"model":"m","messages":[{"role":"user","content":"x","colour":"red"}]}`,
			param: "colour", message: `unknown field "colour"`},
		{name: "unknown extension field", body: `{"model":"m","messages":[{"role":"user","content":"x"}],"baton":{"budgett":{}}}`,
			param: "budgett"},
		{name: "wrong type", body: `{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":"ten"}`,
			param: "max_tokens", message: "must be a number"},
		{name: "missing model", body: `{"messages":[{"role":"user","content":"x"}]}`, param: "model"},
		{name: "no messages", body: `{"model":"m","messages":[]}`, param: "messages"},
		{name: "bad role", body: `{"model":"m","messages":[{"role":"wizard","content":"x"}]}`, param: "messages[0].role"},
		{name: "tool without id", body: `{"model":"m","messages":[{"role":"tool","content":"x"}]}`, param: "messages[0].tool_call_id"},
		{name: "image part", body: `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}`,
			param: "messages[0].content", message: "only text parts"},
		{name: "n above one", body: `{"model":"m","messages":[{"role":"user","content":"x"}],"n":2}`, param: "n"},
		{name: "zero max tokens", body: `{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0}`, param: "max_tokens"},
		{name: "bad stop", body: `{"model":"m","messages":[{"role":"user","content":"x"}],"stop":5}`, param: "stop"},
		{name: "non-function tool", body: `{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"web","function":{"name":"f"}}]}`, param: "tools[0].type"},
		{name: "not an object", body: `[1,2]`, message: "must be a JSON object"},
		{name: "empty body", body: ``, message: "empty"},
		{name: "truncated", body: `{"model":"m"`, message: "truncated"},
		{name: "trailing data", body: `{"model":"m","messages":[{"role":"user","content":"x"}]} {}`, message: "after the JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := DecodeChatRequest(strings.NewReader(tt.body))
			if tt.param == "" && tt.message == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if _, err := req.Internal(); err != nil {
					t.Fatalf("Internal: %v", err)
				}
				return
			}
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("want a RequestError, got %v", err)
			}
			if re.Param != tt.param || !strings.Contains(re.Message, tt.message) {
				t.Errorf("got param %q message %q; want param %q message containing %q", re.Param, re.Message, tt.param, tt.message)
			}
		})
	}
}

func TestInternal(t *testing.T) {
	req, err := DecodeChatRequest(strings.NewReader(`{"model":"m","max_tokens":9,"max_completion_tokens":5,"stop":"END",
		"messages":[{"role":"developer","content":"sys"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
		{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]},
		{"role":"tool","tool_call_id":"c1","content":"r"}],"tools":[{"type":"function","function":{"name":"f"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := req.Internal()
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxTokens != 5 || len(c.Stop) != 1 || c.Stop[0] != "END" {
		t.Errorf("max tokens %d stop %v", c.MaxTokens, c.Stop)
	}
	if c.Messages[0].Role != "system" || c.Messages[1].Content != "ab" || c.Messages[2].ToolCalls[0].Arguments != `{"x":1}` || c.Messages[3].ToolCallID != "c1" {
		t.Errorf("messages = %+v", c.Messages)
	}
	if len(c.Tools) != 1 || string(c.Tools[0].Parameters) != `{"type":"object","properties":{}}` {
		t.Errorf("tools = %+v", c.Tools)
	}
}

// FuzzDecodeChatRequest checks that no body panics the decoder, that every
// refusal is a RequestError, and that every accepted request translates.
func FuzzDecodeChatRequest(f *testing.F) {
	for _, s := range []string{
		`{"model":"baton","messages":[{"role":"user","content":"hi"}]}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"stop":["a"],"tools":[{"type":"function","function":{"name":"f"}}]}`,
		`{"model":"m","messages":[{"role":"tool","tool_call_id":"x","content":null}],"baton":{"budget":{"max_cost_usd":"1e999"}}}`,
		`{"model":1}`, `[]`, `null`, `{"model":"m","messages":[{}]}`, "{\"model\":\"\xff\"}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req, err := DecodeChatRequest(strings.NewReader(body))
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) || re.Message == "" {
				t.Fatalf("refusal is not a RequestError with a message: %v", err)
			}
			return
		}
		if _, err := req.Internal(); err != nil {
			t.Fatalf("accepted request does not translate: %v", err)
		}
	})
}

// FuzzContentText: the undecoded fast path for plain strings agrees with
// encoding/json on every input it accepts.
func FuzzContentText(f *testing.F) {
	for _, s := range []string{`"hello"`, `"a\"b"`, `"tab\there"`, `"é"`, `""`, `"`, `"x`, `null`, `[{"type":"text","text":"hi"}]`, `"\u00e9"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := plainString(raw)
		if !ok {
			return
		}
		var want string
		if err := json.Unmarshal(raw, &want); err != nil || got != want {
			t.Fatalf("plainString(%q) = %q; json.Unmarshal gives %q, %v", raw, got, want, err)
		}
	})
}
