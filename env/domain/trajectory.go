package domain

import (
	"encoding/json"
	"fmt"
)

// Results is a tau2 results file (a leaderboard trajectory file): the
// tasks it ran and one simulation per task and trial.
type Results struct {
	Info        json.RawMessage `json:"info,omitempty"` // run settings (models, trials, max_steps); kept verbatim
	Tasks       []Task          `json:"tasks"`          // the tasks run
	Simulations []Simulation    `json:"simulations"`    // one per task and trial
}

// Simulation is one recorded conversation and its verdict.
type Simulation struct {
	ID                string      `json:"id"`                 // simulation id (a UUID)
	TaskID            string      `json:"task_id"`            // the Task it ran
	Trial             int         `json:"trial"`              // 0-based trial number
	RewardInfo        *RewardInfo `json:"reward_info"`        // the verdict; nil when not evaluated
	Messages          []Message   `json:"messages"`           // the conversation, in order
	TerminationReason string      `json:"termination_reason"` // e.g. "user_stop", "agent_stop", "max_steps"
}

// RewardInfo is tau2's recorded verdict.
type RewardInfo struct {
	Reward          float64            `json:"reward"`           // overall reward in [0, 1]
	DBCheck         *DBCheck           `json:"db_check"`         // the DB comparison; nil when not recorded
	RewardBasis     []string           `json:"reward_basis"`     // the checks the reward was computed from
	RewardBreakdown map[string]float64 `json:"reward_breakdown"` // check name → its reward
	// ActionChecks and NLAssertions echo the gold actions and assertions
	// of the task that was evaluated.
	ActionChecks []struct {
		Action Action `json:"action"`
	} `json:"action_checks"`
	NLAssertions []struct {
		NLAssertion string `json:"nl_assertion"`
	} `json:"nl_assertions"`
}

// DBCheck is the recorded database comparison.
type DBCheck struct {
	DBMatch  bool    `json:"db_match"`  // the final DB equals the gold actions' DB
	DBReward float64 `json:"db_reward"` // 1 on a match, else 0
}

// Message is one recorded message: assistant, user or tool.
type Message struct {
	Role      string     `json:"role"`       // "assistant", "user" or "tool"
	Content   *string    `json:"content"`    // the text; nil on a message that only calls tools
	ToolCalls []ToolCall `json:"tool_calls"` // calls the message makes; nil for none
	// ID and Requestor are set on tool messages: ID answers a ToolCall.
	ID        string `json:"id,omitempty"`
	Requestor string `json:"requestor,omitempty"`
}

// ToolCall is one recorded tool call.
type ToolCall struct {
	ID        string          `json:"id"`        // call id, echoed by the tool message's ID
	Name      string          `json:"name"`      // tool name
	Arguments json.RawMessage `json:"arguments"` // the arguments object
	Requestor string          `json:"requestor"` // "assistant" or "user": whose tool it is
}

// ParseResults reads a results file. Every simulation needs a task_id and
// every tool call a name.
func ParseResults(data []byte) (*Results, error) {
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("domain: results: %w", err)
	}
	for i, s := range r.Simulations {
		if s.TaskID == "" {
			return nil, fmt.Errorf("domain: results: simulations[%d]: missing \"task_id\"", i)
		}
		for j, m := range s.Messages {
			for k, tc := range m.ToolCalls {
				if tc.Name == "" {
					return nil, fmt.Errorf("domain: results: simulations[%d].messages[%d].tool_calls[%d]: missing \"name\"", i, j, k)
				}
			}
		}
	}
	return &r, nil
}

// AssistantTexts returns the text of the assistant's messages, what tau2's
// communicate check searches.
func (s *Simulation) AssistantTexts() []string {
	var out []string
	for _, m := range s.Messages {
		if m.Role == "assistant" && m.Content != nil && *m.Content != "" {
			out = append(out, *m.Content)
		}
	}
	return out
}
