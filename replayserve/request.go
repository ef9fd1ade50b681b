package replayserve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Request is what the server reads from a chat completions body.
type Request struct {
	// Model is the requested model's name.
	Model string
	// Question is the last user message's text, whitespace-trimmed.
	Question string
	// Stream asks for server-sent events.
	Stream bool
	// IncludeUsage is stream_options.include_usage.
	IncludeUsage bool
}

type wireRequest struct {
	Model         *string          `json:"model"`
	Messages      []wireMessage    `json:"messages"`
	Stream        bool             `json:"stream"`
	StreamOptions *json.RawMessage `json:"stream_options"`
}

type wireMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// ParseRequest reads a chat completions body: a JSON object with a
// non-empty "model" string and a "messages" list whose last user message
// has text content (a string, or a list of {"type":"text","text":...}
// parts, joined). Other fields (tools, max_tokens, temperature, ...) are
// accepted and ignored: a replayed model answers as recorded.
func ParseRequest(body []byte) (Request, error) {
	var w wireRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		return Request{}, fmt.Errorf("body is not a JSON chat completions request: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Request{}, errors.New("body holds more than one JSON value; send one chat completions object")
	}
	if w.Model == nil || strings.TrimSpace(*w.Model) == "" {
		return Request{}, errors.New(`"model" is missing or empty; name a recorded model (GET /v1/models)`)
	}
	if len(w.Messages) == 0 {
		return Request{}, errors.New(`"messages" is missing or empty; send the question as a user message`)
	}
	req := Request{Model: *w.Model, Stream: w.Stream}
	if w.StreamOptions != nil {
		var so struct {
			IncludeUsage bool `json:"include_usage"`
		}
		if err := json.Unmarshal(*w.StreamOptions, &so); err != nil {
			return Request{}, fmt.Errorf(`"stream_options": %v`, err)
		}
		req.IncludeUsage = so.IncludeUsage
	}
	for i := len(w.Messages) - 1; i >= 0; i-- {
		m := w.Messages[i]
		if m.Role != "user" {
			continue
		}
		text, err := contentText(m.Content)
		if err != nil {
			return Request{}, fmt.Errorf("messages[%d].content: %v", i, err)
		}
		req.Question = strings.TrimSpace(text)
		if req.Question == "" {
			return Request{}, fmt.Errorf("messages[%d] (the last user message) is empty; it must hold the question", i)
		}
		return req, nil
	}
	return Request{}, errors.New(`"messages" has no user message; send the question as a user message`)
}

// contentText reads a message content: a string or a list of text parts.
func contentText(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return "", errors.New("missing; want a string or a list of text parts")
	}
	if t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	var parts []struct {
		Type string  `json:"type"`
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(t, &parts); err != nil {
		return "", errors.New("want a string or a list of text parts")
	}
	var b strings.Builder
	for j, p := range parts {
		if p.Type != "text" || p.Text == nil {
			return "", fmt.Errorf("part %d is %q, not text; a replayed model reads text only", j, p.Type)
		}
		b.WriteString(*p.Text)
	}
	return b.String(), nil
}

// readBody reads r's body up to limit bytes; past it the error is an
// [*http.MaxBytesError].
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	return io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
}
