package openai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/batonhq/baton/chat"
)

// wireRequest is the chat completions body [Client.Body] writes: exactly
// what Baton's chat model carries, as the SDK path sends it.
type wireRequest struct {
	Model               string         `json:"model"`
	Messages            []wireMessage  `json:"messages"`
	Tools               []wireTool     `json:"tools,omitempty"`
	MaxTokens           int            `json:"max_tokens,omitempty"`
	MaxCompletionTokens int            `json:"max_completion_tokens,omitempty"`
	Temperature         *float64       `json:"temperature,omitempty"`
	Stop                []string       `json:"stop,omitempty"`
	Stream              bool           `json:"stream,omitempty"`
	StreamOptions       *streamOptions `json:"stream_options,omitempty"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type wireMessage struct {
	Role       string         `json:"role"`
	Content    *string        `json:"content"`
	ToolCalls  []wireToolCall `json:"tool_calls,omitempty"`
	ToolCallID string         `json:"tool_call_id,omitempty"`
}

type wireToolCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"`
	Function wireFunction `json:"function"`
}

type wireFunction struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type wireTool struct {
	Type     string      `json:"type"`
	Function wireToolDef `json:"function"`
}

type wireToolDef struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters"`
}

// Body encodes req as a chat completions request body, without the SDK:
// the same fields Complete sends, with max_tokens (or, for OpenAI's own
// API, max_completion_tokens) set to req.MaxTokens. A stream body asks for
// stream_options.include_usage, so the final chunk carries the usage. It
// is what a gateway sends with [Client.Forward].
func (c *Client) Body(req chat.Request, stream bool) ([]byte, error) {
	if req.Model == "" {
		return nil, errors.New("chat: openai: request has no model")
	}
	w := wireRequest{Model: req.Model, Temperature: req.Temperature, Stop: req.Stop, Stream: stream,
		Messages: make([]wireMessage, 0, len(req.Messages))}
	if stream {
		w.StreamOptions = &streamOptions{IncludeUsage: true}
	}
	if req.MaxTokens > 0 {
		if c.completionTokens {
			w.MaxCompletionTokens = req.MaxTokens
		} else {
			w.MaxTokens = req.MaxTokens
		}
	}
	for i, m := range req.Messages {
		wm := wireMessage{Role: m.Role}
		content := m.Content
		switch m.Role {
		case chat.RoleSystem, chat.RoleUser:
			wm.Content = &content
		case chat.RoleTool:
			wm.Content, wm.ToolCallID = &content, m.ToolCallID
		case chat.RoleAssistant:
			if m.Content != "" || len(m.ToolCalls) == 0 {
				wm.Content = &content
			}
			for _, tc := range m.ToolCalls {
				wm.ToolCalls = append(wm.ToolCalls, wireToolCall{ID: tc.ID, Type: "function", Function: wireFunction{Name: tc.Name, Arguments: tc.Arguments}})
			}
		default:
			return nil, fmt.Errorf("chat: openai: message %d: unknown role %q (want system, user, assistant or tool)", i, m.Role)
		}
		w.Messages = append(w.Messages, wm)
	}
	for _, t := range req.Tools {
		params := bytes.TrimSpace(t.Parameters)
		if len(params) == 0 {
			params = []byte(`{"type":"object"}`)
		} else if params[0] != '{' || !json.Valid(params) {
			return nil, fmt.Errorf("chat: openai: tool %q: parameters are not a JSON object", t.Name)
		}
		w.Tools = append(w.Tools, wireTool{Type: "function", Function: wireToolDef{Name: t.Name, Description: t.Description, Parameters: params}})
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("chat: openai: encode request: %w", err)
	}
	return b, nil
}
