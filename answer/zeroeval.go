package answer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file ports ZeroEval's math metric (yuchenlin/ZeroEval @570c626,
// src/evaluation/math_eval.py and eval_utils.py) rule for rule, so that the
// per-model accuracies match ZeroEval's published tables. Python semantics
// that matter are reproduced: Python's `\s`, `\w` and `\d` are Unicode
// classes, `.` does not match a newline, an answer value is rendered as
// Python's str() renders it, and a fraction is evaluated as Python's eval()
// would (see pyEval).

// pySpace is the class of Python 3's `\s` for str patterns (the characters
// for which str.isspace() is true).
const pySpace = `\t\n\v\f\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

var (
	// extract_values_from_json's patterns for key "answer".
	reAnswerQuoted    = regexp.MustCompile(`"answer"[` + pySpace + `]*:[` + pySpace + `]*"([^"]*?)"`)
	reAnswerQuotedAll = regexp.MustCompile(`(?s)"answer"[` + pySpace + `]*:[` + pySpace + `]*"(.*?)"`)
	reAnswerBare      = regexp.MustCompile(`"answer"[` + pySpace + `]*:[` + pySpace + `]*([^,` + pySpace + `]*)`)
	reAnswerBareKey   = regexp.MustCompile(`answer[` + pySpace + `]*:[` + pySpace + `]*([^,` + pySpace + `]*)`)
	// model_specific_extraction's `\\boxed{([\w\d]+)}`.
	reBoxed = regexp.MustCompile(`\\boxed\{([\p{L}\p{N}_]+)\}`)
	// The metric's number: `-?\d+(\.\d+)?` with Python's Unicode `\d`.
	reFirstNumber = regexp.MustCompile(`-?\p{Nd}+(?:\.\p{Nd}+)?`)
)

// ZeroEval extracts model's final answer from one recorded completion
// by ZeroEval's rules and returns it in canonical form, with ok false when
// no answer parses (upstream then scores the item wrong):
//
//  1. the first complete top-level {...} in the completion (braces matched
//     over the raw text, strings included), parsed as JSON with newlines
//     removed; a parse failure gives no object (no retry);
//  2. when that gives no "answer" key: the regex fallbacks
//     "answer": "..." then unquoted "answer": value and answer: value;
//  3. when still none, the model name contains "Llama-3.1" and "boxed"
//     occurs in the completion's last 30 characters: the first
//     \boxed{...} of word characters.
//
// The value is rendered as Python's str() renders it (3.0 stays "3.0",
// true becomes "True", lists and objects in Python's repr) and sanitised:
// "$" removed, surrounding white space stripped, "," removed, and an
// expression holding "/" evaluated to a float as Python's eval would
// (left unchanged when eval would raise). The canonical form is then the
// sanitised answer's first number (regex -?\d+(\.\d+)?) formatted with
// strconv.FormatFloat(f, 'f', -1, 64), or the sanitised text itself when it
// holds no number; two answers the metric cannot tell apart have the same
// canonical form.
func ZeroEval(model, completion string) (answer string, ok bool) {
	raw, ok := zeroEvalExtract(model, completion)
	if !ok {
		return "", false
	}
	return zeroEvalCanonical(zeroEvalSanitize(raw)), true
}

// ZeroEvalCorrect is ZeroEval's correctness rule: the gold answer loses
// every "#" and surrounding white space, both are sanitised as in
// [ZeroEval], and the answer is correct when both hold a number and
// their first numbers are equal as float64. answer may be raw or canonical:
// the canonical form keeps the first number.
func ZeroEvalCorrect(answer, gold string) bool {
	a, ok := firstNumber(zeroEvalSanitize(answer))
	if !ok {
		return false
	}
	g, ok := firstNumber(zeroEvalSanitize(pyStrip(strings.ReplaceAll(gold, "#", ""))))
	if !ok {
		return false
	}
	return a == g
}

// ZeroEvalCanonical is the canonical form [ZeroEval] gives an extracted
// answer: sanitised, then its first number (or the sanitised text when it
// holds none). Comparing canonical forms is comparing answers as the
// metric sees them.
func ZeroEvalCanonical(a string) string { return zeroEvalCanonical(zeroEvalSanitize(a)) }

// zeroEvalExtract returns the answer value as Python's str() renders it,
// before sanitising.
func zeroEvalExtract(model, s string) (string, bool) {
	if obj, ok := firstCompleteJSON(s); ok {
		if v, ok := obj.get("answer"); ok {
			return pyStr(v), true
		}
	}
	if v, ok := extractAnswerRegex(s); ok {
		return v, true
	}
	if strings.Contains(model, "Llama-3.1") && strings.Contains(lastRunes(s, 30), "boxed") {
		if m := reBoxed.FindStringSubmatch(s); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// firstCompleteJSON is extract_first_complete_json: the first balanced
// top-level {...} (every brace counts, also inside strings), parsed as JSON
// after removing "\n". A parse failure ends the search.
func firstCompleteJSON(s string) (pyObject, bool) {
	depth, start := 0, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
			if start < 0 {
				start = i
			}
		case '}':
			if depth == 0 {
				continue
			}
			depth--
			if depth == 0 {
				v, err := pyJSONLoads(strings.ReplaceAll(s[start:i+1], "\n", ""))
				if err != nil {
					return nil, false
				}
				obj, ok := v.(pyObject)
				return obj, ok
			}
		}
	}
	return nil, false
}

// extractAnswerRegex is extract_values_from_json(s, allow_no_quotes=True)
// for the key "answer".
func extractAnswerRegex(s string) (string, bool) {
	for _, re := range []*regexp.Regexp{reAnswerQuoted, reAnswerQuotedAll, reAnswerBare, reAnswerBareKey} {
		if m := re.FindStringSubmatch(s); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// zeroEvalSanitize is sanitize_math_answers: drop "$", strip, drop ",",
// and when the text holds "/", str(float(eval(text))) unless eval raises.
func zeroEvalSanitize(a string) string {
	a = pyStrip(strings.ReplaceAll(a, "$", ""))
	a = strings.ReplaceAll(a, ",", "")
	if strings.Contains(a, "/") {
		if f, err := pyEvalFloat(a); err == nil {
			a = pyFloatRepr(f)
		}
	}
	return a
}

// zeroEvalCanonical maps a sanitised answer to its canonical form.
func zeroEvalCanonical(a string) string {
	loc := reFirstNumber.FindStringIndex(a)
	if loc == nil {
		return a
	}
	f, _ := firstNumber(a)
	if f != f || f > maxFloat || f < -maxFloat {
		// Too many digits for a float64: keep the text, which parses to
		// the same infinity.
		return a[loc[0]:loc[1]]
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

const maxFloat = 1.7976931348623157e308

// firstNumber is float(re.search(r"-?\d+(\.\d+)?", a).group()).
func firstNumber(a string) (float64, bool) {
	m := reFirstNumber.FindString(a)
	if m == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(asciiDigits(m), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return f, true
}

// asciiDigits maps Unicode decimal digits to ASCII, as Python's float()
// accepts them.
func asciiDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r >= 0x80 && unicode.IsDigit(r) {
			r = '0' + digitValue(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// digitValue is the value of a Unicode decimal digit: decimal digits come in
// runs of ten starting at a zero.
func digitValue(r rune) rune {
	start := r
	for start > 0 && unicode.IsDigit(start-1) {
		start--
	}
	return (r - start) % 10
}

// pyStrip is Python's str.strip() with no argument.
func pyStrip(s string) string { return strings.TrimFunc(s, pyIsSpace) }

// pyIsSpace is Python's str.isspace() for one character.
func pyIsSpace(r rune) bool {
	switch {
	case r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f):
		return true
	case r < 0x80:
		return false
	case r == 0x85 || r == 0xa0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200a) ||
		r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000:
		return true
	}
	return false
}

// lastRunes is Python's s[-n:]: the last n characters (code points).
func lastRunes(s string, n int) string {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}
