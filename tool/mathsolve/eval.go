package mathsolve

import (
	"context"
	"fmt"
	"math/big"
)

// Evaluator evaluates expressions within its [Limits]. The zero value uses
// the default limits. An Evaluator is safe for concurrent use.
type Evaluator struct {
	Limits Limits // bounds on work; zero fields take the defaults
}

// Eval evaluates expr with the default limits.
func Eval(ctx context.Context, expr string) (Answer, error) {
	return (&Evaluator{}).Eval(ctx, expr)
}

// Eval parses and evaluates expr. Errors wrap [ErrSyntax], [ErrMath],
// [ErrLimit], or the context's error when ctx ends first.
func (e *Evaluator) Eval(ctx context.Context, expr string) (ans Answer, err error) {
	v, err := e.evaluate(ctx, expr)
	if err != nil {
		return Answer{}, err
	}
	return format(v), nil
}

// evaluate is Eval without formatting, for tests and fuzzing.
func (e *Evaluator) evaluate(ctx context.Context, expr string) (value, error) {
	lim := e.Limits.withDefaults()
	n, err := parse(expr, lim)
	if err != nil {
		return value{}, err
	}
	ev := &evaluator{ctx: ctx, lim: lim, maxBits: lim.maxBits(), modCache: map[*binaryNode]value{}}
	return ev.eval(n)
}

// evaluator holds the state of one evaluation.
type evaluator struct {
	ctx     context.Context
	lim     Limits
	maxBits int
	// modCache remembers the value of each evaluated "%" node, so that
	// falling back from modular to exact evaluation never evaluates a
	// nested mod twice (which would be exponential in the nesting depth).
	modCache map[*binaryNode]value
}

func (ev *evaluator) eval(n node) (value, error) {
	if err := ev.ctx.Err(); err != nil {
		return value{}, fmt.Errorf("mathsolve: %w", err)
	}
	switch n := n.(type) {
	case *numNode:
		return exact(n.val), nil
	case *parenNode:
		return ev.eval(n.x)
	case *nameNode:
		return constant(n)
	case *unaryNode:
		x, err := ev.numeric(n.x, n.col, "unary "+n.op)
		if err != nil || n.op == "+" {
			return x, err
		}
		if x.kind == kindApprox {
			return approx(newFloat().Neg(x.f)), nil
		}
		return exact(new(big.Rat).Neg(x.r)), nil
	case *factNode:
		x, err := ev.numeric(n.x, n.col, "!")
		if err != nil {
			return value{}, err
		}
		return ev.factorial(n.col, x)
	case *binaryNode:
		if n.op == "%" {
			return ev.evalMod(n)
		}
		x, err := ev.eval(n.x)
		if err != nil {
			return value{}, err
		}
		y, err := ev.eval(n.y)
		if err != nil {
			return value{}, err
		}
		return ev.binary(n.col, n.op, x, y)
	case *callNode:
		return ev.call(n)
	}
	return value{}, fmt.Errorf("mathsolve: internal error: unknown node %T", n)
}

// numeric evaluates n and insists on a number, naming the operator that
// needs one.
func (ev *evaluator) numeric(n node, col int, op string) (value, error) {
	v, err := ev.eval(n)
	if err != nil {
		return value{}, err
	}
	return v, needNumber(v, col, op)
}

func needNumber(v value, col int, op string) error {
	switch v.kind {
	case kindBool:
		return mathErr(col, "%s needs a number, got the truth value %t", op, v.b)
	case kindText:
		return mathErr(col, "%s needs a number, got the factorisation %s (factor must stand alone)", op, v.text)
	}
	return nil
}

// check enforces the size limit on a computed value.
func (ev *evaluator) check(col int, v value) (value, error) {
	switch v.kind {
	case kindExact:
		if v.r.Num().BitLen() > ev.maxBits || v.r.Denom().BitLen() > ev.maxBits {
			return value{}, limitErr(col, "result has more than %d digits", ev.lim.MaxDigits)
		}
	case kindApprox:
		if err := ev.checkFloat(col, v.f); err != nil {
			return value{}, err
		}
	}
	return v, nil
}

// checkFloat keeps approximations within ±10^MaxDigits in magnitude (and
// above 10^-MaxDigits unless zero), the same range as exact values, so that
// formatting and flooring them stays cheap.
func (ev *evaluator) checkFloat(col int, f *big.Float) error {
	if f.IsInf() {
		return limitErr(col, "approximate result overflows")
	}
	if f.Sign() == 0 {
		return nil
	}
	if e := f.MantExp(nil); e > ev.maxBits || e < -ev.maxBits {
		return limitErr(col, "approximate result is beyond 10^±%d in magnitude", ev.lim.MaxDigits)
	}
	return nil
}

// binary applies an arithmetic or comparison operator other than "%".
func (ev *evaluator) binary(col int, op string, x, y value) (value, error) {
	if err := needNumber(x, col, fmt.Sprintf("%q", op)); err != nil {
		return value{}, err
	}
	if err := needNumber(y, col, fmt.Sprintf("%q", op)); err != nil {
		return value{}, err
	}
	switch op {
	case "==":
		return boolean(cmpValues(x, y) == 0), nil
	case "!=":
		return boolean(cmpValues(x, y) != 0), nil
	case "<":
		return boolean(cmpValues(x, y) < 0), nil
	case "<=":
		return boolean(cmpValues(x, y) <= 0), nil
	case ">":
		return boolean(cmpValues(x, y) > 0), nil
	case ">=":
		return boolean(cmpValues(x, y) >= 0), nil
	case "^":
		return ev.pow(col, x, y)
	case "/":
		if y.sign() == 0 {
			return value{}, mathErr(col, "division by zero")
		}
	}
	if x.kind == kindExact && y.kind == kindExact {
		z := new(big.Rat)
		switch op {
		case "+":
			z.Add(x.r, y.r)
		case "-":
			z.Sub(x.r, y.r)
		case "*":
			z.Mul(x.r, y.r)
		case "/":
			z.Quo(x.r, y.r)
		}
		return ev.check(col, exact(z))
	}
	a, b, z := x.float(), y.float(), newFloat()
	switch op {
	case "+":
		z.Add(a, b)
	case "-":
		z.Sub(a, b)
	case "*":
		z.Mul(a, b)
	case "/":
		z.Quo(a, b)
	}
	return ev.check(col, approx(z))
}

// floorRat returns ⌊r⌋.
func floorRat(r *big.Rat) *big.Int {
	// Denominators are positive, so Euclidean division is floor division.
	return new(big.Int).Div(r.Num(), r.Denom())
}

// floorFloat returns ⌊f⌋ as a Float; f is finite.
func floorFloat(f *big.Float) *big.Float {
	if f.IsInt() {
		return newFloat().Set(f)
	}
	i, acc := f.Int(nil) // truncates toward zero
	if f.Sign() < 0 && acc != big.Exact {
		i.Sub(i, big.NewInt(1))
	}
	return newFloat().SetInt(i)
}

// mod returns the floored remainder x - m·⌊x/m⌋, which has the sign of m.
func (ev *evaluator) mod(col int, x, m value) (value, error) {
	if err := needNumber(x, col, "mod"); err != nil {
		return value{}, err
	}
	if err := needNumber(m, col, "mod"); err != nil {
		return value{}, err
	}
	if m.sign() == 0 {
		return value{}, mathErr(col, "modulo by zero")
	}
	if x.kind == kindExact && m.kind == kindExact {
		q := new(big.Rat).Quo(x.r, m.r)
		q.SetInt(floorRat(q))
		return ev.check(col, exact(q.Sub(x.r, q.Mul(q, m.r))))
	}
	a, b := x.float(), m.float()
	q := floorFloat(newFloat().Quo(a, b))
	return ev.check(col, approx(newFloat().Sub(a, q.Mul(q, b))))
}

// factorial computes n! for 0 ≤ n ≤ MaxFactorial.
func (ev *evaluator) factorial(col int, x value) (value, error) {
	if !x.isInt() || x.r.Sign() < 0 {
		return value{}, mathErr(col, "factorial needs a non-negative integer, got %s", short(x))
	}
	n := x.r.Num()
	if !n.IsInt64() || n.Int64() > ev.lim.MaxFactorial {
		return value{}, limitErr(col, "factorial of %s exceeds the limit n ≤ %d", short(x), ev.lim.MaxFactorial)
	}
	return ev.check(col, exactInt(new(big.Int).MulRange(1, n.Int64())))
}
