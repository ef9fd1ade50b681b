package openai_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/anthropic"
	"github.com/batonhq/baton/chat/openai"
)

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
			o := openai.Options{BaseURL: "http://127.0.0.1:1/v1", MaxRetries: -1, Timeout: 5 * time.Second,
				HTTPClient: &http.Client{Transport: bodyTransport{ctype: ctype, body: body}}}
			oa, an := openai.New(o), anthropic.New(o)
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
