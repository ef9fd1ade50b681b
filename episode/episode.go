package episode

import (
	"encoding/json"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// Task is one unit of work for the orchestrator.
type Task struct {
	// ID identifies the task in traces, ledgers and datasets.
	ID string `json:"id,omitempty"`
	// Prompt is the user's request.
	Prompt string `json:"prompt"`
	// Preferences weigh accuracy, cost, latency and tools.
	Preferences Preferences `json:"preferences,omitzero"`
	// Budget caps cost, time and turns.
	Budget Budget `json:"budget,omitzero"`
	// Tools restricts the run to these tool names; empty means all.
	Tools []string `json:"tools,omitempty"`
}

// Preferences is the user's preference vector P of the paper: weights over
// accuracy, cost, latency and individual tools. Weights are non-negative;
// only their ratios matter.
type Preferences struct {
	Accuracy float64            `json:"accuracy,omitempty"` // weight on getting the answer right
	Cost     float64            `json:"cost,omitempty"`     // weight on spending less
	Latency  float64            `json:"latency,omitempty"`  // weight on finishing sooner
	Tools    map[string]float64 `json:"tools,omitempty"`    // tool name → weight on using it; unlisted tools weigh 0
	// Text is the natural-language form, for LLM policies ("prefer local
	// tools; avoid gpt-5 unless needed").
	Text string `json:"text,omitempty"`
}

// IsZero reports whether no preference was given.
func (p Preferences) IsZero() bool {
	return p.Accuracy == 0 && p.Cost == 0 && p.Latency == 0 && len(p.Tools) == 0 && p.Text == ""
}

// Budget caps one run. Zero fields are unlimited.
type Budget struct {
	MaxCost  money.Amount  `json:"max_cost,omitempty"`  // the most the run may spend
	MaxTime  time.Duration `json:"max_time,omitempty"`  // wall time of the whole run
	MaxTurns int           `json:"max_turns,omitempty"` // decisions, the answer included
}

// Action is what a policy decides for one turn: call a tool, or answer.
type Action struct {
	// Tool and Args name the call when Final is false.
	Tool string          `json:"tool,omitempty"`
	Args json.RawMessage `json:"args,omitempty"`
	// Final marks the answer that ends the episode.
	Final  bool   `json:"final,omitempty"`
	Answer string `json:"answer,omitempty"` // the final answer when Final is true
	// Thought is the policy's reasoning, when it has any to show.
	Thought string `json:"thought,omitempty"`
	// Usage and Cost are what deciding cost (an LLM policy's own tokens).
	Usage tool.Usage   `json:"usage,omitzero"`
	Cost  money.Amount `json:"cost,omitempty"`
}

// Step is one turn as it happened.
type Step struct {
	Turn   int    `json:"turn"`   // 1-based
	Action Action `json:"action"` // what the policy decided
	// Result is the tool's result; nil for the answer turn and for turns
	// that failed before a call.
	Result *tool.Result `json:"result,omitempty"`
	// Error explains a failed turn: an invalid or unknown action, a refused
	// call. The policy sees it on the next turn.
	Error string `json:"error,omitempty"`
	// Cost is what the turn cost, the decision included.
	Cost    money.Amount  `json:"cost"`
	Latency time.Duration `json:"latency"` // decision time plus the tool call's
	// Prob is the probability with which the policy chose Action, when the
	// policy exposes it ([policy.Prober]); 0 when unknown. Off-policy
	// evaluation weighs logged steps by it.
	Prob float64 `json:"prob,omitempty"`
}

// Failed reports whether the turn failed or its tool returned an error.
func (s Step) Failed() bool { return s.Error != "" || (s.Result != nil && s.Result.IsError) }

// Status says how an episode ended.
type Status string

// Episode statuses.
const (
	StatusAnswered  Status = "answered"    // the policy gave a non-empty final answer
	StatusNoAnswer  Status = "no_answer"   // the policy ended the episode with an empty answer
	StatusMaxTurns  Status = "max_turns"   // the turn budget ran out
	StatusTimeout   Status = "timeout"     // the time budget ran out
	StatusCancelled Status = "cancelled"   // the caller cancelled
	StatusFailed    Status = "failed"      // the policy, every tool it tried, or the system failed
	StatusNoBudget  Status = "over_budget" // no affordable action remained
)

// Episode is a finished run.
type Episode struct {
	RunID  string `json:"run_id,omitempty"` // set when a server or store assigned one
	Task   Task   `json:"task"`             // what was asked
	Steps  []Step `json:"steps"`            // every turn, in order
	Answer string `json:"answer"`           // the final answer; empty unless Status is answered
	Status Status `json:"status"`           // how the episode ended
	// Error is the system failure that ended a failed episode.
	Error string       `json:"error,omitempty"`
	Cost  money.Amount `json:"cost"` // everything the run spent, worst cases held for cancelled calls included
	// Overage is the part of Cost that calls spent beyond what was reserved
	// for them (an upstream billing past the bound Baton asked for); it is
	// recorded, never charged to a budget, and freezes the key that paid.
	Overage money.Amount  `json:"overage,omitempty"`
	Latency time.Duration `json:"latency"` // wall time of the whole run
}

// Calls counts the tool calls per tool name, failed ones included.
func (e *Episode) Calls() map[string]int {
	m := map[string]int{}
	for _, s := range e.Steps {
		if !s.Action.Final && s.Action.Tool != "" && s.Result != nil {
			m[s.Action.Tool]++
		}
	}
	return m
}
