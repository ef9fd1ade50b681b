package policy

import (
	"encoding/json"
	"testing"

	"github.com/batonhq/baton/tool"
)

func TestPromptArgs(t *testing.T) {
	tests := []struct {
		name, schema, want string
		ok                 bool
	}{
		{"no arguments", ``, `{}`, true},
		{"empty object", `{"type":"object"}`, `{}`, true},
		{"optional prompt", `{"type":"object","properties":{"prompt":{"type":"string"}}}`, `{"prompt":"P"}`, true},
		{"required query", `{"type":"object","properties":{"query":{"type":"string"},"k":{"type":"integer"}},"required":["query"]}`, `{"query":"P"}`, true},
		{"required expression", `{"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}`, `{"expression":"P"}`, true},
		{"needs code", `{"type":"object","properties":{"code":{"type":"string"}},"required":["code"]}`, ``, false},
		{"two required", `{"type":"object","required":["a","b"]}`, ``, false},
		{"not json", `{`, ``, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := PromptArgs(tool.Spec{Parameters: json.RawMessage(tc.schema)}, "P")
			if ok != tc.ok || (ok && string(got) != tc.want) {
				t.Fatalf("PromptArgs = %s, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
