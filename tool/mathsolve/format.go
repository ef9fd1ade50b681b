package mathsolve

import (
	"math"
	"math/big"
	"strings"
)

// Answer is the result of one evaluation, as the tool reports it.
type Answer struct {
	// Result is the exact result ("42", "1/3"), the approximation of an
	// inexact one ("1.41421356237309504880168872421"), "true"/"false" for a
	// comparison or isprime, or a factorisation ("2^3 * 3 * 5").
	Result string `json:"result"`
	// Exact is false when Result is an approximation or a probable-prime
	// verdict.
	Exact bool `json:"exact"`
	// Decimal is the value in decimal: the exact expansion when it
	// terminates, else 20 significant digits for fractions, and scientific
	// notation for integers of more than 30 digits.
	Decimal string `json:"decimal,omitempty"`
	// Kind is "integer", "rational", "approximate", "boolean" or
	// "factorization".
	Kind string `json:"kind"`
	// Factors lists the prime powers of a factorisation.
	Factors []Factor `json:"factors,omitempty"`
	// Note qualifies the result, e.g. how a primality verdict was reached.
	Note string `json:"note,omitempty"`

	terminates bool // Decimal is the exact value of a rational Result
}

// Factor is one prime power of a factorisation.
type Factor struct {
	Prime string `json:"prime"` // the prime, in decimal (it may not fit an int64)
	Exp   int    `json:"exp"`   // its exponent, at least 1
}

// String is the text a policy reads: "42", "1/3 (≈ 0.333…)", "3/10 (= 0.3)",
// "≈ 1.414… (approximate)".
func (a Answer) String() string {
	var s string
	switch a.Kind {
	case "rational":
		rel := "≈"
		if a.terminates {
			rel = "="
		}
		s = a.Result + " (" + rel + " " + a.Decimal + ")"
	case "approximate":
		s = "≈ " + a.Result + " (approximate)"
	default:
		s = a.Result
	}
	if a.Note != "" {
		s += " [" + a.Note + "]"
	}
	return s
}

// format turns a value into an Answer.
func format(v value) Answer {
	switch v.kind {
	case kindBool:
		s := "false"
		if v.b {
			s = "true"
		}
		return Answer{Result: s, Exact: v.note == "", Kind: "boolean", Note: v.note}
	case kindText:
		a := Answer{Result: v.text, Exact: true, Kind: "factorization", Note: v.note}
		for _, f := range v.factors {
			a.Factors = append(a.Factors, Factor{Prime: f.Prime.String(), Exp: f.Exp})
		}
		return a
	case kindApprox:
		d := floatText(v.f, shownDigits)
		return Answer{Result: d, Exact: false, Decimal: d, Kind: "approximate", Note: v.note}
	}
	if v.r.IsInt() {
		s := v.r.Num().String()
		d := s
		if digits := len(strings.TrimPrefix(s, "-")); digits > shownDigits {
			d = floatText(ratFloat(v.r), rationalDigits)
		}
		return Answer{Result: s, Exact: true, Decimal: d, Kind: "integer", Note: v.note}
	}
	d, term := ratDecimal(v.r)
	return Answer{Result: v.r.String(), Exact: true, Decimal: d, Kind: "rational", Note: v.note, terminates: term}
}

// ratDecimal is the decimal expansion of r and true when it terminates
// within 100 places (the denominator is 2^a·5^b), else 20 significant
// digits and false.
func ratDecimal(r *big.Rat) (string, bool) {
	den := r.Denom()
	if den.BitLen() <= 400 && r.Num().BitLen() <= 400 {
		twos := den.TrailingZeroBits()
		d := new(big.Int).Rsh(den, twos)
		fives := uint(0)
		five, q, m := big.NewInt(5), new(big.Int), new(big.Int)
		for d.BitLen() > 1 {
			if q.QuoRem(d, five, m); m.Sign() != 0 {
				break
			}
			d.Set(q)
			fives++
		}
		if places := max(twos, fives); d.BitLen() == 1 && places <= 100 {
			return r.FloatString(int(places)), true
		}
	}
	return floatText(ratFloat(r), rationalDigits), false
}

// floatText formats f with the given significant digits, without trailing
// zeros, switching to scientific notation for very large or small values.
func floatText(f *big.Float, digits int) string {
	if e := f.MantExp(nil); e > 3000 || e < -3000 {
		return sciText(f, digits)
	}
	s := f.Text('g', digits)
	mant, exp := s, ""
	if k := strings.IndexAny(s, "e"); k >= 0 {
		mant, exp = s[:k], s[k:]
	}
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	}
	return mant + exp
}

// sciText formats f in scientific notation by scaling it into [1, 10)
// first: big.Float's own decimal conversion of a number near 2^±300000
// expands every digit and takes seconds.
func sciText(f *big.Float, digits int) string {
	neg := f.Sign() < 0
	a := newFloat().Abs(f)
	a.SetPrec(approxPrec + 64)
	d := int64(math.Floor(float64(a.MantExp(nil)) * math.Log10(2)))
	for i := 0; i < 3; i++ { // the estimate is off by at most one or two
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(d)), nil)
		y := new(big.Float).SetPrec(approxPrec + 64).SetInt(p)
		if d >= 0 {
			y.Quo(a, y)
		} else {
			y.Mul(a, y)
		}
		switch {
		case y.Cmp(big.NewFloat(1)) < 0:
			d--
		case y.Cmp(big.NewFloat(10)) >= 0:
			d++
		default:
			m := y.Text('f', digits-1)
			if strings.HasPrefix(m, "10") { // rounded up to 10
				m, d = "1."+strings.Repeat("0", digits-1), d+1
			}
			m = strings.TrimRight(strings.TrimRight(m, "0"), ".")
			if neg {
				m = "-" + m
			}
			sign := "+"
			if d < 0 {
				sign = "-"
			}
			return m + "e" + sign + big.NewInt(abs64(d)).String()
		}
	}
	return f.Text('g', digits)
}

// short renders a value for error messages, eliding long numbers.
func short(v value) string {
	var s string
	switch v.kind {
	case kindExact:
		s = v.r.RatString()
	case kindApprox:
		s = "≈" + floatText(v.f, 12)
	case kindBool:
		if v.b {
			s = "true"
		} else {
			s = "false"
		}
	default:
		s = v.text
	}
	if len(s) > 40 {
		s = s[:18] + "…" + s[len(s)-18:] + " (" + itoa(len(s)) + " characters)"
	}
	return s
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }
