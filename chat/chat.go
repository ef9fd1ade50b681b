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
	Role    string `json:"role"`
	Content string `json:"content"`
	// ToolCalls are the calls an assistant message asks for.
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// ToolCallID links a tool message to the call it answers.
	ToolCallID string `json:"tool_call_id,omitempty"`
	// Name is the tool's name on a tool message.
	Name string `json:"name,omitempty"`
}

// ToolCall is a function call requested by a model.
type ToolCall struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	// Arguments is the JSON text the model produced, unparsed: models emit
	// malformed JSON and the caller decides what to do with it.
	Arguments string `json:"arguments"`
}

// ToolDef describes a function the model may call.
type ToolDef struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

// Request is one chat completion request.
type Request struct {
	// Model is the provider's model name.
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Tools    []ToolDef `json:"tools,omitempty"`
	// MaxTokens caps output tokens; 0 means the client's default.
	MaxTokens   int      `json:"max_tokens,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"`
	Stop        []string `json:"stop,omitempty"`
}

// Usage is the token usage a provider reported.
type Usage struct {
	InputTokens  int64 `json:"input_tokens"`
	OutputTokens int64 `json:"output_tokens"`
}

// Response is one completion.
type Response struct {
	Message Message `json:"message"`
	// Usage is the provider's report; UsageReported is false when the
	// provider sent none (the caller then estimates, and says so).
	Usage         Usage  `json:"usage"`
	UsageReported bool   `json:"usage_reported"`
	Model         string `json:"model,omitempty"`
	FinishReason  string `json:"finish_reason,omitempty"`
}

// Client completes chats. Implementations: tool/llm's OpenAI-compatible and
// Anthropic clients.
type Client interface {
	// Complete sends req and returns the whole reply.
	Complete(ctx context.Context, req Request) (*Response, error)
}

// Delta is one piece of a streamed completion.
type Delta struct {
	Content string
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
	Provider   string
	StatusCode int
	Message    string
	RetryAfter time.Duration
}

// Error names the provider, the HTTP status and the provider's message.
func (e *StatusError) Error() string {
	return fmt.Sprintf("chat: %s returned HTTP %d: %s", e.Provider, e.StatusCode, e.Message)
}

// Unwrap makes errors.Is(err, ErrUpstream) true.
func (e *StatusError) Unwrap() error { return ErrUpstream }
