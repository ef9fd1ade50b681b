package config

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/money"
)

// judgeTools declares two model tools (one named by its model) and a
// local tool.
const judgeTools = `tools:
  - kind: llm.openai
    name: gpt-4o-mini
    options: {model: gpt-4o-mini}
  - kind: llm.anthropic
    options: {model: claude-haiku-4-5}
  - kind: mathsolve
    name: math
`

func TestParseJudge(t *testing.T) {
	c, err := Parse([]byte(judgeTools + "judge:\n  tool: gpt-4o-mini\n  sample: 0.1\n  max_cost: 0.01\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Judge == nil || c.Judge.Tool != "gpt-4o-mini" || c.Judge.Sample != 0.1 || c.Judge.MaxCost != money.Cent {
		t.Fatalf("judge = %+v", c.Judge)
	}
	// A model tool without name: is named by its model.
	c, err = Parse([]byte(judgeTools + "judge: {tool: claude-haiku-4-5, sample: 1}\n"))
	if err != nil || c.Judge.Tool != "claude-haiku-4-5" || c.Judge.MaxCost != 0 {
		t.Fatalf("judge by model name: %+v, %v", c.Judge, err)
	}
	if c, err := Parse([]byte(judgeTools)); err != nil || c.Judge != nil {
		t.Fatalf("no judge block: %+v, %v", c.Judge, err)
	}
}

func TestParseJudgeErrors(t *testing.T) {
	// judgeTools is 8 lines: the judge block starts on line 9.
	tests := []struct {
		name, in string
		want     []string
	}{
		{"unknown tool", "judge:\n  tool: gpt-4o-mimi\n  sample: 0.1\n",
			[]string{"line 10", "judge.tool", `no declared model tool is named "gpt-4o-mimi"`, `did you mean "gpt-4o-mini"?`, "declared models: claude-haiku-4-5, gpt-4o-mini"}},
		{"not a model", "judge:\n  tool: math\n  sample: 0.1\n", []string{"line 10", `"math" is a mathsolve tool, not a model`}},
		{"no tool", "judge:\n  sample: 0.5\n", []string{"line 10", "judge.tool", "is required"}},
		{"sample zero", "judge:\n  tool: gpt-4o-mini\n  sample: 0\n", []string{"line 11", "judge.sample", "not a fraction in (0, 1]"}},
		{"sample missing", "judge:\n  tool: gpt-4o-mini\n", []string{"line 10", "judge.sample", "not a fraction in (0, 1]"}},
		{"sample above one", "judge:\n  tool: gpt-4o-mini\n  sample: 1.5\n", []string{"line 11", "judge.sample", "1.5"}},
		{"sample negative", "judge: {tool: gpt-4o-mini, sample: -0.1}\n", []string{"line 9", "judge.sample"}},
		{"sample nan", "judge: {tool: gpt-4o-mini, sample: .nan}\n", []string{"line 9", "not a decimal number"}},
		{"sample as hex", "judge: {tool: gpt-4o-mini, sample: 0x1}\n", []string{"line 9", "not a decimal number"}},
		{"negative max cost", "judge:\n  tool: gpt-4o-mini\n  sample: 1\n  max_cost: -0.01\n", []string{"line 12", "judge.max_cost", "negative"}},
		{"misspelt key", "judge:\n  tool: gpt-4o-mini\n  sampel: 0.1\n", []string{"line 11", `unknown key "sampel" in judge`, `did you mean "sample"?`}},
		{"sample as text", "judge: {tool: gpt-4o-mini, sample: lots}\n", []string{"sample"}},
		{"empty block", "judge:\n", []string{"line 9", "judge: is empty"}},
		{"null block", "judge: null\n", []string{"line 9", "judge: is empty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(judgeTools + tc.in))
			if err == nil {
				t.Fatalf("accepted %q", tc.in)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q lacks %q", err, w)
				}
			}
		})
	}
	t.Run("no models declared", func(t *testing.T) {
		_, err := Parse([]byte("judge: {tool: gpt-5, sample: 0.1}\n"))
		if err == nil || !strings.Contains(err.Error(), "declare it under tools: with kind llm.openai or llm.anthropic") || !strings.Contains(err.Error(), "line 1") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("Validate without a file", func(t *testing.T) {
		c := &Config{Judge: &Judge{Tool: "x", Sample: 2}}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "config: judge.sample") {
			t.Fatalf("Validate = %v", err)
		}
	})
}
