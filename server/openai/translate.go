package openai

import (
	"encoding/json"
	"fmt"

	"github.com/batonhq/baton/chat"
)

// Internal translates the request into Baton's internal chat model. The
// model name is left as the client sent it; the server replaces it with
// the upstream's. "developer" messages become system messages.
func (r *ChatCompletionRequest) Internal() (chat.Request, error) {
	out := chat.Request{Model: r.Model, Temperature: r.Temperature}
	for i, m := range r.Messages {
		text, err := contentText(m.Content)
		if err != nil {
			return chat.Request{}, badRequest(fmt.Sprintf("messages[%d].content", i), "messages[%d].content: %v", i, err)
		}
		role := m.Role
		if role == "developer" {
			role = chat.RoleSystem
		}
		cm := chat.Message{Role: role, Content: text, ToolCallID: m.ToolCallID, Name: m.Name}
		for _, tc := range m.ToolCalls {
			cm.ToolCalls = append(cm.ToolCalls, chat.ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
		}
		out.Messages = append(out.Messages, cm)
	}
	for _, t := range r.Tools {
		params := t.Function.Parameters
		if len(params) == 0 || string(params) == "null" {
			params = json.RawMessage(`{"type":"object","properties":{}}`)
		}
		out.Tools = append(out.Tools, chat.ToolDef{Name: t.Function.Name, Description: t.Function.Description, Parameters: params})
	}
	out.MaxTokens = r.MaxOutputTokens()
	stop, err := r.StopList()
	if err != nil {
		return chat.Request{}, err
	}
	out.Stop = stop
	return out, nil
}

// MaxOutputTokens is max_completion_tokens, else max_tokens, else 0.
func (r *ChatCompletionRequest) MaxOutputTokens() int {
	switch {
	case r.MaxCompletionTokens != nil:
		return *r.MaxCompletionTokens
	case r.MaxTokens != nil:
		return *r.MaxTokens
	}
	return 0
}

// IncludeUsage reports whether a stream should end with a usage chunk.
func (r *ChatCompletionRequest) IncludeUsage() bool {
	return r.StreamOptions != nil && r.StreamOptions.IncludeUsage
}

// WireToolCalls translates internal tool calls to the wire format; in
// stream chunks each carries its index.
func WireToolCalls(tcs []chat.ToolCall, indexed bool) []ToolCall {
	if len(tcs) == 0 {
		return nil
	}
	out := make([]ToolCall, len(tcs))
	for i, tc := range tcs {
		id := tc.ID
		if id == "" {
			id = fmt.Sprintf("call_%d", i)
		}
		out[i] = ToolCall{ID: id, Type: "function", Function: FunctionCall{Name: tc.Name, Arguments: tc.Arguments}}
		if indexed {
			idx := i
			out[i].Index = &idx
		}
	}
	return out
}

// FinishReason maps a provider's finish reason to OpenAI's vocabulary.
func FinishReason(reason string, hasToolCalls bool) string {
	switch {
	case hasToolCalls:
		return "tool_calls"
	case reason == "length" || reason == "max_tokens":
		return "length"
	case reason == "content_filter":
		return "content_filter"
	}
	return "stop"
}
