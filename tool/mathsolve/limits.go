package mathsolve

import "math"

// Limits bound the work of one evaluation so that no input can hang the
// engine or exhaust memory. The zero value of a field means its default.
type Limits struct {
	// MaxLength is the longest expression accepted, in bytes (default 10,000).
	MaxLength int `json:"max_length,omitempty"`
	// MaxDepth is the deepest nesting of parentheses and operators (default 200).
	MaxDepth int `json:"max_depth,omitempty"`
	// MaxDigits bounds the decimal digits of every exact intermediate value,
	// numerator and denominator alike (default 100,000).
	MaxDigits int `json:"max_digits,omitempty"`
	// MaxFactorial is the largest n of n! (default 10,000).
	MaxFactorial int64 `json:"max_factorial,omitempty"`
	// MaxFib is the largest |n| of fib(n) (default 100,000).
	MaxFib int64 `json:"max_fib,omitempty"`
	// MaxFactorDigits is the largest number, in decimal digits, that factor
	// attempts (default 60).
	MaxFactorDigits int `json:"max_factor_digits,omitempty"`
	// MaxFactorSteps bounds the Pollard-rho steps of one factorisation
	// (default 2^20, about a second: enough to split off any prime factor
	// below about 10^11).
	MaxFactorSteps int `json:"max_factor_steps,omitempty"`
}

// Default limits.
const (
	DefaultMaxLength       = 10_000
	DefaultMaxDepth        = 200
	DefaultMaxDigits       = 100_000
	DefaultMaxFactorial    = 10_000
	DefaultMaxFib          = 100_000
	DefaultMaxFactorDigits = 60
	DefaultMaxFactorSteps  = 1 << 20
)

// Fixed bounds that are not worth configuring.
const (
	// maxModExpWork bounds bitlen(exponent)·bitlen(modulus)² of a modular
	// exponentiation: about 2^38 word operations is well under a second.
	maxModExpWork = 1 << 38
	// maxPrimeBits bounds isprime's argument: a Baillie-PSW test of a
	// 4096-bit number takes tens of milliseconds.
	maxPrimeBits = 4096
	// maxRootDegree bounds n of root(x, n) and q of x^(p/q).
	maxRootDegree = 1_000_000
	// approxPrec is the mantissa precision of approximate values in bits
	// (about 77 decimal digits); 30 are shown.
	approxPrec = 256
	// shownDigits is how many significant digits approximate values show.
	shownDigits = 30
	// rationalDigits is how many significant digits the decimal form of an
	// exact non-terminating fraction shows.
	rationalDigits = 20
)

// withDefaults returns l with zero fields set to their defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxLength <= 0 {
		l.MaxLength = DefaultMaxLength
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxDigits <= 0 {
		l.MaxDigits = DefaultMaxDigits
	}
	if l.MaxFactorial <= 0 {
		l.MaxFactorial = DefaultMaxFactorial
	}
	if l.MaxFib <= 0 {
		l.MaxFib = DefaultMaxFib
	}
	if l.MaxFactorDigits <= 0 {
		l.MaxFactorDigits = DefaultMaxFactorDigits
	}
	if l.MaxFactorSteps <= 0 {
		l.MaxFactorSteps = DefaultMaxFactorSteps
	}
	return l
}

// maxBits is MaxDigits expressed in bits.
func (l Limits) maxBits() int {
	return int(math.Ceil(float64(l.MaxDigits) * math.Log2(10)))
}
