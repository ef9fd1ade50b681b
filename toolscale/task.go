package toolscale

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Task is one task in τ²-bench's tasks.json format, as env/domain reads it.
type Task struct {
	ID                 string      `json:"id"`
	Description        Description `json:"description"`
	UserScenario       Scenario    `json:"user_scenario"`
	InitialState       *struct{}   `json:"initial_state"`
	EvaluationCriteria Criteria    `json:"evaluation_criteria"`
	Annotations        *struct{}   `json:"annotations"`
}

// Description says what a task tests.
type Description struct {
	Purpose          string  `json:"purpose"`
	RelevantPolicies *string `json:"relevant_policies"`
	Notes            *string `json:"notes"`
}

// Scenario is what the simulated user knows and wants.
type Scenario struct {
	Persona      *string      `json:"persona"`
	Instructions Instructions `json:"instructions"`
}

// Instructions are tau2's structured user instructions.
type Instructions struct {
	TaskInstructions string  `json:"task_instructions"`
	Domain           string  `json:"domain"`
	ReasonForCall    string  `json:"reason_for_call"`
	KnownInfo        string  `json:"known_info"`
	UnknownInfo      *string `json:"unknown_info"`
}

// Criteria are the golden actions and what the agent must say.
type Criteria struct {
	Actions         []Action `json:"actions"`
	CommunicateInfo []string `json:"communicate_info"`
	NLAssertions    []string `json:"nl_assertions"`
}

// Action is one golden tool call.
type Action struct {
	ActionID  string          `json:"action_id"`
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
	Info      *string         `json:"info"`
}

// Signature identifies the golden action sequence: names and canonical
// arguments.
func (t *Task) Signature() string {
	var b strings.Builder
	for _, a := range t.EvaluationCriteria.Actions {
		var v any
		_ = json.Unmarshal(a.Arguments, &v)
		c, _ := json.Marshal(v)
		fmt.Fprintf(&b, "%s%s\n", a.Name, c)
	}
	return b.String()
}

// renumber sets the task id and its action ids.
func (t *Task) renumber(id string) {
	t.ID = id
	for i := range t.EvaluationCriteria.Actions {
		t.EvaluationCriteria.Actions[i].ActionID = fmt.Sprintf("%s_%d", id, i)
	}
}

func args(kv ...any) json.RawMessage {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return b
}
