package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/money"
)

var fuzzNow = time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"Sat, 01 Nov 2025 12:00:30 GMT", 30 * time.Second, true},
		{"Sat, 01 Nov 2025 11:00:00 GMT", 0, true}, // in the past: now
		{"Saturday, 01-Nov-25 12:01:00 GMT", time.Minute, true},
		{"99999999999999999999", maxParsedWait, true},
		{"", 0, false},
		{"-1", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{"Inf", 0, false},
		{"NaN", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.in, fuzzNow)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "0", "1.5", "120", "Sat, 01 Nov 2025 12:00:30 GMT", "Mon Jan  2 15:04:05 2006", "-3", "1e9", "", "9999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, fuzzNow)
		if !ok {
			if d != 0 {
				t.Fatalf("not ok but %v", d)
			}
			return
		}
		if d < 0 || d > maxParsedWait {
			t.Fatalf("parseRetryAfter(%q) = %v out of [0, %v]", s, d, maxParsedWait)
		}
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 && n < 86400 && d != time.Duration(n)*time.Second {
			t.Fatalf("parseRetryAfter(%q) = %v, want %ds", s, d, n)
		}
		h := http.Header{}
		h.Set("Retry-After-Ms", s)
		if d, ok := retryAfter(h, fuzzNow); ok && (d < 0 || d > maxParsedWait) {
			t.Fatalf("Retry-After-Ms %q = %v", s, d)
		}
	})
}

func TestProviderMessage(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`, "requests: Rate limit reached"},
		{`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, "overloaded_error: Overloaded"},
		{`{"error":{"message":"invalid_request_error: already says it","type":"invalid_request_error"}}`, "invalid_request_error: already says it"},
		{`{"error":"model 'llama9' not found"}`, "model 'llama9' not found"},
		{`{"object":"error","message":"The model does not exist.","type":"NotFoundError","code":404}`, "The model does not exist."},
		{"<html>502 Bad Gateway</html>\n", "<html>502 Bad Gateway</html>"},
		{"", "(empty body)"},
		{`{"error":{}}`, `{"error":{}}`},
	}
	for _, tt := range tests {
		if got := providerMessage([]byte(tt.body)); got != tt.want {
			t.Errorf("providerMessage(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
	long := providerMessage([]byte(strings.Repeat("é", 2000)))
	if len(long) > maxMessageLen+len("…") || !utf8.ValidString(long) {
		t.Errorf("long message: %d bytes, valid=%v", len(long), utf8.ValidString(long))
	}
}

func FuzzProviderMessage(f *testing.F) {
	for _, s := range []string{
		`{"error":{"message":"x","type":"t"}}`, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
		`{"error":"s"}`, `{"message":"m"}`, `{"error":null}`, `[1,2]`, `"str"`, "<html>", "", strings.Repeat("a", 3000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m := providerMessage(body)
		if m == "" {
			t.Fatal("empty message")
		}
		if len(m) > maxMessageLen+len("…")+len("(empty body)") {
			t.Fatalf("message of %d bytes", len(m))
		}
		if utf8.Valid(body) && !utf8.ValidString(m) {
			t.Fatalf("valid UTF-8 in, invalid out: %q", m)
		}
	})
}

func FuzzDuration(f *testing.F) {
	for _, s := range []string{`"30s"`, `30`, `0.5`, `"1m30s"`, `-1`, `"-2s"`, `1e300`, `"soon"`, `null`, `true`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d duration.Duration
		if err := json.Unmarshal(b, &d); err == nil && d < 0 {
			t.Fatalf("%s decoded to negative %v", b, time.Duration(d))
		}
	})
}

// FuzzModelArgs feeds arbitrary arguments to MaxCost and Call: neither may
// panic, and MaxCost is never below the cost of the estimated usage Call
// would bill if the provider reported none.
func FuzzModelArgs(f *testing.F) {
	for _, s := range []string{`{"prompt":"hi"}`, `{"prompt":"x","system":"s","max_tokens":5}`, `{"prompt":"x","max_tokens":-4}`,
		`{"prompt":"x","max_tokens":99999999999}`, `{}`, `null`, `[]`, `{"prompt":1}`, ``} {
		f.Add([]byte(s))
	}
	price := money.Price{InputPerM: money.MustParse("3"), OutputPerM: money.MustParse("15")}
	f.Fuzz(func(t *testing.T, args []byte) {
		m, err := NewModel(scriptedClient{&chat.Response{Message: chat.Message{Content: "ok ok ok"}}}, ModelConfig{Model: "m", Price: price, MaxTokens: 512})
		if err != nil {
			t.Fatal(err)
		}
		bound, berr := m.MaxCost(args)
		res, err := m.Call(context.Background(), args)
		if err != nil {
			t.Fatalf("Call returned a Go error: %v", err)
		}
		if berr != nil {
			if !res.IsError {
				t.Fatalf("MaxCost rejected %q but Call accepted it", args)
			}
			return
		}
		if res.IsError {
			t.Fatalf("Call rejected %q: %s", args, res.Content)
		}
		if c := m.Spec().Cost(res.Usage, m.Spec().Timeout); c > bound {
			t.Fatalf("cost %v > MaxCost %v for %q", c, bound, args)
		}
	})
}

// bodyTransport answers every request with a fixed status, content type
// and body, without a network, so fuzzing the response path is cheap.
type bodyTransport struct {
	ctype string
	body  []byte
}

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {b.ctype}}, Body: io.NopCloser(bytes.NewReader(b.body)),
		ContentLength: int64(len(b.body)), Request: r,
	}, nil
}

// FuzzResponses serves arbitrary bodies, as JSON and as event streams, to
// both clients: they may fail, but with an error and never a panic, and a
// success always carries an assistant message.
func FuzzResponses(f *testing.F) {
	f.Add([]byte(`{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}`))
	f.Add([]byte(`{"id":"m","type":"message","role":"assistant","model":"c","content":[{"type":"tool_use","id":"t","name":"f","input":{"a":1}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":2}}`))
	f.Add([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\",\"tool_calls\":[{\"index\":3,\"function\":{\"arguments\":\"{\"}}]}}]}\n\ndata: [DONE]\n\n"))
	f.Add([]byte("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"content\":[]}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":5,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}\n\n"))
	f.Add([]byte(`{"choices":null}`))
	f.Add([]byte(`{"content":"not an array"}`))
	req := chat.Request{Model: "m", Messages: []chat.Message{{Role: chat.RoleUser, Content: "q"}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, ctype := range []string{"application/json", "text/event-stream"} {
			o := ClientOptions{BaseURL: "http://127.0.0.1:1/v1", MaxRetries: -1, Timeout: 5 * time.Second,
				HTTPClient: &http.Client{Transport: bodyTransport{ctype: ctype, body: body}}}
			oa, an := NewOpenAI(o), NewAnthropic(o)
			calls := []func() (*chat.Response, error){
				func() (*chat.Response, error) { return oa.Complete(context.Background(), req) },
				func() (*chat.Response, error) { return oa.Stream(context.Background(), req, nil) },
				func() (*chat.Response, error) { return an.Complete(context.Background(), req) },
				func() (*chat.Response, error) { return an.Stream(context.Background(), req, nil) },
			}
			for i, call := range calls {
				resp, err := call()
				if (resp == nil) == (err == nil) {
					t.Fatalf("call %d (%s): resp %v, err %v", i, ctype, resp, err)
				}
				if resp != nil && resp.Message.Role != chat.RoleAssistant {
					t.Fatalf("call %d (%s): role %q", i, ctype, resp.Message.Role)
				}
			}
		}
	})
}
