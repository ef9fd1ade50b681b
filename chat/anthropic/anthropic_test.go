package anthropic

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/chat/internal/wire"
)

// sleeps records the delays a retrier asked for, without sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// instant makes r wait for nothing and records the waits it requested.
func instant(r *wire.Retrier) *sleeps {
	s := &sleeps{}
	r.Sleep = s.sleep
	r.Jitter = func(n time.Duration) time.Duration { return n } // deterministic: the upper end
	return s
}

func newAnthropicTest(t *testing.T, o Options, replies ...chattest.AnthropicReply) (*Client, *chattest.AnthropicServer, *sleeps) {
	t.Helper()
	srv := chattest.NewAnthropic(replies...)
	t.Cleanup(srv.Close)
	if o.BaseURL == "" {
		o.BaseURL = srv.URL
	}
	c := New(o)
	return c, srv, instant(c.r)
}

func claudeReq(prompt string) chat.Request {
	return chat.Request{Model: "claude-sonnet-4-5", Messages: []chat.Message{{Role: chat.RoleUser, Content: prompt}}}
}

func TestAnthropicComplete(t *testing.T) {
	tests := []struct {
		name  string
		reply chattest.AnthropicReply
		want  chat.Response
	}{
		{
			name:  "text",
			reply: chattest.AnthropicReply{Text: "Paris.", InputTokens: 14, OutputTokens: 4},
			want: chat.Response{
				Message: chat.Message{Role: chat.RoleAssistant, Content: "Paris."},
				Usage:   chat.Usage{InputTokens: 14, OutputTokens: 4}, UsageReported: true,
				Model: "claude-sonnet-4-5", FinishReason: "end_turn",
			},
		},
		{
			name: "tool use",
			reply: chattest.AnthropicReply{
				Text:        "Searching.",
				ToolUses:    []chattest.AnthropicToolUse{{ID: "toolu_01", Name: "search", Input: `{"q":"capital of France","k":3}`}, {ID: "toolu_02", Name: "noargs", Input: `{}`}},
				InputTokens: 300, OutputTokens: 45,
			},
			want: chat.Response{
				Message: chat.Message{Role: chat.RoleAssistant, Content: "Searching.", ToolCalls: []chat.ToolCall{
					{ID: "toolu_01", Name: "search", Arguments: `{"q":"capital of France","k":3}`},
					{ID: "toolu_02", Name: "noargs", Arguments: `{}`},
				}},
				Usage: chat.Usage{InputTokens: 300, OutputTokens: 45}, UsageReported: true,
				Model: "claude-sonnet-4-5", FinishReason: "tool_use",
			},
		},
		{
			name:  "cache reads count as input",
			reply: chattest.AnthropicReply{Text: "ok", InputTokens: 10, CacheRead: 2000, OutputTokens: 1},
			want: chat.Response{
				Message: chat.Message{Role: chat.RoleAssistant, Content: "ok"},
				Usage:   chat.Usage{InputTokens: 2010, OutputTokens: 1}, UsageReported: true,
				Model: "claude-sonnet-4-5", FinishReason: "end_turn",
			},
		},
		{
			name:  "missing usage",
			reply: chattest.AnthropicReply{Text: "ok", NoUsage: true},
			want: chat.Response{
				Message: chat.Message{Role: chat.RoleAssistant, Content: "ok"},
				Model:   "claude-sonnet-4-5", FinishReason: "end_turn",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := newAnthropicTest(t, Options{}, tt.reply)
			got, err := c.Complete(context.Background(), claudeReq("hi"))
			if err != nil {
				t.Fatal(err)
			}
			assertResponse(t, got, &tt.want)
		})
	}
}

// TestAnthropicToolRoundTrip sends a conversation with a tool call and its
// result and checks the wire translation.
func TestAnthropicToolRoundTrip(t *testing.T) {
	c, srv, _ := newAnthropicTest(t, Options{APIKey: "sk-ant-test", BaseURL: ""}, chattest.AnthropicReply{Text: "It is Paris.", InputTokens: 50, OutputTokens: 5})
	temp := 0.5
	req := chat.Request{
		Model: "claude-haiku-4-5",
		Messages: []chat.Message{
			{Role: chat.RoleSystem, Content: "Answer briefly."},
			{Role: chat.RoleUser, Content: "Capital of France? Also 2+2."},
			{Role: chat.RoleAssistant, Content: "Let me look.", ToolCalls: []chat.ToolCall{
				{ID: "toolu_a", Name: "search", Arguments: `{"q":"capital of France"}`},
				{ID: "toolu_b", Name: "calc", Arguments: ``},
			}},
			{Role: chat.RoleTool, ToolCallID: "toolu_a", Name: "search", Content: "Paris is the capital."},
			{Role: chat.RoleTool, ToolCallID: "toolu_b", Name: "calc", Content: "4"},
		},
		Tools: []chat.ToolDef{{
			Name: "search", Description: "web search",
			Parameters: []byte(`{"type":"object","properties":{"q":{"type":"string"}},"required":["q"],"additionalProperties":false}`),
		}},
		MaxTokens:   256,
		Temperature: &temp,
	}
	got, err := c.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Message.Content != "It is Paris." {
		t.Errorf("content = %q", got.Message.Content)
	}
	r := srv.Requests()[0]
	if r.Path != "/v1/messages" {
		t.Errorf("path = %q", r.Path)
	}
	if k := r.Header.Get("X-Api-Key"); k != "sk-ant-test" {
		t.Errorf("x-api-key = %q", k)
	}
	if r.Header.Get("Anthropic-Version") == "" {
		t.Error("no anthropic-version header")
	}
	b := r.Body
	if b["max_tokens"] != float64(256) || b["temperature"] != 0.5 || b["model"] != "claude-haiku-4-5" {
		t.Errorf("max_tokens/temperature/model = %v/%v/%v", b["max_tokens"], b["temperature"], b["model"])
	}
	sys := b["system"].([]any)
	if len(sys) != 1 || sys[0].(map[string]any)["text"] != "Answer briefly." {
		t.Errorf("system = %v", sys)
	}
	msgs := b["messages"].([]any)
	if len(msgs) != 3 {
		t.Fatalf("messages = %v, want user, assistant, user(tool results)", msgs)
	}
	asst := msgs[1].(map[string]any)
	blocks := asst["content"].([]any)
	if asst["role"] != "assistant" || len(blocks) != 3 {
		t.Fatalf("assistant = %v", asst)
	}
	tu := blocks[1].(map[string]any)
	if tu["type"] != "tool_use" || tu["id"] != "toolu_a" || tu["name"] != "search" || tu["input"].(map[string]any)["q"] != "capital of France" {
		t.Errorf("tool_use = %v", tu)
	}
	if in := blocks[2].(map[string]any)["input"].(map[string]any); len(in) != 0 {
		t.Errorf("empty arguments should become {}: %v", in)
	}
	results := msgs[2].(map[string]any)
	rb := results["content"].([]any)
	if results["role"] != "user" || len(rb) != 2 {
		t.Fatalf("tool results = %v, want both in one user turn", results)
	}
	tr := rb[0].(map[string]any)
	if tr["type"] != "tool_result" || tr["tool_use_id"] != "toolu_a" {
		t.Errorf("tool_result = %v", tr)
	}
	tools := b["tools"].([]any)
	tool := tools[0].(map[string]any)
	schema := tool["input_schema"].(map[string]any)
	if tool["name"] != "search" || schema["type"] != "object" || schema["required"].([]any)[0] != "q" ||
		schema["properties"].(map[string]any)["q"] == nil || schema["additionalProperties"] != false {
		t.Errorf("tool = %v", tool)
	}
}

func TestAnthropicRequestErrors(t *testing.T) {
	tests := []struct {
		name string
		msgs []chat.Message
		want string
	}{
		{"bad tool arguments", []chat.Message{{Role: chat.RoleAssistant, ToolCalls: []chat.ToolCall{{ID: "x", Name: "f", Arguments: `{"a":`}}}}, "arguments are not a JSON object"},
		{"tool message without id", []chat.Message{{Role: chat.RoleTool, Content: "r"}}, "without tool_call_id"},
		{"unknown role", []chat.Message{{Role: "developer", Content: "r"}}, `unknown role "developer"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, _ := newAnthropicTest(t, Options{})
			_, err := c.Complete(context.Background(), chat.Request{Model: "m", Messages: tt.msgs})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("sent %d requests", n)
			}
		})
	}
}

func TestAnthropicStream(t *testing.T) {
	tests := []struct {
		name  string
		reply chattest.AnthropicReply
	}{
		{"text", chattest.AnthropicReply{Text: "The capital of France is Paris.", InputTokens: 20, OutputTokens: 9}},
		{"tool use", chattest.AnthropicReply{Text: "Checking now.", ToolUses: []chattest.AnthropicToolUse{{ID: "toolu_9", Name: "search", Input: `{"query":"Lyon population","top_k":5}`}}, InputTokens: 80, OutputTokens: 30}},
		{"no usage", chattest.AnthropicReply{Text: "short reply", NoUsage: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := newAnthropicTest(t, Options{}, tt.reply)
			var deltas []string
			got, err := c.Stream(context.Background(), claudeReq("q"), func(d chat.Delta) { deltas = append(deltas, d.Content) })
			if err != nil {
				t.Fatal(err)
			}
			if len(deltas) < 2 || strings.Join(deltas, "") != tt.reply.Text || got.Message.Content != tt.reply.Text {
				t.Errorf("deltas %q, content %q, want %q", deltas, got.Message.Content, tt.reply.Text)
			}
			if len(got.Message.ToolCalls) != len(tt.reply.ToolUses) {
				t.Fatalf("tool calls = %+v", got.Message.ToolCalls)
			}
			for i, tu := range tt.reply.ToolUses {
				if g := got.Message.ToolCalls[i]; g.ID != tu.ID || g.Name != tu.Name || g.Arguments != tu.Input {
					t.Errorf("tool call = %+v, want %+v", g, tu)
				}
			}
			if got.UsageReported == tt.reply.NoUsage {
				t.Errorf("UsageReported = %v", got.UsageReported)
			}
			if want := (chat.Usage{InputTokens: tt.reply.InputTokens, OutputTokens: tt.reply.OutputTokens}); got.Usage != want {
				t.Errorf("usage = %+v, want %+v", got.Usage, want)
			}
		})
	}
}

func TestAnthropicRetries(t *testing.T) {
	overloaded := `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`
	t.Run("529 then success", func(t *testing.T) {
		c, srv, sl := newAnthropicTest(t, Options{},
			chattest.AnthropicReply{Status: 529, Raw: overloaded, Header: map[string]string{"Retry-After": "1"}},
			chattest.AnthropicReply{Status: 529, Raw: overloaded},
			chattest.AnthropicReply{Text: "finally", InputTokens: 3, OutputTokens: 1},
		)
		got, err := c.Complete(context.Background(), claudeReq("x"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Message.Content != "finally" || len(srv.Requests()) != 3 {
			t.Errorf("content %q after %d requests", got.Message.Content, len(srv.Requests()))
		}
		if s := sl.all(); !equalDurations(s, []time.Duration{time.Second, 2 * wire.BackoffBase}) {
			t.Errorf("slept %v, want [1s (Retry-After), 1s (backoff)]", s)
		}
	})
	t.Run("529 until retries run out", func(t *testing.T) {
		c, srv, _ := newAnthropicTest(t, Options{MaxRetries: 1}, chattest.AnthropicReply{Status: 529, Raw: overloaded}, chattest.AnthropicReply{Status: 529, Raw: overloaded})
		_, err := c.Complete(context.Background(), claudeReq("x"))
		var se *chat.StatusError
		if !errors.As(err, &se) || !errors.Is(err, chat.ErrUpstream) {
			t.Fatalf("err = %T %v", err, err)
		}
		if se.Provider != "anthropic" || se.StatusCode != 529 || se.Message != "overloaded_error: Overloaded" {
			t.Errorf("StatusError = %+v", se)
		}
		if n := len(srv.Requests()); n != 2 {
			t.Errorf("requests = %d", n)
		}
	})
}

func TestAnthropicErrors(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		reply    chattest.AnthropicReply
		stream   bool
		wantIs   error
		wantCode int
		wantMsg  string
	}{
		{
			name:   "invalid request",
			reply:  chattest.AnthropicReply{Status: 400, Raw: `{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}`},
			wantIs: chat.ErrUpstream, wantCode: 400, wantMsg: "invalid_request_error: max_tokens: Field required",
		},
		{
			name:   "authentication",
			reply:  chattest.AnthropicReply{Status: 401, Raw: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`},
			wantIs: chat.ErrUpstream, wantCode: 401, wantMsg: "authentication_error: invalid x-api-key",
		},
		{name: "malformed JSON", reply: chattest.AnthropicReply{Raw: `{"type":"message","content":[`}, wantIs: chat.ErrMalformed, wantMsg: "not JSON"},
		{name: "no content", reply: chattest.AnthropicReply{Raw: `{"type":"message","id":"m"}`}, wantIs: chat.ErrMalformed, wantMsg: "no content"},
		{name: "oversized", opts: Options{MaxResponseBytes: 100}, reply: chattest.AnthropicReply{Text: strings.Repeat("x", 500)}, wantIs: chat.ErrTooLarge, wantMsg: "exceeds 100 bytes"},
		{name: "stream error event", stream: true, reply: chattest.AnthropicReply{StreamError: "Overloaded"}, wantIs: chat.ErrUpstream, wantMsg: "Overloaded"},
		{name: "stream stalls past the attempt timeout", stream: true, opts: Options{Timeout: 100 * time.Millisecond},
			reply: chattest.AnthropicReply{Text: "never", Stall: true}, wantIs: chat.ErrTimeout, wantMsg: "timed out after 100ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := newAnthropicTest(t, tt.opts, tt.reply)
			var err error
			if tt.stream {
				_, err = c.Stream(context.Background(), claudeReq("x"), nil)
			} else {
				_, err = c.Complete(context.Background(), claudeReq("x"))
			}
			if !errors.Is(err, tt.wantIs) || !errors.Is(err, chat.ErrUpstream) {
				t.Fatalf("err = %v, want one wrapping %v", err, tt.wantIs)
			}
			if tt.wantCode != 0 {
				var se *chat.StatusError
				if !errors.As(err, &se) || se.StatusCode != tt.wantCode || se.Message != tt.wantMsg {
					t.Fatalf("err = %#v, want StatusError %d %q", err, tt.wantCode, tt.wantMsg)
				}
			} else if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to mention %q", err, tt.wantMsg)
			}
		})
	}
}

func TestAnthropicCancellation(t *testing.T) {
	c, _, _ := newAnthropicTest(t, Options{}, chattest.AnthropicReply{Text: "x", Stall: true})
	ctx, cancel := context.WithCancel(context.Background())
	var n int
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := c.Stream(ctx, claudeReq("x"), func(chat.Delta) { n++ })
	if !errors.Is(err, context.Canceled) || errors.Is(err, chat.ErrUpstream) {
		t.Fatalf("err = %v, want context.Canceled only", err)
	}
}

func TestAnthropicBaseURLWithV1(t *testing.T) {
	srv := chattest.NewAnthropic(chattest.AnthropicReply{Text: "ok"})
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL + "/v1/"})
	if _, err := c.Complete(context.Background(), claudeReq("x")); err != nil {
		t.Fatal(err)
	}
	if p := srv.Requests()[0].Path; p != "/v1/messages" {
		t.Errorf("path = %q", p)
	}
}

func assertResponse(t *testing.T, got, want *chat.Response) {
	t.Helper()
	if got.Message.Role != want.Message.Role || got.Message.Content != want.Message.Content {
		t.Errorf("message = %+v, want %+v", got.Message, want.Message)
	}
	if len(got.Message.ToolCalls) != len(want.Message.ToolCalls) {
		t.Fatalf("tool calls = %+v, want %+v", got.Message.ToolCalls, want.Message.ToolCalls)
	}
	for i := range want.Message.ToolCalls {
		if got.Message.ToolCalls[i] != want.Message.ToolCalls[i] {
			t.Errorf("tool call %d = %+v, want %+v", i, got.Message.ToolCalls[i], want.Message.ToolCalls[i])
		}
	}
	if got.Usage != want.Usage || got.UsageReported != want.UsageReported {
		t.Errorf("usage = %+v reported=%v, want %+v reported=%v", got.Usage, got.UsageReported, want.Usage, want.UsageReported)
	}
	if got.Model != want.Model || got.FinishReason != want.FinishReason {
		t.Errorf("model, finish = %q, %q; want %q, %q", got.Model, got.FinishReason, want.Model, want.FinishReason)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
