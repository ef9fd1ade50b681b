package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Amount is an exact amount of US dollars in nanodollars: 1 Amount is
// $0.000000001 (10⁻⁹ USD). An int64 holds ±$9.2 billion, far above any budget
// Baton meters, and nanodollars keep sub-micro-dollar precision: one token at
// $0.10 per million tokens is exactly 100 nanodollars.
//
// Amounts are never derived from float64 arithmetic. They are parsed from
// decimal text, added as integers, and multiplied by token counts with
// [Rate.Cost], which rounds up so that a computed charge is never below the
// true one.
type Amount int64

// Common amounts.
const (
	Nanodollar  Amount = 1
	Microdollar Amount = 1_000
	Cent        Amount = 10_000_000
	Dollar      Amount = 1_000_000_000
)

// ErrParse is wrapped by every parse failure of this package.
var ErrParse = errors.New("money: cannot parse amount")

// USD returns the amount as a float64 number of dollars, for display and for
// features of learned models only; never sum these.
func (a Amount) USD() float64 { return float64(a) / float64(Dollar) }

// String formats the amount as dollars with up to nine decimals and no
// trailing zeros, e.g. "$0.00125" or "$-3".
func (a Amount) String() string { return "$" + a.Decimal() }

// Decimal formats the amount as a plain decimal number of dollars, e.g.
// "0.00125", exactly.
func (a Amount) Decimal() string {
	neg := a < 0
	u := uint64(a)
	if neg {
		u = uint64(-(a + 1)) + 1 // safe for math.MinInt64
	}
	whole, frac := u/uint64(Dollar), u%uint64(Dollar)
	s := strconv.FormatUint(whole, 10)
	if frac != 0 {
		f := fmt.Sprintf("%09d", frac)
		s += "." + strings.TrimRight(f, "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Parse reads a decimal dollar amount such as "1.25", "$0.000002", "-3" or
// "2e-6" exactly. More than nine decimal places is an error rather than a
// silent rounding.
func Parse(s string) (Amount, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "$")
	t = strings.ReplaceAll(t, "_", "")
	if t == "" {
		return 0, fmt.Errorf("%w %q: empty", ErrParse, s)
	}
	if !isDecimal(t) {
		return 0, fmt.Errorf("%w %q: want a decimal number of dollars such as 0.05 (no hex, fractions, NaN or Inf)", ErrParse, s)
	}
	r, ok := new(big.Rat).SetString(t)
	if !ok {
		return 0, fmt.Errorf("%w %q: want a decimal number of dollars such as 0.05", ErrParse, s)
	}
	r.Mul(r, new(big.Rat).SetInt64(int64(Dollar)))
	if !r.IsInt() {
		return 0, fmt.Errorf("%w %q: more precise than one nanodollar ($0.000000001)", ErrParse, s)
	}
	n := r.Num()
	if !n.IsInt64() {
		return 0, fmt.Errorf("%w %q: out of range", ErrParse, s)
	}
	return Amount(n.Int64()), nil
}

// MustParse is [Parse] for constants in code and tests; it panics on error.
func MustParse(s string) Amount {
	a, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

// MarshalJSON writes the amount as a JSON number of dollars, exactly.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.Decimal()), nil }

// UnmarshalJSON reads a JSON number or string of dollars exactly.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("%w: %w", ErrParse, err)
		}
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText writes the amount as decimal dollars (used by YAML and flags).
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.Decimal()), nil }

// UnmarshalText reads decimal dollars, optionally with a leading "$".
func (a *Amount) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Add returns a+b, saturating at the int64 range instead of wrapping.
func (a Amount) Add(b Amount) Amount {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		if b > 0 {
			return Amount(math.MaxInt64)
		}
		return Amount(math.MinInt64)
	}
	return s
}

// mulDivCeil returns ceil(x*y/d) for non-negative x, y and positive d,
// saturating at MaxInt64.
func mulDivCeil(x, y, d int64) Amount {
	if x <= 0 || y <= 0 {
		return 0
	}
	p := new(big.Int).Mul(big.NewInt(x), big.NewInt(y))
	q, r := new(big.Int).QuoRem(p, big.NewInt(d), new(big.Int))
	if r.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return Amount(math.MaxInt64)
	}
	return Amount(q.Int64())
}

// isDecimal reports whether s is a plain decimal number: optional sign,
// digits with an optional fraction, an optional exponent. big.Rat also
// takes "0x10", "0x1p-3" and "1/3", which no one means as dollars.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 || exp > 4 {
			return false
		}
	}
	return i == len(s)
}
