package mathsolve

import (
	"math/big"
)

// valKind says what a value is.
type valKind uint8

const (
	kindExact  valKind = iota // r holds an exact rational
	kindApprox                // f holds an approximation
	kindBool                  // b holds a comparison result
	kindText                  // text holds a non-numeric result (a factorisation)
)

// value is the result of evaluating a node.
type value struct {
	kind valKind
	r    *big.Rat
	f    *big.Float
	b    bool
	// text and factors describe a factorisation (kindText).
	text    string
	factors []primePower
	// note qualifies the result, e.g. "probable prime (Baillie-PSW)".
	note string
}

// primePower is one factor p^k of a factorisation.
type primePower struct {
	Prime *big.Int `json:"prime"`
	Exp   int      `json:"exp"`
}

func exact(r *big.Rat) value         { return value{kind: kindExact, r: r} }
func exactInt(i *big.Int) value      { return value{kind: kindExact, r: new(big.Rat).SetInt(i)} }
func approx(f *big.Float) value      { return value{kind: kindApprox, f: f} }
func boolean(b bool) value           { return value{kind: kindBool, b: b} }
func newFloat() *big.Float           { return new(big.Float).SetPrec(approxPrec) }
func ratFloat(r *big.Rat) *big.Float { return newFloat().SetRat(r) }

// isInt reports whether v is an exact integer.
func (v value) isInt() bool { return v.kind == kindExact && v.r.IsInt() }

// float returns v as an approximation; v must be numeric.
func (v value) float() *big.Float {
	if v.kind == kindApprox {
		return v.f
	}
	return ratFloat(v.r)
}

// sign returns -1, 0 or +1; v must be numeric.
func (v value) sign() int {
	if v.kind == kindApprox {
		return v.f.Sign()
	}
	return v.r.Sign()
}

// cmp compares two numeric values, exactly when both are exact.
func cmpValues(a, b value) int {
	if a.kind == kindExact && b.kind == kindExact {
		return a.r.Cmp(b.r)
	}
	return a.float().Cmp(b.float())
}
