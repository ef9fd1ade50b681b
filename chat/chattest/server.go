// Package chattest runs a scripted OpenAI-compatible chat completions server
// on loopback for tests. It speaks the real wire format (JSON bodies,
// tool_calls, usage, SSE streaming with "data: [DONE]", error objects,
// Retry-After) so the production clients are exercised unchanged; only the
// model behind it is scripted.
package chattest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Reply is one scripted answer.
type Reply struct {
	// Status is the HTTP status; 0 means 200.
	Status int `json:"status,omitempty"`
	// Header is extra response headers, e.g. Retry-After.
	Header map[string]string `json:"header,omitempty"`
	// Raw, when set, is sent verbatim as the body (malformed JSON, error
	// objects), ignoring the fields below.
	Raw string `json:"raw,omitempty"`
	// Content, ToolCalls and Usage build a well-formed completion.
	Content   string     `json:"content,omitempty"`
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// Usage is reported unless NoUsage is set.
	Usage   Usage `json:"usage,omitzero"`
	NoUsage bool  `json:"no_usage,omitempty"`
	// Delay holds the reply back, to test timeouts and cancellation.
	Delay time.Duration `json:"delay,omitempty"`

	// Misbehaviours of a streamed reply, to test what a gateway does with
	// an upstream that breaks its promises.

	// HonourMaxTokens clips Content to max_tokens (or max_completion_tokens)
	// tokens of four bytes, as an honest server does; without it the
	// server ignores the cap.
	HonourMaxTokens bool `json:"honour_max_tokens,omitempty"`
	// Forever streams Content over and over, never finishing, until the
	// client goes away.
	Forever bool `json:"forever,omitempty"`
	// ChunkDelay waits between stream chunks.
	ChunkDelay time.Duration `json:"chunk_delay,omitempty"`
	// Malformed, when set, is sent as the data of one event after the
	// first content chunk (e.g. a truncated JSON object).
	Malformed string `json:"malformed,omitempty"`
	// StreamError, when set, is sent as an error event after the first
	// content chunk, and the stream ends there.
	StreamError string `json:"stream_error,omitempty"`
	// Cut ends the stream after the content, without finish, usage or
	// [DONE], as a dropped connection does.
	Cut bool `json:"cut,omitempty"`
	// Hangup closes the connection after reading the request, with no
	// response at all: a request the upstream received (and may have
	// billed) whose answer never came back.
	Hangup bool `json:"hangup,omitempty"`
}

// ToolCall is a scripted tool call.
type ToolCall struct {
	ID        string `json:"id,omitempty"` // call id; empty lets the client go without one
	Name      string `json:"name"`         // function name
	Arguments string `json:"arguments"`    // JSON arguments text, sent as is (may be malformed)
}

// Usage is scripted token usage.
type Usage struct {
	PromptTokens     int64 `json:"prompt_tokens"`     // reported as usage.prompt_tokens
	CompletionTokens int64 `json:"completion_tokens"` // reported as usage.completion_tokens
}

// Request is a request the server received.
type Request struct {
	Path   string         // URL path, e.g. /v1/chat/completions
	Header http.Header    // headers as sent
	Body   map[string]any // Raw decoded as JSON; nil when it is not an object
	Raw    []byte         // the body bytes as received
}

// Server is a scripted OpenAI-compatible server.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	script   []Reply
	next     int
	requests []Request
	// Handler, when set, answers every request instead of the script.
	handler func(Request) Reply
}

// New starts a server that answers requests with the replies in order.
// A request past the end of the script gets HTTP 500 with an error object
// saying the script ran out, which makes a test fail loudly.
func New(replies ...Reply) *Server {
	s := &Server{script: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewFunc starts a server that answers every request with h.
func NewFunc(h func(Request) Reply) *Server {
	s := &Server{handler: h}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// BaseURL is the URL to configure as an OpenAI base URL (ends in /v1).
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Remaining returns how many scripted replies were not used.
func (s *Server) Remaining() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.script) - s.next
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := Request{Path: r.URL.Path, Header: r.Header.Clone(), Raw: raw}
	_ = json.Unmarshal(raw, &req.Body)

	s.mu.Lock()
	s.requests = append(s.requests, req)
	var rep Reply
	switch {
	case s.handler != nil:
		s.mu.Unlock()
		rep = s.handler(req)
		s.mu.Lock()
	case s.next < len(s.script):
		rep = s.script[s.next]
		s.next++
	default:
		rep = Reply{Status: 500, Raw: `{"error":{"message":"chattest: script exhausted","type":"server_error"}}`}
	}
	s.mu.Unlock()

	if rep.Hangup {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // HTTP/2: aborts the stream
	}
	if rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-r.Context().Done():
			return
		}
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	if rep.Raw != "" || status != http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		body := rep.Raw
		if body == "" {
			body = fmt.Sprintf(`{"error":{"message":"scripted HTTP %d","type":"server_error"}}`, status)
		}
		_, _ = io.WriteString(w, body)
		return
	}
	model, _ := req.Body["model"].(string)
	if rep.HonourMaxTokens {
		rep.Content = clipTokens(rep.Content, req.Body)
	}
	if stream, _ := req.Body["stream"].(bool); stream {
		s.stream(r.Context(), w, rep, model)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(Completion(model, rep))
}

// Completion returns the OpenAI chat.completion object for rep.
func Completion(model string, rep Reply) map[string]any {
	msg := map[string]any{"role": "assistant", "content": rep.Content}
	finish := "stop"
	if len(rep.ToolCalls) > 0 {
		msg["tool_calls"] = wireCalls(rep.ToolCalls)
		finish = "tool_calls"
		if rep.Content == "" {
			msg["content"] = nil
		}
	}
	out := map[string]any{
		"id":      "chatcmpl-test",
		"object":  "chat.completion",
		"created": 1700000000,
		"model":   model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
	}
	if !rep.NoUsage {
		out["usage"] = usage(rep.Usage)
	}
	return out
}

func usage(u Usage) map[string]any {
	return map[string]any{
		"prompt_tokens":     u.PromptTokens,
		"completion_tokens": u.CompletionTokens,
		"total_tokens":      u.PromptTokens + u.CompletionTokens,
	}
}

func wireCalls(tcs []ToolCall) []any {
	calls := make([]any, len(tcs))
	for i, tc := range tcs {
		id := tc.ID
		if id == "" {
			id = "call_" + strconv.Itoa(i)
		}
		calls[i] = map[string]any{
			"index": i, "id": id, "type": "function",
			"function": map[string]any{"name": tc.Name, "arguments": tc.Arguments},
		}
	}
	return calls
}

// stream sends rep as SSE chunks: the content split into words, each tool
// call in two argument pieces, usage in a final chunk, then [DONE]; or, as
// rep asks, misbehaves.
func (s *Server) stream(ctx context.Context, w http.ResponseWriter, rep Reply, model string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	raw := func(data string) bool {
		if rep.ChunkDelay > 0 {
			select {
			case <-time.After(rep.ChunkDelay):
			case <-ctx.Done():
				return false
			}
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
			return false
		}
		if fl != nil {
			fl.Flush()
		}
		return ctx.Err() == nil
	}
	send := func(v any) bool {
		b, _ := json.Marshal(v)
		return raw(string(b))
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		}
	}
	if !send(chunk(map[string]any{"role": "assistant", "content": ""}, nil)) {
		return
	}
	pieces := splitKeep(rep.Content)
	for i := 0; i < len(pieces) || (rep.Forever && len(pieces) > 0); i++ {
		if !send(chunk(map[string]any{"content": pieces[i%len(pieces)]}, nil)) {
			return
		}
		if i == 0 && rep.Malformed != "" && !raw(rep.Malformed) {
			return
		}
		if i == 0 && rep.StreamError != "" {
			_ = send(map[string]any{"error": map[string]any{"message": rep.StreamError, "type": "server_error"}})
			return
		}
	}
	if rep.Cut {
		return
	}
	for i, tc := range rep.ToolCalls {
		id := tc.ID
		if id == "" {
			id = "call_" + strconv.Itoa(i)
		}
		half := len(tc.Arguments) / 2
		send(chunk(map[string]any{"tool_calls": []any{map[string]any{
			"index": i, "id": id, "type": "function",
			"function": map[string]any{"name": tc.Name, "arguments": tc.Arguments[:half]},
		}}}, nil))
		send(chunk(map[string]any{"tool_calls": []any{map[string]any{
			"index": i, "function": map[string]any{"arguments": tc.Arguments[half:]},
		}}}, nil))
	}
	finish := "stop"
	if len(rep.ToolCalls) > 0 {
		finish = "tool_calls"
	}
	send(chunk(map[string]any{}, finish))
	if !rep.NoUsage {
		send(map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
			"choices": []any{}, "usage": usage(rep.Usage),
		})
	}
	raw("[DONE]")
}

// clipTokens cuts content to the request's max_completion_tokens or
// max_tokens, counting a token per four bytes.
func clipTokens(content string, body map[string]any) string {
	limit, ok := body["max_completion_tokens"].(float64)
	if !ok {
		limit, ok = body["max_tokens"].(float64)
	}
	if !ok || limit <= 0 || len(content) <= int(limit)*4 {
		return content
	}
	return content[:int(limit)*4]
}

// splitKeep splits s into words keeping the separating spaces, so the
// pieces concatenate back to s.
func splitKeep(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s[1:], ' ')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}
