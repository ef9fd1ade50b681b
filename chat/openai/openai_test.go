package openai

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

func newOpenAITest(t *testing.T, o Options, replies ...chattest.Reply) (*Client, *chattest.Server, *sleeps) {
	t.Helper()
	srv := chattest.New(replies...)
	t.Cleanup(srv.Close)
	o.BaseURL = srv.BaseURL()
	c := New(o)
	return c, srv, instant(c.r)
}

func userReq(prompt string) chat.Request {
	return chat.Request{Model: "gpt-5", Messages: []chat.Message{{Role: chat.RoleUser, Content: prompt}}}
}

func TestOpenAIComplete(t *testing.T) {
	tests := []struct {
		name  string
		reply chattest.Reply
		want  chat.Response
	}{
		{
			name:  "text",
			reply: chattest.Reply{Content: "Paris.", Usage: chattest.Usage{PromptTokens: 12, CompletionTokens: 3}},
			want: chat.Response{
				Message: chat.Message{Role: chat.RoleAssistant, Content: "Paris."},
				Usage:   chat.Usage{InputTokens: 12, OutputTokens: 3}, UsageReported: true,
				Model: "gpt-5", FinishReason: "stop",
			},
		},
		{
			name: "tool calls",
			reply: chattest.Reply{
				ToolCalls: []chattest.ToolCall{
					{ID: "call_a", Name: "search", Arguments: `{"q":"capital of France","k":3}`},
					{ID: "call_b", Name: "calc", Arguments: `{"expr":"2+2"`}, // malformed on purpose: kept verbatim
				},
				Usage: chattest.Usage{PromptTokens: 40, CompletionTokens: 22},
			},
			want: chat.Response{
				Message: chat.Message{Role: chat.RoleAssistant, ToolCalls: []chat.ToolCall{
					{ID: "call_a", Name: "search", Arguments: `{"q":"capital of France","k":3}`},
					{ID: "call_b", Name: "calc", Arguments: `{"expr":"2+2"`},
				}},
				Usage: chat.Usage{InputTokens: 40, OutputTokens: 22}, UsageReported: true,
				Model: "gpt-5", FinishReason: "tool_calls",
			},
		},
		{
			name:  "missing usage",
			reply: chattest.Reply{Content: "ok", NoUsage: true},
			want: chat.Response{
				Message: chat.Message{Role: chat.RoleAssistant, Content: "ok"},
				Model:   "gpt-5", FinishReason: "stop",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := newOpenAITest(t, Options{}, tt.reply)
			got, err := c.Complete(context.Background(), userReq("hi"))
			if err != nil {
				t.Fatal(err)
			}
			assertResponse(t, got, &tt.want)
		})
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

func TestOpenAIRequestWire(t *testing.T) {
	temp := 0.25
	c, srv, _ := newOpenAITest(t, Options{APIKey: "sk-test", Header: map[string]string{"HTTP-Referer": "https://baton.test"}},
		chattest.Reply{Content: "done"})
	req := chat.Request{
		Model: "qwen3-32b",
		Messages: []chat.Message{
			{Role: chat.RoleSystem, Content: "be brief"},
			{Role: chat.RoleUser, Content: "find it"},
			{Role: chat.RoleAssistant, ToolCalls: []chat.ToolCall{{ID: "c1", Name: "search", Arguments: `{"q":"x"}`}}},
			{Role: chat.RoleTool, ToolCallID: "c1", Name: "search", Content: "found x"},
		},
		Tools:       []chat.ToolDef{{Name: "search", Description: "web search", Parameters: []byte(`{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}`)}},
		MaxTokens:   77,
		Temperature: &temp,
		Stop:        []string{"END"},
	}
	if _, err := c.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := srv.Requests()[0]
	if got.Path != "/v1/chat/completions" {
		t.Errorf("path = %q", got.Path)
	}
	if h := got.Header.Get("Authorization"); h != "Bearer sk-test" {
		t.Errorf("Authorization = %q", h)
	}
	if h := got.Header.Get("HTTP-Referer"); h != "https://baton.test" {
		t.Errorf("HTTP-Referer = %q", h)
	}
	b := got.Body
	if b["model"] != "qwen3-32b" || b["max_tokens"] != float64(77) || b["temperature"] != 0.25 {
		t.Errorf("model/max_tokens/temperature = %v/%v/%v", b["model"], b["max_tokens"], b["temperature"])
	}
	msgs := b["messages"].([]any)
	if len(msgs) != 4 {
		t.Fatalf("messages = %v", msgs)
	}
	asst := msgs[2].(map[string]any)
	call := asst["tool_calls"].([]any)[0].(map[string]any)
	fn := call["function"].(map[string]any)
	if call["id"] != "c1" || fn["name"] != "search" || fn["arguments"] != `{"q":"x"}` {
		t.Errorf("assistant tool call = %v", call)
	}
	tool := msgs[3].(map[string]any)
	if tool["role"] != "tool" || tool["tool_call_id"] != "c1" || tool["content"] != "found x" {
		t.Errorf("tool message = %v", tool)
	}
	tools := b["tools"].([]any)
	def := tools[0].(map[string]any)["function"].(map[string]any)
	if def["name"] != "search" || def["parameters"].(map[string]any)["required"].([]any)[0] != "q" {
		t.Errorf("tool def = %v", def)
	}
}

func TestOpenAIRejectsBadRequest(t *testing.T) {
	c, srv, _ := newOpenAITest(t, Options{})
	_, err := c.Complete(context.Background(), chat.Request{Model: "m", Messages: []chat.Message{{Role: "narrator", Content: "x"}}})
	if err == nil || !strings.Contains(err.Error(), `unknown role "narrator"`) {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("sent %d requests for an invalid one", n)
	}
}

func TestOpenAIStream(t *testing.T) {
	tests := []struct {
		name  string
		reply chattest.Reply
	}{
		{"text", chattest.Reply{Content: "The capital of France is Paris.", Usage: chattest.Usage{PromptTokens: 9, CompletionTokens: 8}}},
		{"tool calls", chattest.Reply{
			Content: "Let me check.",
			ToolCalls: []chattest.ToolCall{
				{ID: "call_1", Name: "search", Arguments: `{"query":"population of Lyon","top_k":5}`},
				{ID: "call_2", Name: "math", Arguments: `{"expression":"513275/1.5"}`},
			},
			Usage: chattest.Usage{PromptTokens: 100, CompletionTokens: 30},
		}},
		{"no usage", chattest.Reply{Content: "short answer", NoUsage: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, _ := newOpenAITest(t, Options{}, tt.reply)
			var deltas []string
			got, err := c.Stream(context.Background(), userReq("q"), func(d chat.Delta) { deltas = append(deltas, d.Content) })
			if err != nil {
				t.Fatal(err)
			}
			if len(deltas) < 2 {
				t.Errorf("got %d deltas, want the content in several pieces", len(deltas))
			}
			if joined := strings.Join(deltas, ""); joined != got.Message.Content || joined != tt.reply.Content {
				t.Errorf("deltas %q, content %q, want %q", joined, got.Message.Content, tt.reply.Content)
			}
			if len(got.Message.ToolCalls) != len(tt.reply.ToolCalls) {
				t.Fatalf("tool calls = %+v", got.Message.ToolCalls)
			}
			for i, tc := range tt.reply.ToolCalls {
				if g := got.Message.ToolCalls[i]; g.ID != tc.ID || g.Name != tc.Name || g.Arguments != tc.Arguments {
					t.Errorf("tool call %d = %+v, want %+v", i, g, tc)
				}
			}
			if got.UsageReported == tt.reply.NoUsage {
				t.Errorf("UsageReported = %v", got.UsageReported)
			}
			if want := (chat.Usage{InputTokens: tt.reply.Usage.PromptTokens, OutputTokens: tt.reply.Usage.CompletionTokens}); got.Usage != want {
				t.Errorf("usage = %+v, want %+v", got.Usage, want)
			}
			body := srv.Requests()[0].Body
			so, _ := body["stream_options"].(map[string]any)
			if body["stream"] != true || so["include_usage"] != true {
				t.Errorf("stream, stream_options = %v, %v", body["stream"], body["stream_options"])
			}
		})
	}
}

func TestOpenAIRetryAfter(t *testing.T) {
	tests := []struct {
		name      string
		header    map[string]string
		wantSleep time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "1"}, time.Second},
		{"zero", map[string]string{"Retry-After": "0"}, 0},
		{"milliseconds win", map[string]string{"Retry-After": "3", "Retry-After-Ms": "250"}, 250 * time.Millisecond},
		{"capped", map[string]string{"Retry-After": "3600"}, 2 * time.Second},
		{"absent: backoff", nil, wire.BackoffBase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, sl := newOpenAITest(t, Options{MaxRetryAfter: 2 * time.Second},
				chattest.Reply{Status: 429, Header: tt.header, Raw: `{"error":{"message":"Rate limit reached for gpt-5","type":"requests"}}`},
				chattest.Reply{Content: "after the wait", Usage: chattest.Usage{PromptTokens: 1, CompletionTokens: 2}},
			)
			got, err := c.Complete(context.Background(), userReq("x"))
			if err != nil {
				t.Fatal(err)
			}
			if got.Message.Content != "after the wait" {
				t.Errorf("content = %q", got.Message.Content)
			}
			if n := len(srv.Requests()); n != 2 {
				t.Errorf("server saw %d requests, want 2", n)
			}
			if s := sl.all(); len(s) != 1 || s[0] != tt.wantSleep {
				t.Errorf("slept %v, want [%v]", s, tt.wantSleep)
			}
		})
	}
}

// TestOpenAIRetryAfterRealSleep runs the production sleep once with a
// zero Retry-After, so the real timer path is covered without a slow test.
func TestOpenAIRetryAfterRealSleep(t *testing.T) {
	srv := chattest.New(
		chattest.Reply{Status: 503, Header: map[string]string{"Retry-After": "0"}},
		chattest.Reply{Content: "up again"},
	)
	defer srv.Close()
	c := New(Options{BaseURL: srv.BaseURL()})
	got, err := c.Complete(context.Background(), userReq("x"))
	if err != nil || got.Message.Content != "up again" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestOpenAIErrors(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		replies   []chattest.Reply
		wantIs    error
		wantCode  int
		wantMsg   string
		wantCalls int
		wantSleep []time.Duration
	}{
		{
			name: "500 until retries run out",
			opts: Options{MaxRetries: 2},
			replies: []chattest.Reply{
				{Status: 500, Raw: `{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}`},
				{Status: 502, Raw: `<html>bad gateway</html>`},
				{Status: 500, Raw: `{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}`},
			},
			wantIs: chat.ErrUpstream, wantCode: 500, wantMsg: "server_error: The server had an error while processing your request.",
			wantCalls: 3, wantSleep: []time.Duration{wire.BackoffBase, 2 * wire.BackoffBase},
		},
		{
			name:    "400 is not retried",
			replies: []chattest.Reply{{Status: 400, Raw: `{"error":{"message":"max_tokens is too large","type":"invalid_request_error","param":"max_tokens"}}`}},
			wantIs:  chat.ErrUpstream, wantCode: 400, wantMsg: "invalid_request_error: max_tokens is too large", wantCalls: 1,
		},
		{
			name:    "401 from vLLM shape",
			replies: []chattest.Reply{{Status: 401, Raw: `{"object":"error","message":"Unauthorized","type":"Unauthorized","code":401}`}},
			wantIs:  chat.ErrUpstream, wantCode: 401, wantMsg: "Unauthorized", wantCalls: 1,
		},
		{
			name:    "retries disabled",
			opts:    Options{MaxRetries: -1},
			replies: []chattest.Reply{{Status: 503, Raw: `{"error":"model is loading"}`}},
			wantIs:  chat.ErrUpstream, wantCode: 503, wantMsg: "model is loading", wantCalls: 1,
		},
		{
			name:    "malformed JSON",
			replies: []chattest.Reply{{Raw: `{"id":"x","choices":[{"message":`}},
			wantIs:  chat.ErrMalformed, wantMsg: "is not JSON", wantCalls: 1,
		},
		{
			name:    "HTML with status 200",
			replies: []chattest.Reply{{Raw: `<html><body>captive portal</body></html>`}},
			wantIs:  chat.ErrMalformed, wantMsg: "captive portal", wantCalls: 1,
		},
		{
			name:    "no choices",
			replies: []chattest.Reply{{Raw: `{"id":"x","object":"chat.completion","choices":[]}`}},
			wantIs:  chat.ErrMalformed, wantMsg: "no choices", wantCalls: 1,
		},
		{
			name:    "oversized body",
			opts:    Options{MaxResponseBytes: 1024},
			replies: []chattest.Reply{{Content: strings.Repeat("all work and no play ", 100)}},
			wantIs:  chat.ErrTooLarge, wantMsg: "exceeds 1024 bytes", wantCalls: 1,
		},
		// Sent, then cut off: the provider may have billed the attempt,
		// and the caller reserved one call, so neither is retried.
		{
			name:    "attempt timeout after the request was sent",
			opts:    Options{Timeout: 50 * time.Millisecond, MaxRetries: 1},
			replies: []chattest.Reply{{Content: "late", Delay: 5 * time.Second}, {Content: "never asked"}},
			wantIs:  chat.ErrTimeout, wantMsg: "not retried, as the provider may have billed it", wantCalls: 1,
		},
		{
			name:    "connection dropped after the request was sent",
			opts:    Options{MaxRetries: 1},
			replies: []chattest.Reply{{Hangup: true}, {Content: "never asked"}},
			wantIs:  chat.ErrConnection, wantMsg: "not retried, as the provider may have billed it", wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, sl := newOpenAITest(t, tt.opts, tt.replies...)
			_, err := c.Complete(context.Background(), userReq("x"))
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("err = %v, want one wrapping %v", err, tt.wantIs)
			}
			if !errors.Is(err, chat.ErrUpstream) {
				t.Errorf("err = %v does not wrap chat.ErrUpstream", err)
			}
			if tt.wantCode != 0 {
				var se *chat.StatusError
				if !errors.As(err, &se) {
					t.Fatalf("err = %T %v, want *chat.StatusError", err, err)
				}
				if se.StatusCode != tt.wantCode || se.Message != tt.wantMsg || se.Provider != "openai" {
					t.Errorf("StatusError = %+v, want code %d message %q", se, tt.wantCode, tt.wantMsg)
				}
			} else if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to mention %q", err, tt.wantMsg)
			}
			if n := len(srv.Requests()); n != tt.wantCalls {
				t.Errorf("server saw %d requests, want %d", n, tt.wantCalls)
			}
			if s := sl.all(); len(s) != len(tt.wantSleep) || (len(s) > 0 && !equalDurations(s, tt.wantSleep)) {
				t.Errorf("slept %v, want %v", s, tt.wantSleep)
			}
		})
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

func TestOpenAIStreamErrors(t *testing.T) {
	t.Run("oversized stream", func(t *testing.T) {
		c, _, _ := newOpenAITest(t, Options{MaxResponseBytes: 2048}, chattest.Reply{Content: strings.Repeat("word ", 2000)})
		var n int
		_, err := c.Stream(context.Background(), userReq("x"), func(chat.Delta) { n++ })
		if !errors.Is(err, chat.ErrTooLarge) {
			t.Fatalf("err = %v, want chat.ErrTooLarge", err)
		}
	})
	t.Run("status error", func(t *testing.T) {
		c, _, _ := newOpenAITest(t, Options{MaxRetries: -1}, chattest.Reply{Status: 429, Raw: `{"error":{"message":"slow down"}}`})
		_, err := c.Stream(context.Background(), userReq("x"), nil)
		var se *chat.StatusError
		if !errors.As(err, &se) || se.StatusCode != 429 || se.Message != "slow down" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("attempt timeout", func(t *testing.T) {
		c, _, _ := newOpenAITest(t, Options{Timeout: 50 * time.Millisecond, MaxRetries: -1}, chattest.Reply{Content: "x", Delay: 5 * time.Second})
		_, err := c.Stream(context.Background(), userReq("x"), nil)
		if !errors.Is(err, chat.ErrTimeout) {
			t.Fatalf("err = %v, want chat.ErrTimeout", err)
		}
	})
}

func TestOpenAICancellation(t *testing.T) {
	t.Run("during request", func(t *testing.T) {
		c, _, _ := newOpenAITest(t, Options{}, chattest.Reply{Content: "late", Delay: 10 * time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		_, err := c.Complete(ctx, userReq("x"))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if errors.Is(err, chat.ErrUpstream) {
			t.Errorf("cancellation reported as upstream error: %v", err)
		}
	})
	t.Run("during backoff sleep", func(t *testing.T) {
		srv := chattest.New(
			chattest.Reply{Status: 429, Header: map[string]string{"Retry-After": "30"}},
			chattest.Reply{Content: "never"},
		)
		defer srv.Close()
		c := New(Options{BaseURL: srv.BaseURL()})
		ctx, cancel := context.WithCancel(context.Background())
		c.r.Sleep = func(sctx context.Context, d time.Duration) error {
			cancel() // the caller gives up while we wait
			return wire.SleepCtx(sctx, d)
		}
		_, err := c.Complete(ctx, userReq("x"))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		c, srv, _ := newOpenAITest(t, Options{}, chattest.Reply{Content: "x"})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Complete(ctx, userReq("x")); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("server saw %d requests", n)
		}
	})
}

func TestOpenAIConnectionError(t *testing.T) {
	srv := chattest.New()
	url := srv.BaseURL()
	srv.Close() // nothing listens any more
	c := New(Options{BaseURL: url, MaxRetries: 2})
	sl := instant(c.r)
	_, err := c.Complete(context.Background(), userReq("x"))
	if !errors.Is(err, chat.ErrConnection) || !errors.Is(err, chat.ErrUpstream) {
		t.Fatalf("err = %v, want chat.ErrConnection", err)
	}
	if !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("err = %v", err)
	}
	if n := len(sl.all()); n != 2 {
		t.Errorf("slept %d times, want 2", n)
	}
}

func TestOpenAIMaxCompletionTokensForOpenAIHost(t *testing.T) {
	c := New(Options{})
	p, err := c.params(chat.Request{Model: "gpt-5", MaxTokens: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !p.MaxCompletionTokens.Valid() || p.MaxTokens.Valid() {
		t.Errorf("api.openai.com should get max_completion_tokens only: %+v / %+v", p.MaxCompletionTokens, p.MaxTokens)
	}
}
