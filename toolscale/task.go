package toolscale

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Task is one task in τ²-bench's tasks.json format, as env/domain reads it.
type Task struct {
	ID                 string      `json:"id"`                  // task id, unique within the domain
	Description        Description `json:"description"`         // what the task tests
	UserScenario       Scenario    `json:"user_scenario"`       // the simulated user's side
	InitialState       *struct{}   `json:"initial_state"`       // always null here: the task starts from db.json as is
	EvaluationCriteria Criteria    `json:"evaluation_criteria"` // how the conversation is judged
	Annotations        *struct{}   `json:"annotations"`         // always null here
}

// Description says what a task tests.
type Description struct {
	Purpose          string  `json:"purpose"`           // what the task checks the agent does
	RelevantPolicies *string `json:"relevant_policies"` // policy sections the task exercises; null when unstated
	Notes            *string `json:"notes"`             // free-form notes; null when none
}

// Scenario is what the simulated user knows and wants.
type Scenario struct {
	Persona      *string      `json:"persona"`      // the user's persona; null for the default
	Instructions Instructions `json:"instructions"` // what the user says and does
}

// Instructions are tau2's structured user instructions.
type Instructions struct {
	TaskInstructions string  `json:"task_instructions"` // how the user behaves, e.g. what to accept or refuse
	Domain           string  `json:"domain"`            // the domain's name
	ReasonForCall    string  `json:"reason_for_call"`   // why the user calls
	KnownInfo        string  `json:"known_info"`        // what the user can tell the agent, e.g. their ids
	UnknownInfo      *string `json:"unknown_info"`      // what the user does not know; null when nothing
}

// Criteria are the golden actions and what the agent must say.
type Criteria struct {
	Actions         []Action `json:"actions"`          // golden tool calls; replaying them gives the expected database
	CommunicateInfo []string `json:"communicate_info"` // facts the agent must tell the user
	NLAssertions    []string `json:"nl_assertions"`    // natural-language checks for a judge model
}

// Action is one golden tool call.
type Action struct {
	ActionID  string          `json:"action_id"` // "<task id>_<index>", unique within the task
	Name      string          `json:"name"`      // tool name
	Arguments json.RawMessage `json:"arguments"` // the call's arguments object
	Info      *string         `json:"info"`      // annotator's note; null when none
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
