package domain_test

import (
	"strconv"
	"strings"
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

func FuzzParseSplits(f *testing.F) {
	for _, s := range []string{`{"train":["1","2"],"test":["3"]}`, `{}`, `{"x":null}`, `{"x":[1]}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = domain.ParseSplits(b)
	})
}

// FuzzDecodeArgs feeds model-written tool arguments through the numeric
// argument types, which parse number text themselves.
func FuzzDecodeArgs(f *testing.F) {
	for _, s := range []string{
		`{"n":2,"x":1.5}`, `{"n":2.0,"x":3}`, `{"n":2.5}`, `{"n":"2"}`, `{"x":1e400}`,
		`{"n":9007199254740993.0}`, `{"x":-0.0}`, ``, `null`, `[`, `{"n":1e20}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var args struct {
			N domain.Int    `json:"n"`
			X domain.Number `json:"x"`
		}
		if err := domain.DecodeArgs("tool", b, &args); err != nil {
			if !strings.Contains(err.Error(), "tool()") {
				t.Fatalf("error %q does not name the tool", err)
			}
			return
		}
		if args.X.IsInt && args.X.String() != strconv.FormatInt(args.X.I, 10) {
			t.Fatalf("int %d prints as %q", args.X.I, args.X.String())
		}
		_ = args.X.String()
	})
}
