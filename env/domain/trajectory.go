package domain

import (
	"encoding/json"
	"fmt"
)

// Results is a tau2 results file (a leaderboard trajectory file): the
// tasks it ran and one simulation per task and trial.
type Results struct {
	Info        json.RawMessage `json:"info,omitempty"`
	Tasks       []Task          `json:"tasks"`
	Simulations []Simulation    `json:"simulations"`
}

// Simulation is one recorded conversation and its verdict.
type Simulation struct {
	ID                string      `json:"id"`
	TaskID            string      `json:"task_id"`
	Trial             int         `json:"trial"`
	RewardInfo        *RewardInfo `json:"reward_info"`
	Messages          []Message   `json:"messages"`
	TerminationReason string      `json:"termination_reason"`
}

// RewardInfo is tau2's recorded verdict.
type RewardInfo struct {
	Reward          float64            `json:"reward"`
	DBCheck         *DBCheck           `json:"db_check"`
	RewardBasis     []string           `json:"reward_basis"`
	RewardBreakdown map[string]float64 `json:"reward_breakdown"`
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
	DBMatch  bool    `json:"db_match"`
	DBReward float64 `json:"db_reward"`
}

// Message is one recorded message: assistant, user or tool.
type Message struct {
	Role      string     `json:"role"`
	Content   *string    `json:"content"`
	ToolCalls []ToolCall `json:"tool_calls"`
	// ID and Requestor are set on tool messages: ID answers a ToolCall.
	ID        string `json:"id,omitempty"`
	Requestor string `json:"requestor,omitempty"`
}

// ToolCall is one recorded tool call.
type ToolCall struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
	Requestor string          `json:"requestor"`
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
