package answer

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestZeroEvalAnswer pins ZeroEval's extraction and sanitising rules on the
// cases where a naive port goes wrong. raw is the value as Python's str()
// renders it, before sanitising; answer the canonical form.
func TestZeroEvalAnswer(t *testing.T) {
	const gpt, llama = "gpt-4o-2024-08-06", "Meta-Llama-3.1-8B-Instruct"
	tests := []struct {
		name, model, completion string
		raw, answer             string
		ok                      bool
	}{
		{"fenced JSON", gpt, "```json\n{\n  \"reasoning\": \"2+1\",\n  \"answer\": \"3\"\n}\n```", "3", "3", true},
		{"dollars and thousands", gpt, `{"answer": "$1,000"}`, "$1,000", "1000", true},
		{"negative dollars", gpt, `{"answer": "-$5.50"}`, "-$5.50", "-5.5", true},
		{"fraction evaluated", gpt, `{"answer": "3/4"}`, "3/4", "0.75", true},
		{"fraction repr", gpt, `{"answer": "1/3"}`, "1/3", "0.3333333333333333", true},
		{"division by zero left as is", gpt, `{"answer": "1/0"}`, "1/0", "1", true},
		{"unit after fraction: eval fails", gpt, `{"answer": "1/2 cup"}`, "1/2 cup", "1", true},
		{"latex fraction has no slash", gpt, `{"answer": "\\frac{1}{2}"}`, `\frac{1}{2}`, "1", true},
		{"JSON float keeps Python repr", gpt, `{"answer": 3.0}`, "3.0", "3", true},
		{"small float in exponent form", gpt, `{"answer": 0.00001}`, "1e-05", "1", true},
		{"large float in exponent form", gpt, `{"answer": 10000000000000000.0}`, "1e+16", "1", true},
		{"big JSON int stays exact", gpt, `{"answer": 12345678901234567890}`, "12345678901234567890", "12345678901234567000", true},
		{"negative zero int", gpt, `{"answer": -0}`, "0", "0", true},
		{"negative zero float", gpt, `{"answer": -0.0}`, "-0.0", "-0", true},
		{"true", gpt, `{"answer": true}`, "True", "True", true},
		{"null", gpt, `{"answer": null}`, "None", "None", true},
		{"NaN literal", gpt, `{"answer": NaN}`, "nan", "nan", true},
		{"list in Python repr, commas dropped", gpt, `{"answer": [1, "a'b", 2.50]}`, `[1, "a'b", 2.5]`, "1", true},
		{"object in Python repr", gpt, `{"answer": {"x": -2}}`, "{'x': -2}", "-2", true},
		{"braces inside strings count", gpt, `{"reasoning": "set {1,2}", "answer": 7}`, "7", "7", true},
		{"newline inside a string is removed", gpt, "{\"answer\": \"4\n5\"}", "45", "45", true},
		{"trailing comma: regex fallback", gpt, `{"answer": "5",}`, "5", "5", true},
		{"first object broken, no retry, regex", gpt, `{oops} then {"answer": "9"}`, "9", "9", true},
		{"first object lacks answer, regex finds later", gpt, `{"a": 1} {"answer": "8"}`, "8", "8", true},
		{"unquoted value", gpt, `"answer": 12, "reasoning": "x"`, "12", "12", true},
		{"unquoted key", gpt, "Final answer: 42 apples", "42", "42", true},
		{"quoted value spans lines", gpt, "\"answer\": \"6\nsix\"", "6\nsix", "6", true},
		{"no answer at all", gpt, "The answer is 5.", "", "", false},
		{"empty completion", gpt, "", "", "", false},
		{"empty answer parses", gpt, `{"answer": ""}`, "", "", true},
		{"Llama boxed", llama, `So the total is $\boxed{36}$.`, "36", "36", true},
		{"boxed only counts for Llama-3.1", gpt, `So the total is $\boxed{36}$.`, "", "", false},
		{"boxed must be in the last 30 characters", llama, `$\boxed{36}$ ` + strings.Repeat("and more words ", 3), "", "", false},
		{"boxed expression is not a word", llama, `so $\boxed{3/4}$`, "", "", false},
		{"Unicode digits", gpt, `{"answer": "٣٤"}`, "٣٤", "34", true},
		{"Unicode space is stripped", gpt, "{\"answer\": \"\u00a07\u2003\"}", "\u00a07\u2003", "7", true},
		{"Python eval of precedence", gpt, `{"answer": "-2**2/8"}`, "-2**2/8", "-0.5", true},
		{"floor division", gpt, `{"answer": "-7//2/1"}`, "-7//2/1", "-4", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, ok := zeroEvalExtract(tc.model, tc.completion)
			if ok != tc.ok || raw != tc.raw {
				t.Errorf("extract = %q, %v; want %q, %v", raw, ok, tc.raw, tc.ok)
			}
			answer, ok := ZeroEval(tc.model, tc.completion)
			if ok != tc.ok || answer != tc.answer {
				t.Errorf("ZeroEval = %q, %v; want %q, %v", answer, ok, tc.answer, tc.ok)
			}
		})
	}
}

func TestZeroEvalCorrect(t *testing.T) {
	tests := []struct {
		answer, gold string
		want         bool
	}{
		{"3", "# 3", true},
		{"3.0", "3", true},
		{"3", "#3.00", true},
		{"0.75", "3/4", true},
		{"0.5", "\\frac{1}{2}", false}, // the gold's first number is 1
		{"1", "\\frac{1}{2}", true},
		{"1000", "# 1,000", true},
		{"12 apples", "12", true},
		{"-3", "3", false},
		{"3", "-3", false},
		{"None", "3", false},
		{"3", "x", false},
		{"", "", false},
		{"1e-05", "1", true},
		{"0.3333333333333333", "1/3", true},
	}
	for _, tc := range tests {
		if got := ZeroEvalCorrect(tc.answer, tc.gold); got != tc.want {
			t.Errorf("ZeroEvalCorrect(%q, %q) = %v, want %v", tc.answer, tc.gold, got, tc.want)
		}
	}
}

func TestPyFloatRepr(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{3, "3.0"}, {0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {0.1, "0.1"}, {1e-05, "1e-05"},
		{0.0001, "0.0001"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"}, {123456789012345678, "1.2345678901234568e+17"},
		{1.5e300, "1.5e+300"}, {5e-324, "5e-324"}, {2.0 / 3, "0.6666666666666666"}, {math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"}, {math.NaN(), "nan"}, {-2.5e-7, "-2.5e-07"},
	}
	for _, tc := range tests {
		if got := pyFloatRepr(tc.f); got != tc.want {
			t.Errorf("pyFloatRepr(%g) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

// TestPyEvalFloat checks str(float(eval(e))) on arithmetic answers;
// "raise" marks expressions Python's eval or float() rejects.
func TestPyEvalFloat(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"3/4", "0.75"}, {" 10 / 4 ", "2.5"}, {"(1+2)/3", "1.0"}, {"2**-1/1", "0.5"}, {"-2**2/1", "-4.0"},
		{"2**3**2/1", "512.0"}, {"7//2/1", "3.0"}, {"-7//2/1", "-4.0"}, {"-7%3/1", "2.0"}, {"7.5%-2/1", "-0.5"},
		{"1_000/8", "125.0"}, {"0x10/4", "4.0"}, {"True/4", "0.25"}, {"0/-7", "-0.0"}, {"1e400/1", "inf"},
		{"10**400/10**399", "10.0"}, {"1/3", "0.3333333333333333"}, {"~1/2", "-1.0"}, {".5/.25", "2.0"}, {"1./2", "0.5"},
		{"1/0", "raise"}, {"1.0/0", "raise"}, {"5%0/1", "raise"}, {"01/2", "raise"}, {"x/2", "raise"}, {"1/2 cup", "raise"},
		{"2pi/3", "raise"}, {"(-8)**(1/3)", "raise"}, {"10**400/1", "raise"}, {"10.0**400/1", "raise"}, {"0.0**-1/1", "raise"},
		{"1/", "raise"}, {"(1/2", "raise"}, {"1/2)", "raise"}, {"", "raise"}, {"1j/2", "raise"}, {"\\frac{1}/{2}", "raise"},
		{"2**4611686018427387904/1", "raise"}, {"(-1)**4611686018427387905/1", "-1.0"}, {"1.0000001**65536/1", "1.0065751214999554"},
		{"100**1.5/1", "1000.0"}, {"2**0.5/2", "0.7071067811865476"}, {"10**1.5/12", "2.6352313834736494"}, {"2.5e-3/100**2.5", "2.5e-08"},
		{"1_/2", "raise"}, {"1__0/2", "raise"}, {"~1.5/2", "raise"},
	}
	for _, tc := range tests {
		f, err := pyEvalFloat(tc.expr)
		got := "raise"
		if err == nil {
			got = pyFloatRepr(f)
		}
		if got != tc.want {
			t.Errorf("str(float(eval(%q))) = %s (%v), want %s", tc.expr, got, err, tc.want)
		}
	}
}

// TestPyJSONLoads checks the json.loads port on what Go's encoding/json
// would decide differently.
func TestPyJSONLoads(t *testing.T) {
	tests := []struct {
		in   string
		want string // str() of the value; "error" for a JSONDecodeError
	}{
		{`{"a": 1, "b": [true, null, 2.0], "a": 3}`, "{'a': 3, 'b': [True, None, 2.0]}"},
		{`{"a": Infinity, "b": -Infinity}`, "{'a': inf, 'b': -inf}"},
		{`{"s": "\ud83d\ude00 \u00e9"}`, "{'s': '😀 é'}"},
		{`{"s": "a\tb"}`, `{'s': 'a\tb'}`},
		{"{\"s\": \"a\tb\"}", "error"},
		{`{"a": 01}`, "error"},
		{`{"a": 1.}`, "error"},
		{`{"a": 1e}`, "error"},
		{`{"a": 1,}`, "error"},
		{`{"a": 1} x`, "error"},
		{`{'a': 1}`, "error"},
		{`{"a": "\x"}`, "error"},
		{`{"q": "it's \"x\""}`, `{'q': 'it\'s "x"'}`},
		{`{"q": "it's"}`, `{'q': "it's"}`},
		{`{"q": "\u0001\\"}`, `{'q': '\x01\\'}`},
	}
	for _, tc := range tests {
		v, err := pyJSONLoads(tc.in)
		got := "error"
		if err == nil {
			got = pyStr(v)
		}
		if got != tc.want {
			t.Errorf("json.loads(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// FuzzZeroEvalAnswer feeds arbitrary completions through the extraction:
// it never panics, the canonical answer is a fixed point of the
// canonicalisation, and the metric gives the same verdict on the canonical
// answer as on the raw sanitised one.
func FuzzZeroEvalAnswer(f *testing.F) {
	for _, s := range []string{
		`{"reasoning": "r", "answer": "3"}`, `{"answer": "$1,000"}`, `{"answer": "3/4"}`, `{"answer": 1e-05}`,
		`{"answer": [1, {"a": null}]}`, `{bad} "answer": 4`, `answer: 12`, `$\boxed{36}$`, `{"answer": "1e400/1"}`,
		`{"answer": "` + strings.Repeat("9", 400) + `"}`, `{"answer": "-0"}`, `{"answer": "2**-2/1"}`, "",
	} {
		f.Add(true, s, "# 3")
		f.Add(false, s, "3/4")
	}
	f.Fuzz(func(t *testing.T, llama bool, completion, gold string) {
		model := "gpt-4o-2024-08-06"
		if llama {
			model = "Meta-Llama-3.1-8B-Instruct"
		}
		raw, ok := zeroEvalExtract(model, completion)
		answer, ok2 := ZeroEval(model, completion)
		if ok != ok2 {
			t.Fatalf("extract ok %v, answer ok %v", ok, ok2)
		}
		if !ok {
			if answer != "" {
				t.Fatalf("no answer parsed but answer %q", answer)
			}
			return
		}
		if again := zeroEvalCanonical(zeroEvalSanitize(answer)); again != answer {
			t.Fatalf("canonical %q is not a fixed point: %q", answer, again)
		}
		if a, b := ZeroEvalCorrect(answer, gold), ZeroEvalCorrect(raw, gold); a != b {
			t.Fatalf("verdict on canonical %q is %v, on raw %q %v (gold %q)", answer, a, raw, b, gold)
		}
		if utf8.ValidString(completion) && !utf8.ValidString(answer) {
			t.Fatalf("invalid UTF-8 answer %q", answer)
		}
	})
}

// FuzzPyJSONLoads checks the json.loads port against encoding/json: on
// ASCII text without Python's extra literals both accept the same inputs.
func FuzzPyJSONLoads(f *testing.F) {
	for _, s := range []string{`{"a": 1}`, `{"a": [1, 2.5e3, "x\u00e9"]}`, `{"a": }`, `[1,]`, `"\ud800"`, `-0`, `1e999`, `{"a":{"b":{}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := pyJSONLoads(s)
		if err == nil {
			_ = pyStr(v)
		}
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return
			}
		}
		if strings.Contains(s, "NaN") || strings.Contains(s, "Infinity") || strings.Count(s, "[")+strings.Count(s, "{") > 800 {
			return
		}
		if (err == nil) != json.Valid([]byte(s)) {
			t.Fatalf("json.loads(%q): err %v; encoding/json.Valid: %v", s, err, json.Valid([]byte(s)))
		}
	})
}

// FuzzPyEvalFloat: arbitrary expressions evaluate or fail, never panic or
// run away (ints are bounded).
func FuzzPyEvalFloat(f *testing.F) {
	for _, s := range []string{"3/4", "2**-1/3", "10**400/10**399", "(((1)))/2", "0x_ff//7/1", "9**9**9/1", "-7.5%2/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if f, err := pyEvalFloat(s); err == nil && pyFloatRepr(f) == "" {
			t.Fatal("empty repr")
		}
	})
}

// BenchmarkZeroEval extracts one typical recorded completion.
func BenchmarkZeroEval(b *testing.B) {
	const c = "```json\n{\n    \"reasoning\": \"The problem states that a robe requires 2 bolts of blue fiber. It also requires half that amount in white fiber. Half of 2 bolts is 1 bolt. Therefore, the total number of bolts required is 2 + 1 = 3 bolts.\",\n    \"answer\": \"3\"\n}\n```"
	for b.Loop() {
		if a, ok := ZeroEval("gpt-4o-2024-08-06", c); !ok || a != "3" {
			b.Fatal(a, ok)
		}
	}
}
