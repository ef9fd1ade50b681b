package chattest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// AnthropicServer is a scripted server speaking Anthropic's Messages wire
// format (JSON messages, SSE events, error objects, Retry-After), the
// counterpart of [Server] for the Anthropic client.
type AnthropicServer struct {
	*httptest.Server
	mu       sync.Mutex
	script   []AnthropicReply
	next     int
	requests []AnthropicRequest
}

// AnthropicReply is one scripted answer of an [AnthropicServer].
type AnthropicReply struct {
	Status int
	Header map[string]string
	// Raw is sent verbatim as the body when set.
	Raw          string
	Text         string
	ToolUses     []AnthropicToolUse
	InputTokens  int64
	CacheRead    int64
	OutputTokens int64
	NoUsage      bool
	Delay        time.Duration
	// Stall, in a stream, sends message_start and then waits for the
	// client to go away.
	Stall bool
	// StreamError, in a stream, sends an error event after message_start.
	StreamError string
}

// AnthropicToolUse is a scripted tool_use block: Input is the JSON text of
// its arguments.
type AnthropicToolUse struct {
	ID, Name, Input string
}

// AnthropicRequest is a request an [AnthropicServer] received.
type AnthropicRequest struct {
	Path   string
	Header http.Header
	Body   map[string]any
}

// NewAnthropic starts a scripted Messages API server answering requests
// with replies in order.
func NewAnthropic(replies ...AnthropicReply) *AnthropicServer {
	s := &AnthropicServer{script: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Requests returns the requests received so far.
func (s *AnthropicServer) Requests() []AnthropicRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]AnthropicRequest(nil), s.requests...)
}

func (s *AnthropicServer) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := AnthropicRequest{Path: r.URL.Path, Header: r.Header.Clone()}
	_ = json.Unmarshal(raw, &req.Body)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	rep := AnthropicReply{Status: 500, Raw: `{"type":"error","error":{"type":"api_error","message":"script exhausted"}}`}
	if s.next < len(s.script) {
		rep = s.script[s.next]
		s.next++
	}
	s.mu.Unlock()

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
			body = fmt.Sprintf(`{"type":"error","error":{"type":"api_error","message":"scripted HTTP %d"}}`, status)
		}
		_, _ = io.WriteString(w, body)
		return
	}
	model, _ := req.Body["model"].(string)
	if stream, _ := req.Body["stream"].(bool); stream {
		s.stream(w, r, rep, model)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	msg := anthropicMessage(rep, model)
	msg["content"] = anthropicContent(rep)
	if !rep.NoUsage {
		msg["usage"] = anthropicUsage(rep)
	}
	_ = json.NewEncoder(w).Encode(msg)
}

func anthropicMessage(rep AnthropicReply, model string) map[string]any {
	stop := "end_turn"
	if len(rep.ToolUses) > 0 {
		stop = "tool_use"
	}
	return map[string]any{
		"id": "msg_test", "type": "message", "role": "assistant", "model": model,
		"stop_reason": stop, "stop_sequence": nil,
	}
}

func anthropicUsage(rep AnthropicReply) map[string]any {
	return map[string]any{
		"input_tokens": rep.InputTokens, "output_tokens": rep.OutputTokens,
		"cache_creation_input_tokens": 0, "cache_read_input_tokens": rep.CacheRead,
	}
}

func anthropicContent(rep AnthropicReply) []any {
	var out []any
	if rep.Text != "" {
		out = append(out, map[string]any{"type": "text", "text": rep.Text})
	}
	for _, tu := range rep.ToolUses {
		out = append(out, map[string]any{"type": "tool_use", "id": tu.ID, "name": tu.Name, "input": json.RawMessage(tu.Input)})
	}
	if out == nil {
		out = []any{}
	}
	return out
}

// stream sends the reply as Messages API events: text in word pieces,
// each tool input in two partial_json pieces, usage split between
// message_start (input) and message_delta (output).
func (s *AnthropicServer) stream(w http.ResponseWriter, r *http.Request, rep AnthropicReply, model string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fl := w.(http.Flusher)
	send := func(event string, v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		fl.Flush()
	}
	start := anthropicMessage(rep, model)
	start["stop_reason"] = nil
	start["content"] = []any{}
	if !rep.NoUsage {
		u := anthropicUsage(rep)
		u["output_tokens"] = 1
		start["usage"] = u
	}
	send("message_start", map[string]any{"type": "message_start", "message": start})
	if rep.Stall {
		<-r.Context().Done()
		return
	}
	if rep.StreamError != "" {
		send("error", map[string]any{"type": "error", "error": map[string]any{"type": "overloaded_error", "message": rep.StreamError}})
		return
	}
	send("ping", map[string]any{"type": "ping"})
	idx := 0
	if rep.Text != "" {
		send("content_block_start", map[string]any{"type": "content_block_start", "index": idx, "content_block": map[string]any{"type": "text", "text": ""}})
		for _, piece := range strings.SplitAfter(rep.Text, " ") {
			if piece == "" {
				continue
			}
			send("content_block_delta", map[string]any{"type": "content_block_delta", "index": idx, "delta": map[string]any{"type": "text_delta", "text": piece}})
		}
		send("content_block_stop", map[string]any{"type": "content_block_stop", "index": idx})
		idx++
	}
	for _, tu := range rep.ToolUses {
		send("content_block_start", map[string]any{"type": "content_block_start", "index": idx,
			"content_block": map[string]any{"type": "tool_use", "id": tu.ID, "name": tu.Name, "input": map[string]any{}}})
		half := len(tu.Input) / 2
		for _, part := range []string{tu.Input[:half], tu.Input[half:]} {
			send("content_block_delta", map[string]any{"type": "content_block_delta", "index": idx, "delta": map[string]any{"type": "input_json_delta", "partial_json": part}})
		}
		send("content_block_stop", map[string]any{"type": "content_block_stop", "index": idx})
		idx++
	}
	stop := "end_turn"
	if len(rep.ToolUses) > 0 {
		stop = "tool_use"
	}
	delta := map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": stop, "stop_sequence": nil}}
	if !rep.NoUsage {
		delta["usage"] = map[string]any{"output_tokens": rep.OutputTokens}
	}
	send("message_delta", delta)
	send("message_stop", map[string]any{"type": "message_stop"})
}
