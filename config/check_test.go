package config

import (
	"math"
	"strings"
	"testing"
)

func TestParseExplainsBadInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // all in the error
	}{
		{"misspelt top-level key", "policy: cheapest\npolcy: llm\n", []string{"line 2", `unknown key "polcy"`, `did you mean "policy"?`}},
		{"misspelt nested key", "budget:\n  max_cost: 1\n  max_turn: 3\n", []string{"line 3", `"max_turn"`, "in budget", `did you mean "max_turns"?`}},
		{"misspelt tool key", "tools:\n  - kind: math\n    optons: {}\n", []string{"line 3", "tools[0]", `did you mean "options"?`}},
		{"misspelt price key", "prices:\n  m: {input_per_milion: 1}\n", []string{"line 2", `did you mean "input_per_million"?`}},
		{"no near key", "zzzzzzzz: 1\n", []string{"line 1", "valid keys:"}},
		{"second document", "policy: cheapest\n---\npolicy: llm\n", []string{"second YAML document", "line 2"}},
		{"hex turns", "budget: {max_turns: 0x10}\n", []string{"line 1", `"0x10" is not a decimal number`}},
		{"hex cost", "budget:\n  max_cost: 0x1p-3\n", []string{"0x1p-3", "decimal number"}},
		{"octal", "budget: {max_turns: 0o17}\n", []string{"not a decimal number"}},
		{"nan", "prices:\n  m: {input_per_million: .nan}\n", []string{"line 2", `".nan"`}},
		{"inf in tool options", "tools:\n  - kind: math\n    options: {limit: .inf}\n", []string{"line 3", `".inf"`}},
		{"negative budget", "budget: {max_turns: -1}\n", []string{"negative"}},
		{"negative money", "budget: {max_cost: -1}\n", []string{"negative"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
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
	// Decimal numbers, empty files and comments still parse.
	for _, ok := range []string{"", "# nothing\n", "budget: {max_cost: 0.125, max_turns: 16, max_time: 1.5}\n", "---\npolicy: cheapest\n"} {
		if _, err := Parse([]byte(ok)); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for _, ok := range []string{"5", "0.25", "-1", "1e-3", ".5", "+2"} {
		if _, err := ParseDecimal(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "NaN", "nan", "Inf", "+Inf", "infinity", "0x10", "0x1p-3", "1_000", "0b1", "1e999", "1.2.3", "5 USD"} {
		if _, err := ParseDecimal(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseStrict(f *testing.F) {
	for _, s := range []string{"policy: cheapest\n", "budget: {max_turns: 0x10}\n", "a: &x {b: 1}\nc: *x\n", "tools: [{kind: math}]\n---\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse([]byte(s))
		if err == nil && (c.Budget.MaxTurns < 0 || c.Budget.MaxCost < 0) {
			t.Fatalf("accepted a negative budget from %q", s)
		}
	})
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"5", "0x10", "NaN", "1e309", "-0.5", ".5e-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseDecimal(s)
		if err != nil {
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "xXpP_nN") {
			t.Fatalf("ParseDecimal(%q) = %v, accepted", s, v)
		}
	})
}
