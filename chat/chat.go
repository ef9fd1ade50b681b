package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Roles of messages.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// Message is one chat message in Baton's internal model. Provider wire
// formats (OpenAI, Anthropic) are translated to and from it at the edge.
type Message struct {
	Role    string `json:"role"`    // RoleSystem, RoleUser, RoleAssistant or RoleTool
	Content string `json:"content"` // the text; may be empty on an assistant message that only calls tools
	// ToolCalls are the calls an assistant message asks for.
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// ToolCallID links a tool message to the call it answers.
	ToolCallID string `json:"tool_call_id,omitempty"`
	// Name is the tool's name on a tool message.
	Name string `json:"name,omitempty"`
}

// ToolCall is a function call requested by a model.
type ToolCall struct {
	ID   string `json:"id,omitempty"` // provider's call id, echoed in the answering tool message's ToolCallID
	Name string `json:"name"`         // the function the model asks for, one of Request.Tools
	// Arguments is the JSON text the model produced, unparsed: models emit
	// malformed JSON and the caller decides what to do with it.
	Arguments string `json:"arguments"`
}

// ToolDef describes a function the model may call.
type ToolDef struct {
	Name        string          `json:"name"`        // function name the model calls it by
	Description string          `json:"description"` // what the function does, shown to the model
	Parameters  json.RawMessage `json:"parameters"`  // JSON Schema of the arguments object
}

// Request is one chat completion request.
type Request struct {
	// Model is the provider's model name.
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`        // the conversation so far, oldest first
	Tools    []ToolDef `json:"tools,omitempty"` // functions the model may call; none means plain chat
	// MaxTokens caps output tokens; 0 means the client's default.
	MaxTokens   int      `json:"max_tokens,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"` // sampling temperature; nil leaves the provider's default
	Stop        []string `json:"stop,omitempty"`        // stop sequences that end the reply early
}

// Usage is the token usage a provider reported.
type Usage struct {
	InputTokens  int64 `json:"input_tokens"`  // prompt tokens billed
	OutputTokens int64 `json:"output_tokens"` // completion tokens billed
}

// Response is one completion.
type Response struct {
	Message Message `json:"message"` // the assistant's reply
	// Usage is the provider's report; UsageReported is false when the
	// provider sent none (the caller then estimates, and says so).
	Usage         Usage  `json:"usage"`
	UsageReported bool   `json:"usage_reported"`
	Model         string `json:"model,omitempty"`         // model that answered, as the provider names it
	FinishReason  string `json:"finish_reason,omitempty"` // provider's stop reason, e.g. "stop", "length", "tool_calls"
}

// Client completes chats. Implementations: the wire clients of chat/openai
// (OpenAI-compatible) and chat/anthropic.
type Client interface {
	// Complete sends req and returns the whole reply.
	Complete(ctx context.Context, req Request) (*Response, error)
}

// Delta is one piece of a streamed completion.
type Delta struct {
	Content string // the next piece of the reply's text
}

// Streamer is implemented by clients that can stream: each content delta is
// passed to fn as it arrives, and the full response is returned at the end.
type Streamer interface {
	// Stream sends req, calls fn with each delta in order, and returns the
	// assembled reply.
	Stream(ctx context.Context, req Request, fn func(Delta)) (*Response, error)
}

// ErrUpstream is wrapped by errors a provider returned.
var ErrUpstream = errors.New("chat: upstream error")

// StatusError is a provider's HTTP error after retries were exhausted.
type StatusError struct {
	Provider   string        // who failed, e.g. "openai"
	StatusCode int           // the final HTTP status
	Message    string        // the provider's error message from the body
	RetryAfter time.Duration // the provider's Retry-After, capped; 0 when it sent none
}

// Error names the provider, the HTTP status and the provider's message.
func (e *StatusError) Error() string {
	return fmt.Sprintf("chat: %s returned HTTP %d: %s", e.Provider, e.StatusCode, e.Message)
}

// Unwrap makes errors.Is(err, ErrUpstream) true.
func (e *StatusError) Unwrap() error { return ErrUpstream }
