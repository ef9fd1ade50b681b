package llm

import (
	"bytes"
	"encoding/json"

	"github.com/batonhq/baton/tool"
)

// Argument names tried, in order, when a text must be passed to a tool
// whose schema this package does not know in advance.
var (
	promptKeys = []string{"prompt", "input", "question", "text", "message", "query"}
	queryKeys  = []string{"query", "q", "question", "prompt", "text", "input"}
	codeKeys   = []string{"code", "source", "program", "script"}
)

// schemaShape is the part of a JSON Schema that textArgs reads.
type schemaShape struct {
	Properties map[string]struct {
		Type any `json:"type"`
	} `json:"properties"`
	Required []string `json:"required"`
}

// textArgs builds the arguments that pass text to spec's tool: under the
// first of keys the schema declares, else under its first required string
// property, else under keys[0].
func textArgs(spec tool.Spec, text string, keys []string) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// Prompts carry <answer> and <query> tags; keep them readable in
	// traces instead of \u003c escapes.
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]string{argKey(spec, keys): text})
	return bytes.TrimSpace(b.Bytes())
}

func argKey(spec tool.Spec, keys []string) string {
	var sh schemaShape
	if json.Unmarshal(spec.Parameters, &sh) != nil || len(sh.Properties) == 0 {
		return keys[0]
	}
	for _, k := range keys {
		if _, ok := sh.Properties[k]; ok {
			return k
		}
	}
	for _, r := range sh.Required {
		if p, ok := sh.Properties[r]; ok && p.Type == "string" {
			return r
		}
	}
	return keys[0]
}

// argText reads back the text textArgs put in args, for the context shown
// to the model.
func argText(spec tool.Spec, args json.RawMessage, keys []string) string {
	var m map[string]any
	if json.Unmarshal(args, &m) != nil {
		return ""
	}
	s, _ := m[argKey(spec, keys)].(string)
	return s
}
