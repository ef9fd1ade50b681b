package envserver

import (
	"encoding/json"

	"github.com/batonhq/baton/env"
)

// ProtocolVersion is the version of the wire protocol, sent in every
// response and in the /v1 path.
const ProtocolVersion = "1"

// ResetRequest starts a session. TaskID picks a task by id; else Index by
// position; else Seed picks one pseudo-randomly; else the first task.
type ResetRequest struct {
	Env      string `json:"env"`
	TaskID   string `json:"task_id,omitempty"`
	Index    *int   `json:"index,omitempty"`
	Seed     *int64 `json:"seed,omitempty"`
	MaxTurns int    `json:"max_turns,omitempty"`
}

// ResetResponse is a new session.
type ResetResponse struct {
	ProtocolVersion string      `json:"protocol_version"`
	SessionID       string      `json:"session_id"`
	Env             string      `json:"env"`
	TaskID          string      `json:"task_id"`
	Observation     Observation `json:"observation"`
	Tools           []ToolInfo  `json:"tools"`
	MaxTurns        int         `json:"max_turns"`
}

// Observation is what the agent sees: the task at reset, a tool result
// after a step.
type Observation struct {
	// Prompt is the task as the env poses it (for τ² domains: the policy
	// followed by the customer's request).
	Prompt string `json:"prompt,omitempty"`
	// Policy is the agent policy document, when the env has one.
	Policy string `json:"policy,omitempty"`
	// Instructions is the customer's request alone, when the env has one.
	Instructions string `json:"instructions,omitempty"`
	// Content is a tool's result or an error message.
	Content string          `json:"content,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
	IsError bool            `json:"is_error,omitempty"`
}

// ToolInfo is one tool an agent may call.
type ToolInfo struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

// StepRequest is one action: a tool call, or the final answer.
type StepRequest struct {
	Tool string `json:"tool,omitempty"`
	// Arguments is a JSON object, or a string holding one.
	Arguments json.RawMessage `json:"arguments,omitempty"`
	Answer    *string         `json:"answer,omitempty"`
}

// StepResponse is the outcome of a step.
type StepResponse struct {
	ProtocolVersion string      `json:"protocol_version"`
	Observation     Observation `json:"observation"`
	Reward          float64     `json:"reward"`
	Done            bool        `json:"done"`
	Turn            int         `json:"turn"`
	// Score is the verifier's verdict, once done.
	Score *env.Score `json:"score,omitempty"`
}

// EnvInfo describes a registered environment.
type EnvInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Prefix is true for a name prefix such as "synth:" that takes an
	// argument after it.
	Prefix bool `json:"prefix,omitempty"`
}

// EnvsResponse lists the registered environments.
type EnvsResponse struct {
	ProtocolVersion string    `json:"protocol_version"`
	Envs            []EnvInfo `json:"envs"`
}

// ErrorResponse is the body of every error.
type ErrorResponse struct {
	ProtocolVersion string    `json:"protocol_version"`
	Error           ErrorInfo `json:"error"`
	// Observation repeats the message for steps, so a client loop can
	// treat it like any tool error.
	Observation *Observation `json:"observation,omitempty"`
}

// ErrorInfo names an error.
type ErrorInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
