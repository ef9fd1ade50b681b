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
	Env      string `json:"env"`                 // registered env name, as GET /v1/envs lists
	TaskID   string `json:"task_id,omitempty"`   // task id to run
	Index    *int   `json:"index,omitempty"`     // 0-based task position
	Seed     *int64 `json:"seed,omitempty"`      // seed of the pseudo-random task choice
	MaxTurns int    `json:"max_turns,omitempty"` // lowers the server's and the task's turn limit; 0 keeps them
}

// ResetResponse is a new session.
type ResetResponse struct {
	ProtocolVersion string      `json:"protocol_version"` // always ProtocolVersion
	SessionID       string      `json:"session_id"`       // id for the step, get and delete paths
	Env             string      `json:"env"`              // the env name from the request
	TaskID          string      `json:"task_id"`          // the task chosen
	Observation     Observation `json:"observation"`      // the task as posed
	Tools           []ToolInfo  `json:"tools"`            // the tools this session may call
	MaxTurns        int         `json:"max_turns"`        // steps before the episode is ended and scored
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
	Data    json.RawMessage `json:"data,omitempty"`     // a tool's structured result, when it has one
	IsError bool            `json:"is_error,omitempty"` // marks a failed call or a malformed action
}

// ToolInfo is one tool an agent may call.
type ToolInfo struct {
	Name        string          `json:"name"`        // name to call the tool by in a step
	Description string          `json:"description"` // what the tool does
	Parameters  json.RawMessage `json:"parameters"`  // JSON Schema of the arguments object
}

// StepRequest is one action: a tool call, or the final answer.
type StepRequest struct {
	Tool string `json:"tool,omitempty"` // the tool to call; empty when Answer is set
	// Arguments is a JSON object, or a string holding one.
	Arguments json.RawMessage `json:"arguments,omitempty"`
	Answer    *string         `json:"answer,omitempty"` // the final answer; set instead of Tool, it ends the episode
}

// StepResponse is the outcome of a step.
type StepResponse struct {
	ProtocolVersion string      `json:"protocol_version"` // always ProtocolVersion
	Observation     Observation `json:"observation"`      // the tool's result or the error of a malformed action
	Reward          float64     `json:"reward"`           // the score's outcome once done; 0 before
	Done            bool        `json:"done"`             // set when the episode ended (answer or max_turns) and was scored
	Turn            int         `json:"turn"`             // turns used so far, this one included
	// Score is the verifier's verdict, once done.
	Score *env.Score `json:"score,omitempty"`
}

// EnvInfo describes a registered environment.
type EnvInfo struct {
	Name        string `json:"name"`                  // the name to reset with
	Description string `json:"description,omitempty"` // what the env's tasks are
	// Prefix is true for a name prefix such as "synth:" that takes an
	// argument after it.
	Prefix bool `json:"prefix,omitempty"`
}

// EnvsResponse lists the registered environments.
type EnvsResponse struct {
	ProtocolVersion string    `json:"protocol_version"` // always ProtocolVersion
	Envs            []EnvInfo `json:"envs"`             // every registered env
}

// ErrorResponse is the body of every error.
type ErrorResponse struct {
	ProtocolVersion string    `json:"protocol_version"` // always ProtocolVersion
	Error           ErrorInfo `json:"error"`            // what failed
	// Observation repeats the message for steps, so a client loop can
	// treat it like any tool error.
	Observation *Observation `json:"observation,omitempty"`
}

// ErrorInfo names an error.
type ErrorInfo struct {
	Code    string `json:"code"`    // machine-readable class, e.g. "bad_request", "unknown_env", "too_large"
	Message string `json:"message"` // what went wrong and what to do next
}
