package learned

import (
	"encoding/json"
	"slices"
	"sort"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/tool"
)

// promptFields are argument names that take the task text even when the
// schema does not require them.
var promptFields = []string{"prompt", "query", "question", "input", "text", "task", "message", "q"}

// argFields returns the argument names to fill with the task prompt: every
// required string property and every string property with a prompt-like
// name, sorted.
func argFields(schema json.RawMessage) []string {
	var s struct {
		Properties map[string]struct {
			Type any `json:"type"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if len(schema) == 0 || json.Unmarshal(schema, &s) != nil {
		return nil
	}
	var out []string
	for name, prop := range s.Properties {
		isString := prop.Type == "string"
		if ts, ok := prop.Type.([]any); ok {
			isString = slices.Contains(ts, any("string"))
		}
		if isString && (slices.Contains(s.Required, name) || slices.Contains(promptFields, name)) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// action turns candidate i into an episode action.
func (d *decision) action(i int) episode.Action {
	c := &d.cands[i]
	if c.kind == kindAnswer {
		return episode.Action{Final: true, Answer: c.answer, Thought: "adopt the answer of " + d.tools[c.tool].spec.Name}
	}
	tf := d.tools[c.tool]
	return episode.Action{Tool: tf.spec.Name, Args: argsOf(tf.args(), d.prompt)}
}

// argsOf is the arguments object that fills fields with the prompt.
func argsOf(fields []string, prompt string) json.RawMessage {
	if len(fields) == 0 {
		return json.RawMessage(`{}`)
	}
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		m[f] = prompt
	}
	b, err := json.Marshal(m)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}

// CallArgs are the arguments the policy sends when it calls the tool of
// spec on a task with this prompt: the prompt in every required string
// argument and every prompt-like one. A trainer probing tools one by one
// calls them as the policy would.
func CallArgs(spec tool.Spec, prompt string) json.RawMessage {
	return argsOf(argFields(spec.Parameters), prompt)
}
