package envserver

import (
	"encoding/json"
	"fmt"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/domain"
)

// domainEnv is implemented by env/domain's Env (τ² and synthesised
// domains), whose tasks carry the full τ² task record.
type domainEnv interface {
	Domain() *domain.Domain
}

// exportTask returns task i of e as one τ²/ToolScale task record: the
// stored record for domain envs; for others, a record with the prompt as
// the user's instructions and no evaluation criteria (their verifier is
// code, not data).
func exportTask(e env.Env, i int) (json.RawMessage, error) {
	t := e.Tasks()[i]
	if de, ok := e.(domainEnv); ok {
		if dt, ok := de.Domain().Task(t.ID); ok {
			b, err := json.Marshal(dt)
			if err != nil {
				return nil, fmt.Errorf("envserver: export task %s: %w", t.ID, err)
			}
			return b, nil
		}
	}
	rec := map[string]any{
		"id":                  t.ID,
		"description":         map[string]any{"purpose": "Task of env " + e.Name() + "."},
		"user_scenario":       map[string]any{"persona": nil, "instructions": t.Prompt},
		"initial_state":       nil,
		"evaluation_criteria": nil,
	}
	if len(t.Tools) > 0 {
		rec["tools"] = t.Tools
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("envserver: export task %s: %w", t.ID, err)
	}
	return b, nil
}

// describe returns the policy and the customer's request of task id, for
// envs that have them.
func describe(e env.Env, id string) (policy, instructions string) {
	de, ok := e.(domainEnv)
	if !ok {
		return "", ""
	}
	d := de.Domain()
	if dt, ok := d.Task(id); ok {
		instructions = dt.Prompt()
	}
	return d.Policy, instructions
}
