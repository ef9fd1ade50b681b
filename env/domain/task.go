package domain

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Task is one tau2 task as stored in tasks.json.
type Task struct {
	ID                 string          `json:"id"`                    // task id, e.g. "0" or "[mobile_data_issue]..."
	Description        json.RawMessage `json:"description,omitempty"` // purpose, relevant_policies, notes; kept verbatim
	UserScenario       UserScenario    `json:"user_scenario"`         // the simulated user's side
	InitialState       *InitialState   `json:"initial_state"`         // setup before the conversation; nil for none
	EvaluationCriteria *Criteria       `json:"evaluation_criteria"`   // how the conversation is judged; nil for none
}

// UserScenario is what the simulated user knows and wants.
type UserScenario struct {
	Persona *string `json:"persona"` // the user's persona; nil for the default
	// Instructions is either a plain string or an object with domain,
	// reason_for_call, known_info, unknown_info and task_instructions.
	Instructions json.RawMessage `json:"instructions"`
}

// InitialState prepares the environment before the conversation.
type InitialState struct {
	InitializationData    *InitializationData `json:"initialization_data"`    // DB content merged in; nil for none
	InitializationActions []FunctionCall      `json:"initialization_actions"` // functions called on the envs before the conversation
	MessageHistory        []json.RawMessage   `json:"message_history"`        // messages to start the conversation from; none in the shipped tasks
}

// InitializationData is DB content merged into the initial databases.
type InitializationData struct {
	AgentData json.RawMessage `json:"agent_data"` // merged into the agent's DB
	UserData  json.RawMessage `json:"user_data"`  // merged into the user's DB (telecom's phone and surroundings)
}

// FunctionCall is a tau2 EnvFunctionCall or EnvAssertion.
type FunctionCall struct {
	EnvType     string          `json:"env_type"`               // "assistant" (the agent's DB) or "user" (the user's device)
	FuncName    string          `json:"func_name"`              // function name, e.g. "set_data_usage" or "assert_mobile_data_status"
	Arguments   json.RawMessage `json:"arguments"`              // its keyword arguments object
	AssertValue *bool           `json:"assert_value,omitempty"` // what an assertion must return; nil means true
	Message     *string         `json:"message,omitempty"`      // an assertion's explanation; nil for none
}

// Criteria is a task's evaluation_criteria.
type Criteria struct {
	Actions         []Action       `json:"actions"`          // gold tool calls, replayed to get the expected DB
	CommunicateInfo []string       `json:"communicate_info"` // strings the agent must say to the user
	NLAssertions    []string       `json:"nl_assertions"`    // natural-language checks for a judge model
	EnvAssertions   []FunctionCall `json:"env_assertions"`   // checks run on the envs after the conversation
	// RewardBasis lists DB, COMMUNICATE, ENV_ASSERTION, ACTION, NL_ASSERTION;
	// empty means [DefaultRewardBasis].
	RewardBasis []string `json:"reward_basis"`
}

// Action is one gold tool call.
type Action struct {
	ActionID    string          `json:"action_id"`              // unique within the task, e.g. "27_0"
	Requestor   string          `json:"requestor,omitempty"`    // who calls it: "assistant" or "user" (telecom); empty in airline and retail
	Name        string          `json:"name"`                   // tool name
	Arguments   json.RawMessage `json:"arguments"`              // the call's arguments object
	Info        *string         `json:"info,omitempty"`         // annotator's note; nil for none
	CompareArgs []string        `json:"compare_args,omitempty"` // argument names compared in the ACTION check; nil means all, empty means none
}

// Reward basis names.
const (
	BasisDB           = "DB"
	BasisCommunicate  = "COMMUNICATE"
	BasisEnvAssertion = "ENV_ASSERTION"
	BasisAction       = "ACTION"
	BasisNLAssertion  = "NL_ASSERTION"
)

// DefaultRewardBasis is tau2's default when a task names none.
var DefaultRewardBasis = []string{BasisDB, BasisCommunicate}

// Basis returns the task's reward basis, defaulted.
func (t *Task) Basis() []string {
	if t.EvaluationCriteria == nil || len(t.EvaluationCriteria.RewardBasis) == 0 {
		return DefaultRewardBasis
	}
	return t.EvaluationCriteria.RewardBasis
}

// ParseTasks reads a tasks.json array. Tasks need a non-empty, unique id.
func ParseTasks(data []byte) ([]Task, error) {
	var ts []Task
	if err := json.Unmarshal(data, &ts); err != nil {
		return nil, fmt.Errorf("domain: tasks: %w", err)
	}
	seen := map[string]bool{}
	for i, t := range ts {
		if t.ID == "" {
			return nil, fmt.Errorf("domain: tasks[%d]: missing \"id\"", i)
		}
		if seen[t.ID] {
			return nil, fmt.Errorf("domain: tasks[%d]: duplicate id %q", i, t.ID)
		}
		seen[t.ID] = true
		if c := t.EvaluationCriteria; c != nil {
			for j, a := range c.Actions {
				if a.Name == "" {
					return nil, fmt.Errorf("domain: task %q: evaluation_criteria.actions[%d]: missing \"name\"", t.ID, j)
				}
			}
		}
	}
	return ts, nil
}

// ParseSplits reads split_tasks.json: split name to task ids.
func ParseSplits(data []byte) (map[string][]string, error) {
	var s map[string][]string
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("domain: split_tasks: %w", err)
	}
	return s, nil
}

// Prompt renders what the customer wants, for an orchestrator that plays
// the agent without a user simulator: the scenario's fields in a fixed
// order under headings.
func (t *Task) Prompt() string {
	var b strings.Builder
	if p := t.UserScenario.Persona; p != nil && *p != "" {
		fmt.Fprintf(&b, "Persona: %s\n\n", *p)
	}
	raw := t.UserScenario.Instructions
	var s string
	if json.Unmarshal(raw, &s) == nil {
		b.WriteString(s)
		return strings.TrimSpace(b.String())
	}
	var in struct {
		Reason  *string `json:"reason_for_call"`
		Known   *string `json:"known_info"`
		Unknown *string `json:"unknown_info"`
		Task    *string `json:"task_instructions"`
	}
	_ = json.Unmarshal(raw, &in)
	for _, f := range []struct {
		head string
		v    *string
	}{{"Reason for call", in.Reason}, {"Known info", in.Known}, {"Unknown info", in.Unknown}, {"Instructions", in.Task}} {
		if f.v != nil && *f.v != "" {
			fmt.Fprintf(&b, "%s:\n%s\n\n", f.head, strings.TrimSpace(*f.v))
		}
	}
	return strings.TrimSpace(b.String())
}
