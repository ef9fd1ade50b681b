package openai

import (
	"encoding/json"
)

// ChatCompletion is the non-streaming response object.
type ChatCompletion struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"`
	Created int64    `json:"created"`
	Model   string   `json:"model"`
	Choices []Choice `json:"choices"`
	Usage   *Usage   `json:"usage,omitempty"`
	// Baton is the extension object: run, cost, steps.
	Baton *RunInfo `json:"baton,omitempty"`
}

// Choice is one choice of a completion.
type Choice struct {
	Index        int             `json:"index"`
	Message      ResponseMessage `json:"message"`
	FinishReason string          `json:"finish_reason"`
	Logprobs     json.RawMessage `json:"logprobs"`
}

// ResponseMessage is the assistant message of a choice. Content is null
// when the model only called tools.
type ResponseMessage struct {
	Role      string     `json:"role"`
	Content   *string    `json:"content"`
	Refusal   *string    `json:"refusal"`
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
}

// Usage is token usage.
type Usage struct {
	PromptTokens     int64 `json:"prompt_tokens"`
	CompletionTokens int64 `json:"completion_tokens"`
	TotalTokens      int64 `json:"total_tokens"`
}

// NewUsage fills TotalTokens.
func NewUsage(in, out int64) *Usage {
	return &Usage{PromptTokens: in, CompletionTokens: out, TotalTokens: in + out}
}

// RunInfo is the "baton" extension of a response: what the request cost
// and, for orchestrated runs, each step.
type RunInfo struct {
	RunID    string  `json:"run_id"`
	Status   string  `json:"status,omitempty"`
	CostUSD  float64 `json:"cost_usd"`
	Cost     string  `json:"cost"` // exact decimal dollars
	LatencyS float64 `json:"latency_s"`
	Steps    []Step  `json:"steps"`
	// Truncated is set when the gateway cut the response at the output
	// bound it reserved money for (finish_reason "length").
	Truncated bool `json:"truncated,omitempty"`
}

// Step is one step of [RunInfo].
type Step struct {
	Tool     string  `json:"tool"`
	CostUSD  float64 `json:"cost_usd"`
	LatencyS float64 `json:"latency_s"`
	IsError  bool    `json:"is_error"`
	Error    string  `json:"error,omitempty"`
}

// Chunk is one streamed chat.completion.chunk.
type Chunk struct {
	ID      string        `json:"id"`
	Object  string        `json:"object"`
	Created int64         `json:"created"`
	Model   string        `json:"model"`
	Choices []ChunkChoice `json:"choices"`
	Usage   *Usage        `json:"usage,omitempty"`
	Baton   *RunInfo      `json:"baton,omitempty"`
}

// ChunkChoice is the choice of a chunk.
type ChunkChoice struct {
	Index        int             `json:"index"`
	Delta        Delta           `json:"delta"`
	FinishReason *string         `json:"finish_reason"`
	Logprobs     json.RawMessage `json:"logprobs,omitempty"`
}

// Delta is the message piece of a chunk.
type Delta struct {
	Role      string     `json:"role,omitempty"`
	Content   *string    `json:"content,omitempty"`
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
}

// Model is one entry of GET /v1/models.
type Model struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

// ModelList is the body of GET /v1/models.
type ModelList struct {
	Object string  `json:"object"`
	Data   []Model `json:"data"`
}

// ErrorBody is OpenAI's error shape: {"error": {...}}.
type ErrorBody struct {
	Error ErrorObject `json:"error"`
}

// ErrorObject is the inner error object. Param and Code are null when
// they do not apply.
type ErrorObject struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// NewError builds an error body; empty param or code become null.
func NewError(typ, code, param, message string) ErrorBody {
	e := ErrorBody{Error: ErrorObject{Message: message, Type: typ}}
	if param != "" {
		e.Error.Param = &param
	}
	if code != "" {
		e.Error.Code = &code
	}
	return e
}
