package policy

import (
	"encoding/json"

	"github.com/batonhq/baton/tool"
)

// promptFields are argument names a task prompt can be passed as.
var promptFields = []string{"prompt", "query", "question", "input", "text", "task", "expression"}

// PromptArgs builds arguments that pass prompt to a tool: an empty object
// for a tool that needs none (a replay model), or the prompt as the tool's
// one required string field when it is named like a prompt. It reports
// false when the tool cannot take a bare prompt (it needs code, say).
func PromptArgs(spec tool.Spec, prompt string) (json.RawMessage, bool) {
	var sch struct {
		Required   []string                  `json:"required"`
		Properties map[string]map[string]any `json:"properties"`
	}
	if len(spec.Parameters) > 0 {
		if err := json.Unmarshal(spec.Parameters, &sch); err != nil {
			return nil, false
		}
	}
	field := ""
	switch len(sch.Required) {
	case 0:
		for _, f := range promptFields {
			if _, ok := sch.Properties[f]; ok {
				field = f
				break
			}
		}
		if field == "" {
			return json.RawMessage("{}"), true
		}
	case 1:
		field = sch.Required[0]
		ok := false
		for _, f := range promptFields {
			ok = ok || f == field
		}
		if !ok {
			return nil, false
		}
	default:
		return nil, false
	}
	b, _ := json.Marshal(map[string]string{field: prompt})
	return b, true
}
