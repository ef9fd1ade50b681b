package domain_test

import (
	"testing"

	"github.com/batonhq/baton/env/domain"
)

func FuzzParseTasks(f *testing.F) {
	for _, s := range []string{
		`[]`,
		`[{"id":"1","user_scenario":{"instructions":"hi"},"initial_state":null,"evaluation_criteria":{"actions":[{"action_id":"1_0","name":"think","arguments":{}}],"communicate_info":["x"]}}]`,
		`[{"id":""}]`,
		`[{"id":"1"},{"id":"1"}]`,
		`{"id":1}`,
		`[{"id":"2","user_scenario":{"instructions":{"reason_for_call":"r","known_info":null}},"evaluation_criteria":{"actions":[{"name":""}]}}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := domain.ParseTasks(b)
		if err != nil {
			return
		}
		for i := range ts {
			_ = ts[i].Prompt()
			_ = ts[i].Basis()
		}
	})
}

func FuzzParseResults(f *testing.F) {
	for _, s := range []string{
		`{"tasks":[],"simulations":[]}`,
		`{"simulations":[{"id":"a","task_id":"1","reward_info":{"reward":1,"db_check":{"db_match":true}},"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","name":"x","arguments":{}}]},{"role":"tool","id":"c","content":"ok"}]}]}`,
		`{"simulations":[{"task_id":""}]}`,
		`{"simulations":[{"task_id":"1","messages":[{"tool_calls":[{"name":""}]}]}]}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := domain.ParseResults(b)
		if err != nil {
			return
		}
		for i := range r.Simulations {
			_ = r.Simulations[i].AssistantTexts()
		}
	})
}
