package llm

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// clientFunc is a chat.Client for unit tests of what the policy does with
// a reply; the wire format is covered by the end-to-end tests.
type clientFunc func(ctx context.Context, req chat.Request) (*chat.Response, error)

func (f clientFunc) Complete(ctx context.Context, req chat.Request) (*chat.Response, error) {
	return f(ctx, req)
}

func TestModelCost(t *testing.T) {
	price := money.Price{InputPerM: money.MustParse("1.25"), OutputPerM: money.MustParse("10")}
	req := chat.Request{
		Messages: []chat.Message{{Role: chat.RoleUser, Content: "0123456789abcdef"}}, // 16 bytes: 4 tokens
		Tools:    []chat.ToolDef{{Name: "ab", Description: "cd", Parameters: json.RawMessage(`{}`)}},
	}
	tests := []struct {
		name      string
		resp      chat.Response
		wantUsage tool.Usage
		wantCost  money.Amount
	}{
		{
			name:      "reported usage priced exactly",
			resp:      chat.Response{Usage: chat.Usage{InputTokens: 1234, OutputTokens: 567}, UsageReported: true},
			wantUsage: tool.Usage{InputTokens: 1234, OutputTokens: 567},
			// 1234 × $1.25/1M = $0.0015425; 567 × $10/1M = $0.00567
			wantCost: money.MustParse("0.0072125"),
		},
		{
			name:      "rounding up per component",
			resp:      chat.Response{Usage: chat.Usage{InputTokens: 1, OutputTokens: 1}, UsageReported: true},
			wantUsage: tool.Usage{InputTokens: 1, OutputTokens: 1},
			wantCost:  money.Amount(1250 + 10000),
		},
		{
			name: "missing usage estimated from the text",
			resp: chat.Response{Message: chat.Message{Content: "12345678", ToolCalls: []chat.ToolCall{{Name: "ab", Arguments: "{}"}}}},
			// input: 4 (message) + 2 ("abcd{}" = 6 bytes); output: 2 + 1 ("ab{}")
			wantUsage: tool.Usage{InputTokens: 6, OutputTokens: 3, Estimated: true},
			wantCost:  money.Amount(6*1250 + 3*10000),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sent chat.Request
			m := Model{Name: "m", Price: price, MaxTokens: 99, Client: clientFunc(func(_ context.Context, r chat.Request) (*chat.Response, error) {
				sent = r
				resp := tc.resp
				return &resp, nil
			})}
			r, err := m.complete(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if r.usage != tc.wantUsage || r.cost != tc.wantCost {
				t.Errorf("usage %+v cost %s, want %+v %s", r.usage, r.cost, tc.wantUsage, tc.wantCost)
			}
			if sent.Model != "m" || sent.MaxTokens != 99 {
				t.Errorf("request model %q max_tokens %d", sent.Model, sent.MaxTokens)
			}
		})
	}
}

func TestModelErrors(t *testing.T) {
	boom := errors.New("boom")
	m := Model{Name: "m", Client: clientFunc(func(context.Context, chat.Request) (*chat.Response, error) { return nil, boom })}
	if _, err := m.complete(context.Background(), chat.Request{}); !errors.Is(err, boom) || errors.Is(err, policy.ErrInvalidAction) {
		t.Errorf("client error = %v, want it wrapped and not an invalid action", err)
	}
	m.Client = nil
	if _, err := m.complete(context.Background(), chat.Request{}); !errors.Is(err, errNoClient) {
		t.Errorf("nil client error = %v", err)
	}
	m.Client = clientFunc(func(context.Context, chat.Request) (*chat.Response, error) { return nil, nil })
	if _, err := m.complete(context.Background(), chat.Request{}); err == nil {
		t.Errorf("nil response accepted")
	}
}

// TestNativeAction covers how replies become actions, without a server.
func TestNativeAction(t *testing.T) {
	names := newNameMap([]string{"retrieval.bm25", "gpt-5"})
	tests := []struct {
		name     string
		msg      chat.Message
		wantTool string
		wantArgs string
		wantAns  string
		wantErr  string
		thought  string
	}{
		{name: "native call", msg: chat.Message{ToolCalls: []chat.ToolCall{{Name: "retrieval_bm25", Arguments: `{"query": "x"}`}}}, wantTool: "retrieval.bm25", wantArgs: `{"query":"x"}`},
		{name: "baton spelling accepted", msg: chat.Message{ToolCalls: []chat.ToolCall{{Name: "retrieval.bm25", Arguments: `{}`}}}, wantTool: "retrieval.bm25", wantArgs: `{}`},
		{name: "extra calls ignored", msg: chat.Message{ToolCalls: []chat.ToolCall{{Name: "gpt-5", Arguments: `{"prompt":"a"}`}, {Name: "retrieval_bm25", Arguments: `{}`}}}, wantTool: "gpt-5", wantArgs: `{"prompt":"a"}`},
		{name: "empty arguments", msg: chat.Message{ToolCalls: []chat.ToolCall{{Name: "gpt-5", Arguments: ``}}}, wantTool: "gpt-5", wantArgs: `{}`},
		{name: "hermes text", msg: chat.Message{Content: "<think>t</think>ok <tool_call>{\"name\": \"gpt-5\", \"arguments\": {\"prompt\": \"p\"}}</tool_call>"}, wantTool: "gpt-5", wantArgs: `{"prompt":"p"}`, thought: "t\nok"},
		{name: "answer function", msg: chat.Message{ToolCalls: []chat.ToolCall{{Name: "answer", Arguments: `{"answer": " 42 "}`}}}, wantAns: "42"},
		{name: "plain text answer", msg: chat.Message{Content: "<think>easy</think>\n42\n"}, wantAns: "42", thought: "easy"},
		{name: "empty reply", msg: chat.Message{Content: "<think>hmm</think>"}, wantErr: "the reply was empty"},
		{name: "malformed native arguments", msg: chat.Message{ToolCalls: []chat.ToolCall{{Name: "gpt-5", Arguments: `{"prompt": "a`}}}, wantErr: "call of gpt-5: arguments are not a JSON object"},
		{name: "malformed hermes", msg: chat.Message{Content: `<tool_call>{"name": "gpt-5", "arguments": {]}</tool_call>`}, wantErr: "tool call #1"},
		{name: "unknown function", msg: chat.Message{ToolCalls: []chat.ToolCall{{Name: "web", Arguments: `{}`}}}, wantErr: `there is no function "web"; the functions are: gpt-5, retrieval_bm25, answer`},
		{name: "answer without text", msg: chat.Message{ToolCalls: []chat.ToolCall{{Name: "answer", Arguments: `{"text": "42"}`}}}, wantErr: `answer takes {"answer": "<the final answer as text>"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := reply{msg: tc.msg, usage: tool.Usage{InputTokens: 7}, cost: 11}
			act, err := nativeAction(r, names)
			if act.Cost != 11 || act.Usage.InputTokens != 7 {
				t.Errorf("decision cost not carried: %+v", act)
			}
			if tc.wantErr != "" {
				if !errors.Is(err, policy.ErrInvalidAction) || !containsStr(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want invalid action containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantAns != "" {
				if !act.Final || act.Answer != tc.wantAns {
					t.Errorf("action %+v, want final answer %q", act, tc.wantAns)
				}
			} else if act.Final || act.Tool != tc.wantTool || string(act.Args) != tc.wantArgs {
				t.Errorf("action %+v, want %s %s", act, tc.wantTool, tc.wantArgs)
			}
			if tc.thought != "" && act.Thought != tc.thought {
				t.Errorf("thought %q, want %q", act.Thought, tc.thought)
			}
		})
	}
}

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }

func TestModelMaxCost(t *testing.T) {
	price := money.Price{InputPerM: money.MustParse("1.25"), OutputPerM: money.MustParse("10")}
	req := chat.Request{Messages: []chat.Message{{Role: chat.RoleUser, Content: "hi"}}}
	b, _ := json.Marshal(req)
	in := int64(len(b)) + templateTokens + perMessageTokens
	tests := []struct {
		name string
		m    Model
		want money.Amount
	}{
		{name: "free model", m: Model{}, want: 0},
		{name: "default cap", m: Model{Price: price}, want: price.Cost(money.Usage{InputTokens: in, OutputTokens: DefaultMaxTokens})},
		{name: "own cap", m: Model{Price: price, MaxTokens: 100}, want: price.Cost(money.Usage{InputTokens: in, OutputTokens: 100})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.m.maxCost(req)
			if err != nil || got != tc.want {
				t.Errorf("maxCost = %s, %v; want %s", got, err, tc.want)
			}
		})
	}
	// The bound holds for an estimated usage of the same request whatever
	// the reply, up to the cap.
	m := Model{Price: price, MaxTokens: 10, Client: clientFunc(func(context.Context, chat.Request) (*chat.Response, error) {
		return &chat.Response{Message: chat.Message{Content: strings.Repeat("x", 40)}}, nil
	})}
	bound, _ := m.maxCost(req)
	r, err := m.complete(context.Background(), req)
	if err != nil || r.cost > bound {
		t.Errorf("estimated cost %s above bound %s (%v)", r.cost, bound, err)
	}
}
