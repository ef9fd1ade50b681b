package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/chattest"
)

// relayThrough forwards req to a scripted upstream and relays the stream
// into a buffer.
func relayThrough(t *testing.T, o RelayOptions, req chat.Request, replies ...chattest.Reply) (*RelayResult, string, error, *chattest.Server) {
	t.Helper()
	srv := chattest.New(replies...)
	t.Cleanup(srv.Close)
	c := New(Options{BaseURL: srv.BaseURL(), MaxRetries: 1, MaxRetryAfter: time.Millisecond, Timeout: 5 * time.Second})
	body, err := c.Body(req, true)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := c.Forward(ctx, body)
	if err != nil {
		return nil, "", err, srv
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	res, err := Relay(resp.Body, &out, o)
	return res, out.String(), err, srv
}

// events splits relayed output into data payloads.
func events(t *testing.T, out string) []string {
	t.Helper()
	var d []string
	for _, ev := range strings.Split(strings.TrimSuffix(out, "\n\n"), "\n\n") {
		if ev == "" {
			continue
		}
		p, ok := strings.CutPrefix(ev, "data: ")
		if !ok {
			t.Fatalf("event %q is not a data event", ev)
		}
		d = append(d, p)
	}
	return d
}

func TestRelay(t *testing.T) {
	long := strings.Repeat("word ", 200) // 1000 bytes: 250 estimated tokens
	tests := []struct {
		name      string
		opts      RelayOptions
		maxTokens int
		replies   []chattest.Reply
		wantErr   error
		wantMsg   string
		check     func(t *testing.T, res *RelayResult, evs []string)
	}{
		{
			name: "verbatim with usage", opts: RelayOptions{ForwardUsage: true, MaxOutputTokens: 100}, maxTokens: 100,
			replies: []chattest.Reply{{Content: "forty two", Usage: chattest.Usage{PromptTokens: 20, CompletionTokens: 3}}},
			check: func(t *testing.T, res *RelayResult, evs []string) {
				if res.Content != "forty two" || !res.UsageReported || res.Usage != (chat.Usage{InputTokens: 20, OutputTokens: 3}) ||
					res.FinishReason != "stop" || res.Truncated || res.ID != "chatcmpl-test" || res.Model != "m" {
					t.Errorf("result %+v", res)
				}
				// role chunk, "forty ", "two", finish, usage; no [DONE].
				if len(evs) != 5 || !strings.Contains(evs[4], `"usage"`) || strings.Contains(strings.Join(evs, ""), "[DONE]") {
					t.Errorf("events %q", evs)
				}
			},
		},
		{
			name: "usage chunk dropped unless asked", opts: RelayOptions{MaxOutputTokens: 100}, maxTokens: 100,
			replies: []chattest.Reply{{Content: "forty two", Usage: chattest.Usage{PromptTokens: 20, CompletionTokens: 3}}},
			check: func(t *testing.T, res *RelayResult, evs []string) {
				if !res.UsageReported || len(evs) != 4 || strings.Contains(strings.Join(evs, ""), `"usage"`) {
					t.Errorf("usage reported %v, events %q", res.UsageReported, evs)
				}
			},
		},
		{
			name: "no usage", opts: RelayOptions{ForwardUsage: true}, maxTokens: 100,
			replies: []chattest.Reply{{Content: "hi", NoUsage: true}},
			check: func(t *testing.T, res *RelayResult, evs []string) {
				if res.UsageReported || res.Content != "hi" {
					t.Errorf("result %+v", res)
				}
			},
		},
		{
			name: "upstream ignores max_tokens: cut at the bound", opts: RelayOptions{ForwardUsage: true, MaxOutputTokens: 10}, maxTokens: 10,
			replies: []chattest.Reply{{Content: long, Usage: chattest.Usage{PromptTokens: 5, CompletionTokens: 250}}},
			check: func(t *testing.T, res *RelayResult, evs []string) {
				if !res.Truncated || res.FinishReason != "length" || res.OutputBytes > 40 || res.UsageReported {
					t.Errorf("result %+v", res)
				}
				last := evs[len(evs)-1]
				if !strings.Contains(last, `"finish_reason":"length"`) || !json.Valid([]byte(last)) {
					t.Errorf("last event %q", last)
				}
				var sent int
				for _, e := range evs {
					var c struct {
						Choices []struct {
							Delta struct{ Content string } `json:"delta"`
						} `json:"choices"`
					}
					if err := json.Unmarshal([]byte(e), &c); err != nil {
						t.Fatal(err)
					}
					for _, ch := range c.Choices {
						sent += len(ch.Delta.Content)
					}
				}
				if sent > 40 || sent == 0 {
					t.Errorf("forwarded %d content bytes for a 10-token bound", sent)
				}
			},
		},
		{
			name: "honest upstream stays inside the bound", opts: RelayOptions{MaxOutputTokens: 10}, maxTokens: 10,
			replies: []chattest.Reply{{Content: long, HonourMaxTokens: true, Usage: chattest.Usage{CompletionTokens: 10}}},
			check: func(t *testing.T, res *RelayResult, evs []string) {
				if res.Truncated || res.OutputBytes != 40 || !res.UsageReported {
					t.Errorf("result %+v", res)
				}
			},
		},
		{
			name: "stream forever is cut", opts: RelayOptions{MaxOutputTokens: 50}, maxTokens: 50,
			replies: []chattest.Reply{{Content: "again and again ", Forever: true}},
			check: func(t *testing.T, res *RelayResult, evs []string) {
				if !res.Truncated || tokens(res.OutputBytes) > 50 {
					t.Errorf("result %+v", res)
				}
			},
		},
		{
			name: "malformed chunk", maxTokens: 10,
			replies: []chattest.Reply{{Content: "a b c", Malformed: `{"choices":[`}},
			wantErr: chat.ErrMalformed, wantMsg: "not JSON",
		},
		{
			name: "error event mid-stream", maxTokens: 10,
			replies: []chattest.Reply{{Content: "a b c", StreamError: "overloaded"}},
			wantErr: chat.ErrUpstream, wantMsg: "overloaded",
			check: func(t *testing.T, res *RelayResult, evs []string) {
				if !strings.Contains(evs[len(evs)-1], `"error"`) {
					t.Errorf("error event not forwarded: %q", evs)
				}
			},
		},
		{
			name: "dropped connection", maxTokens: 10,
			replies: []chattest.Reply{{Content: "a b c", Cut: true}},
			wantErr: chat.ErrUpstream, wantMsg: "without [DONE]",
		},
		{
			name: "429 then success is retried", opts: RelayOptions{}, maxTokens: 10,
			replies: []chattest.Reply{{Status: 429, Header: map[string]string{"Retry-After": "0"}}, {Content: "ok"}},
			check: func(t *testing.T, res *RelayResult, evs []string) {
				if res.Content != "ok" {
					t.Errorf("result %+v", res)
				}
			},
		},
		{
			name: "5xx after retries is a status error", maxTokens: 10,
			replies: []chattest.Reply{{Status: 503}, {Status: 503}},
			wantErr: chat.ErrUpstream, wantMsg: "HTTP 503",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := chat.Request{Model: "m", MaxTokens: tt.maxTokens, Messages: []chat.Message{{Role: chat.RoleUser, Content: "q"}}}
			res, out, err, _ := relayThrough(t, tt.opts, req, tt.replies...)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantMsg)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, res, events(t, out))
			}
		})
	}
}

func TestRelayClientGone(t *testing.T) {
	srv := chattest.New(chattest.Reply{Content: "a b c d"})
	defer srv.Close()
	c := New(Options{BaseURL: srv.BaseURL()})
	body, _ := c.Body(chat.Request{Model: "m", Messages: []chat.Message{{Role: chat.RoleUser, Content: "q"}}}, true)
	resp, err := c.Forward(context.Background(), body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, err = Relay(resp.Body, failWriter{}, RelayOptions{})
	if !errors.Is(err, ErrClientWrite) {
		t.Fatalf("err = %v, want ErrClientWrite", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestBody(t *testing.T) {
	temp := 0.5
	req := chat.Request{Model: "m", MaxTokens: 77, Temperature: &temp, Stop: []string{"END"},
		Messages: []chat.Message{
			{Role: chat.RoleSystem, Content: "be brief"},
			{Role: chat.RoleUser, Content: "hi"},
			{Role: chat.RoleAssistant, ToolCalls: []chat.ToolCall{{ID: "c1", Name: "f", Arguments: `{"a":1}`}}},
			{Role: chat.RoleTool, ToolCallID: "c1", Content: "42"},
		},
		Tools: []chat.ToolDef{{Name: "f", Description: "does f", Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"type":"integer"}}}`)}, {Name: "g"}},
	}
	b, err := New(Options{BaseURL: "http://127.0.0.1:1/v1"}).Body(req, true)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"},` +
		`{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},` +
		`{"role":"tool","content":"42","tool_call_id":"c1"}],` +
		`"tools":[{"type":"function","function":{"name":"f","description":"does f","parameters":{"type":"object","properties":{"a":{"type":"integer"}}}}},` +
		`{"type":"function","function":{"name":"g","parameters":{"type":"object"}}}],` +
		`"max_tokens":77,"temperature":0.5,"stop":["END"],"stream":true,"stream_options":{"include_usage":true}}`
	if string(b) != want {
		t.Errorf("body\n%s\nwant\n%s", b, want)
	}
	b, _ = New(Options{}).Body(chat.Request{Model: "o3", MaxTokens: 5, Messages: []chat.Message{{Role: chat.RoleUser, Content: "x"}}}, false)
	if !strings.Contains(string(b), `"max_completion_tokens":5`) || strings.Contains(string(b), `"stream"`) {
		t.Errorf("OpenAI's own API body %s", b)
	}
	for _, bad := range []chat.Request{
		{Messages: []chat.Message{{Role: chat.RoleUser}}},
		{Model: "m", Messages: []chat.Message{{Role: "wizard"}}},
		{Model: "m", Tools: []chat.ToolDef{{Name: "f", Parameters: json.RawMessage(`[1]`)}}},
	} {
		if _, err := New(Options{}).Body(bad, true); err == nil {
			t.Errorf("Body(%+v) succeeded", bad)
		}
	}
}

// FuzzRelay feeds arbitrary streams to Relay: it never panics, and what it
// forwards never passes the bound it was given.
func FuzzRelay(f *testing.F) {
	f.Add([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"abcdefgh\"}}]}\n\ndata: [DONE]\n\n"), int64(1))
	f.Add([]byte("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\n: keep-alive\n\ndata: [DONE]"), int64(5))
	f.Add([]byte("data: {\"error\":{\"message\":\"x\"}}\n\n"), int64(0))
	f.Add([]byte("data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}\r\n\r\ndata: [DO"), int64(2))
	f.Fuzz(func(t *testing.T, stream []byte, bound int64) {
		if bound < 0 {
			bound = -bound
		}
		var out bytes.Buffer
		res, err := Relay(bytes.NewReader(stream), &out, RelayOptions{MaxOutputTokens: bound, ForwardUsage: true})
		if res == nil {
			t.Fatalf("nil result (err %v)", err)
		}
		if bound > 0 && tokens(res.OutputBytes) > bound {
			t.Fatalf("forwarded %d bytes past a bound of %d tokens", res.OutputBytes, bound)
		}
	})
}
