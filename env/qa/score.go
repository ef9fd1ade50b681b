package qa

import (
	"math/big"
	"strings"
)

// maxAnswerWords is ToolOrchestra's cap: a prediction of more words is
// wrong without asking the judge.
const maxAnswerWords = 500

// Normalize is the exact-match form of an answer: trimmed, lower-cased,
// runs of white space collapsed to one space, one trailing full stop
// dropped. ToolOrchestra compares strip().lower(); the rest only spares
// the judge trivial cases.
func Normalize(s string) string {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	return strings.TrimSuffix(s, ".")
}

// NumericEqual reports whether a and b both read as numbers, and if so
// whether they are equal exactly ("1,000" = "1000.0", "$5" = "5",
// "50%" = "50", "1/2" = "0.5").
func NumericEqual(a, b string) (equal, numeric bool) {
	x, ok1 := parseNumber(a)
	y, ok2 := parseNumber(b)
	if !ok1 || !ok2 {
		return false, false
	}
	return x.Cmp(y) == 0, true
}

func parseNumber(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	s = strings.TrimPrefix(s, "$")
	s = strings.TrimSuffix(s, "%")
	s = strings.ReplaceAll(s, ",", "")
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return nil, false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789+-./eE", r) {
			return nil, false
		}
	}
	// A long exponent would make SetString build a huge number.
	if i := strings.IndexAny(s, "eE"); i >= 0 && len(strings.TrimLeft(s[i+1:], "+-")) > 3 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// Shortcut is the verdict reached without a judge.
type Shortcut int

// Verdicts of [Precheck].
const (
	NeedsJudge Shortcut = iota // no rule decides; ask the judge
	Right                      // exact or numeric match
	Wrong                      // empty, too long, or a different number
)

// Precheck applies the rules that decide without a judge (see the package
// doc) and names the rule that decided.
func Precheck(pred, ref string) (Shortcut, string) {
	p := strings.TrimSpace(pred)
	switch {
	case p == "":
		return Wrong, "empty answer"
	case len(strings.Split(p, " ")) > maxAnswerWords:
		return Wrong, "answer longer than 500 words"
	case Normalize(p) == Normalize(ref):
		return Right, "exact match"
	}
	if eq, num := NumericEqual(p, ref); num {
		if eq {
			return Right, "numeric match"
		}
		return Wrong, "different number"
	}
	return NeedsJudge, ""
}
