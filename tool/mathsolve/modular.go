package mathsolve

import (
	"fmt"
	"math/big"
)

// evalMod evaluates "x % m" (also written "x mod m"). When m is a positive
// integer it first tries to compute x's residue by modular arithmetic, so
// that "2^200 mod 1000000007" or "3^(10^50) + 1 mod p" never builds the huge
// power; when x is not an integer expression (a fraction somewhere, a
// negative exponent) it falls back to the exact value of x, whose floored
// remainder is the same number by definition.
func (ev *evaluator) evalMod(n *binaryNode) (value, error) {
	if v, ok := ev.modCache[n]; ok {
		return v, nil
	}
	m, err := ev.eval(n.y)
	if err != nil {
		return value{}, err
	}
	var v value
	if m.isInt() && m.r.Sign() > 0 {
		r, ok, err := ev.residue(n.x, m.r.Num())
		if err != nil {
			return value{}, err
		}
		if ok {
			v = exactInt(r)
		}
	}
	if v.r == nil {
		x, err := ev.eval(n.x)
		if err != nil {
			return value{}, err
		}
		if v, err = ev.mod(n.col, x, m); err != nil {
			return value{}, err
		}
	}
	ev.modCache[n] = v
	return v, nil
}

// residue returns n mod m for a positive m, computing +, -, * and ^ of
// integers modulo m. ok is false when n is not an integer expression; the
// caller then evaluates n exactly.
func (ev *evaluator) residue(n node, m *big.Int) (*big.Int, bool, error) {
	if err := ev.ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("mathsolve: %w", err)
	}
	switch n := n.(type) {
	case *parenNode:
		return ev.residue(n.x, m)
	case *unaryNode:
		r, ok, err := ev.residue(n.x, m)
		if !ok || err != nil || n.op == "+" {
			return r, ok, err
		}
		return r.Mod(r.Neg(r), m), true, nil
	case *binaryNode:
		switch n.op {
		case "+", "-", "*":
			a, ok, err := ev.residue(n.x, m)
			if !ok || err != nil {
				return nil, ok, err
			}
			b, ok, err := ev.residue(n.y, m)
			if !ok || err != nil {
				return nil, ok, err
			}
			switch n.op {
			case "+":
				a.Add(a, b)
			case "-":
				a.Sub(a, b)
			case "*":
				a.Mul(a, b)
			}
			return a.Mod(a, m), true, nil
		case "^":
			return ev.powResidue(n, m)
		}
	}
	v, err := ev.eval(n)
	if err != nil {
		return nil, false, err
	}
	if !v.isInt() {
		return nil, false, nil
	}
	return new(big.Int).Mod(v.r.Num(), m), true, nil
}

// powResidue computes x^y mod m for a non-negative integer exponent y.
func (ev *evaluator) powResidue(n *binaryNode, m *big.Int) (*big.Int, bool, error) {
	y, err := ev.eval(n.y)
	if err != nil {
		return nil, false, err
	}
	if !y.isInt() || y.r.Sign() < 0 {
		return nil, false, nil
	}
	b, ok, err := ev.residue(n.x, m)
	if !ok || err != nil {
		return nil, ok, err
	}
	return ev.modExp(n.col, b, y.r.Num(), m)
}

// modExp returns b^e mod m for e ≥ 0 and m > 0, refusing exponentiations
// whose cost would exceed maxModExpWork.
func (ev *evaluator) modExp(col int, b, e, m *big.Int) (*big.Int, bool, error) {
	mb := int64(m.BitLen())
	if work := int64(e.BitLen()) * mb * mb; work > maxModExpWork {
		return nil, false, limitErr(col, "modular exponentiation with a %d-bit exponent and a %d-bit modulus is too much work", e.BitLen(), m.BitLen())
	}
	if m.Cmp(big.NewInt(1)) == 0 {
		return new(big.Int), true, nil
	}
	return new(big.Int).Exp(b, e, m), true, nil
}
