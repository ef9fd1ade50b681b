package mathsolve

import (
	"fmt"
	"math"
	"math/big"
)

// pow computes x^y: exactly for an exact base and integer exponent; by an
// exact root when the exponent is a fraction p/q and the base is a perfect
// q-th power; approximately otherwise. 0^0 is 1.
func (ev *evaluator) pow(col int, x, y value) (value, error) {
	if y.kind != kindExact {
		return value{}, mathErr(col, "the exponent must be exact (an integer or a fraction), not an approximation")
	}
	if y.r.IsInt() {
		if x.kind == kindExact {
			return ev.powRatInt(col, x.r, y.r.Num())
		}
		return ev.powFloatInt(col, x.f, y.r.Num())
	}
	p, q := y.r.Num(), y.r.Denom()
	if !q.IsInt64() || q.Int64() > maxRootDegree {
		return value{}, limitErr(col, "fractional exponent has a denominator above %d", maxRootDegree)
	}
	base, err := ev.root(col, x, q.Int64())
	if err != nil {
		return value{}, err
	}
	if base.kind == kindExact {
		return ev.powRatInt(col, base.r, p)
	}
	return ev.powFloatInt(col, base.f, p)
}

// log2Abs returns log₂|x| for x ≠ 0, also for numbers beyond float64 range.
func log2Abs(x *big.Int) float64 {
	n := x.BitLen()
	if n <= 1000 {
		f, _ := new(big.Float).SetInt(x).Float64()
		return math.Log2(math.Abs(f))
	}
	shift := uint(n - 64)
	top := new(big.Int).Rsh(new(big.Int).Abs(x), shift)
	f, _ := new(big.Float).SetInt(top).Float64()
	return math.Log2(f) + float64(shift)
}

// powRatInt computes b^e exactly, refusing results above the size limit
// before computing them.
func (ev *evaluator) powRatInt(col int, b *big.Rat, e *big.Int) (value, error) {
	switch {
	case e.Sign() == 0:
		return exact(big.NewRat(1, 1)), nil
	case b.Sign() == 0:
		if e.Sign() < 0 {
			return value{}, mathErr(col, "division by zero (0 to a negative power)")
		}
		return exact(new(big.Rat)), nil
	case b.IsInt() && b.Num().CmpAbs(big.NewInt(1)) == 0:
		if b.Sign() < 0 && e.Bit(0) == 1 {
			return exact(big.NewRat(-1, 1)), nil
		}
		return exact(big.NewRat(1, 1)), nil
	}
	num, den := b.Num(), b.Denom()
	bits := math.Max(log2Abs(num), log2Abs(den))
	ef, _ := new(big.Float).SetInt(e).Float64()
	if est := math.Abs(ef) * bits; est > float64(ev.maxBits) {
		return value{}, limitErr(col, "result would have about %.4g digits; the limit is %d", est/math.Log2(10), ev.lim.MaxDigits)
	}
	ae := new(big.Int).Abs(e)
	pn := new(big.Int).Exp(num, ae, nil)
	pd := new(big.Int).Exp(den, ae, nil)
	if e.Sign() < 0 {
		pn, pd = pd, pn
	}
	if pd.Sign() < 0 {
		pn.Neg(pn)
		pd.Neg(pd)
	}
	return ev.check(col, exact(new(big.Rat).SetFrac(pn, pd)))
}

// powFloatInt computes f^e by repeated squaring, stopping at the first
// overflow so that an infinite value never enters an operation.
func (ev *evaluator) powFloatInt(col int, f *big.Float, e *big.Int) (value, error) {
	if f.Sign() == 0 {
		if e.Sign() < 0 {
			return value{}, mathErr(col, "division by zero (0 to a negative power)")
		}
		if e.Sign() == 0 {
			return approx(newFloat().SetInt64(1)), nil
		}
		return approx(newFloat()), nil
	}
	z := newFloat().SetInt64(1)
	sq := newFloat().Set(f)
	ae := new(big.Int).Abs(e)
	for i := 0; i < ae.BitLen(); i++ {
		if i%1024 == 0 {
			if err := ev.ctx.Err(); err != nil {
				return value{}, fmt.Errorf("mathsolve: %w", err)
			}
		}
		// Every partial product lies between 1 and the final power (or
		// between it and 1), so the first one out of range settles it.
		if ae.Bit(i) == 1 {
			z.Mul(z, sq)
			if err := ev.checkFloat(col, z); err != nil {
				return value{}, err
			}
		}
		if i+1 < ae.BitLen() {
			sq.Mul(sq, sq)
			if err := ev.checkFloat(col, sq); err != nil {
				return value{}, err
			}
		}
	}
	if e.Sign() < 0 {
		if z.Sign() == 0 {
			return value{}, limitErr(col, "approximate result overflows")
		}
		z.Quo(newFloat().SetInt64(1), z)
	}
	return ev.check(col, approx(z))
}

// root returns the real k-th root of x: exact when x is an exact perfect
// k-th power, approximate otherwise.
func (ev *evaluator) root(col int, x value, k int64) (value, error) {
	if k <= 0 {
		return value{}, mathErr(col, "root degree must be a positive integer, got %d", k)
	}
	if k > maxRootDegree {
		return value{}, limitErr(col, "root degree %d exceeds %d", k, maxRootDegree)
	}
	if k == 1 {
		return x, nil
	}
	neg := x.sign() < 0
	if neg && k%2 == 0 {
		return value{}, mathErr(col, "no real %s root of the negative number %s", ordinal(k), short(x))
	}
	if x.kind == kindExact {
		num := new(big.Int).Abs(x.r.Num())
		rn, okn := intRoot(num, k)
		rd, okd := intRoot(x.r.Denom(), k)
		if okn && okd {
			if neg {
				rn.Neg(rn)
			}
			return exact(new(big.Rat).SetFrac(rn, rd)), nil
		}
	}
	f := newFloat().Abs(x.float())
	r := floatRoot(f, k)
	if neg {
		r.Neg(r)
	}
	return ev.check(col, approx(r))
}

// intRoot returns ⌊n^(1/k)⌋ for n ≥ 0, k ≥ 2, and whether it is exact.
func intRoot(n *big.Int, k int64) (*big.Int, bool) {
	if n.Sign() == 0 || n.Cmp(big.NewInt(1)) == 0 {
		return new(big.Int).Set(n), true
	}
	if k == 2 {
		r := new(big.Int).Sqrt(n)
		return r, new(big.Int).Mul(r, r).Cmp(n) == 0
	}
	if k >= int64(n.BitLen()) { // 1 ≤ root < 2
		return big.NewInt(1), false
	}
	kb := big.NewInt(k)
	lg := log2Abs(n) / float64(k)
	var x *big.Int
	if lg < 50 {
		// The float estimate is within one of the root: nudge it.
		x = big.NewInt(int64(math.Floor(math.Exp2(lg))))
		one := big.NewInt(1)
		for new(big.Int).Exp(new(big.Int).Add(x, one), kb, nil).Cmp(n) <= 0 {
			x.Add(x, one)
		}
		for x.Sign() > 0 && new(big.Int).Exp(x, kb, nil).Cmp(n) > 0 {
			x.Sub(x, one)
		}
	} else {
		// Newton from just above the root converges quadratically; from a
		// crude start it would creep down by a factor (k-1)/k per step.
		whole, frac := math.Modf(lg)
		start := new(big.Float).SetFloat64(math.Exp2(frac) * (1 + 0x1p-30))
		start.SetMantExp(start, int(whole))
		x, _ = start.Int(nil)
		x.Add(x, big.NewInt(1))
		km1 := big.NewInt(k - 1)
		for {
			t := new(big.Int).Exp(x, km1, nil)
			t.Quo(n, t)
			t.Add(t, new(big.Int).Mul(km1, x))
			t.Quo(t, kb)
			if t.Cmp(x) >= 0 {
				break
			}
			x = t
		}
	}
	return x, new(big.Int).Exp(x, kb, nil).Cmp(n) == 0
}

// floatRoot returns f^(1/k) for f > 0 by Newton's method from a float64
// estimate; each step doubles the correct bits, so a few suffice.
func floatRoot(f *big.Float, k int64) *big.Float {
	if f.Sign() == 0 {
		return newFloat()
	}
	if k == 2 {
		return newFloat().Sqrt(f)
	}
	mant := newFloat()
	exp := f.MantExp(mant) // f = mant · 2^exp, 0.5 ≤ mant < 1
	m, _ := mant.Float64()
	e := int64(exp)
	eq := floorDiv(e, k)
	rem := e - eq*k
	guess := math.Pow(m, 1/float64(k)) * math.Exp2(float64(rem)/float64(k))
	x := newFloat().SetMantExp(newFloat().SetFloat64(guess), int(eq))
	kf := newFloat().SetInt64(k)
	km1 := newFloat().SetInt64(k - 1)
	ke := big.NewInt(k - 1)
	for i := 0; i < 64; i++ {
		p := powFloatPlain(x, ke)
		t := newFloat().Quo(f, p)
		t.Add(t, newFloat().Mul(km1, x))
		t.Quo(t, kf)
		d := newFloat().Sub(t, x)
		x = t
		if d.Sign() == 0 || d.MantExp(nil)-x.MantExp(nil) < -approxPrec+4 {
			break
		}
	}
	return x
}

// powFloatPlain is f^e for e ≥ 0 without limits, for values known to be in
// range (Newton steps near a root).
func powFloatPlain(f *big.Float, e *big.Int) *big.Float {
	z := newFloat().SetInt64(1)
	sq := newFloat().Set(f)
	for i := 0; i < e.BitLen(); i++ {
		if e.Bit(i) == 1 {
			z.Mul(z, sq)
		}
		sq.Mul(sq, sq)
	}
	return z
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func ordinal(k int64) string {
	switch k {
	case 2:
		return "square"
	case 3:
		return "cube"
	}
	return fmt.Sprintf("%dth", k)
}
