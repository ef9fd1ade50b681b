package tool

import (
	"encoding/json"
	"testing"
)

func TestResultAnswer(t *testing.T) {
	tests := []struct {
		name, content, data, want string
		isErr, ok                 bool
	}{
		{"content", "Paris", "", "Paris", false, true},
		{"extracted", "long text", `{"answer":"42","parsed":true}`, "42", false, true},
		{"extracted, trimmed", "long text", `{"answer":" 42 "}`, "42", false, true},
		{"unparsed", "long text", `{"answer":"","parsed":false}`, "", false, false},
		{"empty answer falls back to content", "text", `{"answer":""}`, "text", false, true},
		{"blank", "  ", "", "", false, false},
		{"data not an object", "x", `[1]`, "x", false, true},
		{"malformed data", "x", `{"answer":`, "x", false, true},
		{"error result", "boom", `{"answer":"1"}`, "", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Result{Content: tc.content, Data: json.RawMessage(tc.data), IsError: tc.isErr}
			got, ok := r.Answer()
			if ok != tc.ok || (ok && got != tc.want) {
				t.Errorf("Answer() = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := (*Result)(nil).Answer(); ok {
		t.Error("nil result offers an answer")
	}
}
