package openai

import (
	"encoding/json"
)

// ChatCompletionRequest is the body of POST /v1/chat/completions. Fields
// Baton uses are typed; documented fields it accepts but does not act on
// (logit_bias, seed, response_format, ...) are kept raw so any valid shape
// decodes. Anything else is an unknown field and is refused.
type ChatCompletionRequest struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`

	Stream              bool            `json:"stream,omitempty"`
	StreamOptions       *StreamOptions  `json:"stream_options,omitempty"`
	Tools               []ToolDef       `json:"tools,omitempty"`
	ToolChoice          json.RawMessage `json:"tool_choice,omitempty"`
	ParallelToolCalls   *bool           `json:"parallel_tool_calls,omitempty"`
	MaxTokens           *int            `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int            `json:"max_completion_tokens,omitempty"`
	Temperature         *float64        `json:"temperature,omitempty"`
	Stop                json.RawMessage `json:"stop,omitempty"`
	N                   *int            `json:"n,omitempty"`
	User                string          `json:"user,omitempty"`

	// Accepted and not acted on: Baton forwards only what its internal
	// request model carries.
	Audio            json.RawMessage `json:"audio,omitempty"`
	FrequencyPenalty json.RawMessage `json:"frequency_penalty,omitempty"`
	FunctionCall     json.RawMessage `json:"function_call,omitempty"`
	Functions        json.RawMessage `json:"functions,omitempty"`
	LogitBias        json.RawMessage `json:"logit_bias,omitempty"`
	Logprobs         json.RawMessage `json:"logprobs,omitempty"`
	Metadata         json.RawMessage `json:"metadata,omitempty"`
	Modalities       json.RawMessage `json:"modalities,omitempty"`
	Prediction       json.RawMessage `json:"prediction,omitempty"`
	PresencePenalty  json.RawMessage `json:"presence_penalty,omitempty"`
	PromptCacheKey   json.RawMessage `json:"prompt_cache_key,omitempty"`
	ReasoningEffort  json.RawMessage `json:"reasoning_effort,omitempty"`
	ResponseFormat   json.RawMessage `json:"response_format,omitempty"`
	SafetyIdentifier json.RawMessage `json:"safety_identifier,omitempty"`
	Seed             json.RawMessage `json:"seed,omitempty"`
	ServiceTier      json.RawMessage `json:"service_tier,omitempty"`
	Store            json.RawMessage `json:"store,omitempty"`
	TopLogprobs      json.RawMessage `json:"top_logprobs,omitempty"`
	TopP             json.RawMessage `json:"top_p,omitempty"`
	Verbosity        json.RawMessage `json:"verbosity,omitempty"`
	WebSearchOptions json.RawMessage `json:"web_search_options,omitempty"`

	// Baton is Baton's extension: per-request preferences and budget.
	Baton *Extension `json:"baton,omitempty"`
}

// StreamOptions is the stream_options object.
type StreamOptions struct {
	IncludeUsage       bool            `json:"include_usage,omitempty"`
	IncludeObfuscation json.RawMessage `json:"include_obfuscation,omitempty"`
}

// Extension is the "baton" object of a request body.
type Extension struct {
	// Preferences is an episode.Preferences object, decoded by the server
	// so its own strictness applies.
	Preferences json.RawMessage `json:"preferences,omitempty"`
	// Prefer is the --prefer syntax ("cost", "accuracy=1,cost=0.5").
	Prefer string        `json:"prefer,omitempty"`
	Budget *BudgetLimits `json:"budget,omitempty"`
	// Tools restricts an orchestrated run to these tool names.
	Tools []string `json:"tools,omitempty"`
}

// BudgetLimits is the per-request budget of the extension. Money is a
// decimal number of US dollars, read exactly (no float rounding).
type BudgetLimits struct {
	MaxCostUSD json.Number `json:"max_cost_usd,omitempty"`
	MaxTimeS   float64     `json:"max_time_s,omitempty"`
	MaxTurns   int         `json:"max_turns,omitempty"`
}

// Message is one message of the wire format. Content is a string, an array
// of content parts, or null.
type Message struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content,omitempty"`
	Name       string          `json:"name,omitempty"`
	ToolCalls  []ToolCall      `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
	// Accepted and not acted on.
	Refusal      json.RawMessage `json:"refusal,omitempty"`
	Audio        json.RawMessage `json:"audio,omitempty"`
	FunctionCall json.RawMessage `json:"function_call,omitempty"`
}

// ContentPart is one element of an array content.
type ContentPart struct {
	Type       string          `json:"type"`
	Text       string          `json:"text,omitempty"`
	ImageURL   json.RawMessage `json:"image_url,omitempty"`
	InputAudio json.RawMessage `json:"input_audio,omitempty"`
	File       json.RawMessage `json:"file,omitempty"`
	Refusal    string          `json:"refusal,omitempty"`
}

// ToolDef is one entry of "tools".
type ToolDef struct {
	Type     string      `json:"type"`
	Function FunctionDef `json:"function"`
}

// FunctionDef describes a function a model may call.
type FunctionDef struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
}

// ToolCall is a call in an assistant message or a response.
type ToolCall struct {
	// Index is set in stream chunks only.
	Index    *int         `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function FunctionCall `json:"function"`
}

// FunctionCall is the function part of a tool call.
type FunctionCall struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}
