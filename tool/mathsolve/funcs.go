package mathsolve

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// function is one built-in function.
type function struct {
	sig      string // how it is called, for documentation and errors
	doc      string
	min, max int // argument counts; max < 0 means any number
	call     func(ev *evaluator, col int, args []value) (value, error)
}

var (
	functions map[string]*function
	aliases   = map[string]string{"choose": "binomial", "comb": "binomial", "ncr": "binomial", "fact": "factorial", "inv": "modinv"}
)

func init() {
	functions = map[string]*function{
		"abs":       {sig: "abs(x)", doc: "absolute value", min: 1, max: 1, call: fnAbs},
		"binomial":  {sig: "binomial(n, k)", doc: "binomial coefficient n choose k (aliases choose, comb)", min: 2, max: 2, call: fnBinomial},
		"ceil":      {sig: "ceil(x)", doc: "smallest integer ≥ x", min: 1, max: 1, call: fnCeil},
		"factor":    {sig: "factor(n)", doc: "prime factorisation of an integer", min: 1, max: 1, call: fnFactor},
		"factorial": {sig: "factorial(n)", doc: "n!, also written n!", min: 1, max: 1, call: fnFactorial},
		"fib":       {sig: "fib(n)", doc: "n-th Fibonacci number, fib(0)=0, fib(1)=1", min: 1, max: 1, call: fnFib},
		"floor":     {sig: "floor(x)", doc: "largest integer ≤ x", min: 1, max: 1, call: fnFloor},
		"gcd":       {sig: "gcd(a, b, ...)", doc: "greatest common divisor of integers", min: 1, max: -1, call: fnGCD},
		"isprime":   {sig: "isprime(n)", doc: "primality test: exact below 2^64, Baillie-PSW above", min: 1, max: 1, call: fnIsPrime},
		"isqrt":     {sig: "isqrt(n)", doc: "integer square root ⌊√n⌋", min: 1, max: 1, call: fnIsqrt},
		"lcm":       {sig: "lcm(a, b, ...)", doc: "least common multiple of integers", min: 1, max: -1, call: fnLCM},
		"max":       {sig: "max(a, b, ...)", doc: "largest argument", min: 1, max: -1, call: fnMax},
		"min":       {sig: "min(a, b, ...)", doc: "smallest argument", min: 1, max: -1, call: fnMin},
		"mod":       {sig: "mod(x, m)", doc: "floored remainder, same as x % m", min: 2, max: 2, call: fnMod},
		"modinv":    {sig: "modinv(a, m)", doc: "inverse of a modulo m", min: 2, max: 2, call: fnModInv},
		"pow":       {sig: "pow(x, y[, m])", doc: "x^y, or x^y mod m by modular exponentiation (y may be negative)", min: 2, max: 3, call: fnPow},
		"root":      {sig: "root(x, n)", doc: "real n-th root, exact for perfect powers", min: 2, max: 2, call: fnRoot},
		"round":     {sig: "round(x[, digits])", doc: "round half away from zero, to digits decimal places", min: 1, max: 2, call: fnRound},
		"sqrt":      {sig: "sqrt(x)", doc: "square root, exact for perfect squares", min: 1, max: 1, call: fnSqrt},
	}
}

// Functions returns the built-in functions as "signature: description"
// lines, sorted by name.
func Functions() []string {
	out := make([]string, 0, len(functions))
	for _, f := range functions {
		out = append(out, f.sig+": "+f.doc)
	}
	sort.Strings(out)
	return out
}

func functionNames() string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func lookupFunction(name string) (*function, string) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	return functions[name], name
}

// call evaluates a function call.
func (ev *evaluator) call(c *callNode) (value, error) {
	f, name := lookupFunction(c.name)
	if f == nil {
		return value{}, &Error{Kind: ErrSyntax, Col: c.col, Msg: fmt.Sprintf("unknown function %q", c.name), Hint: "known: " + functionNames()}
	}
	if len(c.args) < f.min || (f.max >= 0 && len(c.args) > f.max) {
		return value{}, mathErr(c.col, "%s takes %s, got %d", name, argCount(f), len(c.args))
	}
	args := make([]value, len(c.args))
	for i, a := range c.args {
		v, err := ev.numeric(a, a.column(), name)
		if err != nil {
			return value{}, err
		}
		args[i] = v
	}
	v, err := f.call(ev, c.col, args)
	if err != nil {
		return value{}, err
	}
	return ev.check(c.col, v)
}

func argCount(f *function) string {
	switch {
	case f.max < 0:
		return fmt.Sprintf("at least %d argument(s): %s", f.min, f.sig)
	case f.min == f.max:
		return fmt.Sprintf("%d argument(s): %s", f.min, f.sig)
	}
	return fmt.Sprintf("%d to %d arguments: %s", f.min, f.max, f.sig)
}

// constant evaluates a bare name.
func constant(n *nameNode) (value, error) {
	switch n.name {
	case "pi", "π":
		return value{kind: kindApprox, f: piValue}, nil
	case "e":
		return value{kind: kindApprox, f: eValue}, nil
	}
	if f, name := lookupFunction(n.name); f != nil {
		return value{}, &Error{Kind: ErrSyntax, Col: n.col, Msg: fmt.Sprintf("%s is a function", name), Hint: "call it as " + f.sig}
	}
	return value{}, &Error{Kind: ErrSyntax, Col: n.col, Msg: fmt.Sprintf("unknown name %q", n.name), Hint: "the constants are pi and e; variables are not supported"}
}

var (
	// Approximations to 80 decimal places; 77 significant digits survive
	// the 256-bit mantissa.
	piValue = mustFloat("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899")
	eValue  = mustFloat("2.71828182845904523536028747135266249775724709369995957496696762772407663035354759")
)

func mustFloat(s string) *big.Float {
	f, ok := newFloat().SetString(s)
	if !ok {
		panic("mathsolve: bad constant " + s)
	}
	return f
}

// intArg insists that argument i (0-based) of fn is an exact integer.
func intArg(col int, fn string, i int, v value) (*big.Int, error) {
	if !v.isInt() {
		return nil, mathErr(col, "%s: argument %d must be an exact integer, got %s", fn, i+1, short(v))
	}
	return v.r.Num(), nil
}

func fnAbs(_ *evaluator, _ int, a []value) (value, error) {
	if a[0].kind == kindApprox {
		return approx(newFloat().Abs(a[0].f)), nil
	}
	return exact(new(big.Rat).Abs(a[0].r)), nil
}

func fnFloor(_ *evaluator, _ int, a []value) (value, error) {
	if a[0].kind == kindApprox {
		return approx(floorFloat(a[0].f)), nil
	}
	return exactInt(floorRat(a[0].r)), nil
}

func fnCeil(_ *evaluator, _ int, a []value) (value, error) {
	if a[0].kind == kindApprox {
		f := floorFloat(newFloat().Neg(a[0].f))
		return approx(f.Neg(f)), nil
	}
	f := floorRat(new(big.Rat).Neg(a[0].r))
	return exactInt(f.Neg(f)), nil
}

func fnRound(ev *evaluator, col int, a []value) (value, error) {
	digits := int64(0)
	if len(a) == 2 {
		d, err := intArg(col, "round", 1, a[1])
		if err != nil {
			return value{}, err
		}
		if !d.IsInt64() || abs64(d.Int64()) > 1000 {
			return value{}, limitErr(col, "round: digits must be between -1000 and 1000")
		}
		digits = d.Int64()
	}
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(digits)), nil))
	if digits < 0 {
		scale.Inv(scale)
	}
	half := big.NewRat(1, 2)
	if a[0].kind == kindApprox {
		sf := ratFloat(scale)
		y := newFloat().Mul(a[0].f, sf)
		neg := y.Sign() < 0
		y.Abs(y).Add(y, ratFloat(half))
		y = floorFloat(y)
		if neg {
			y.Neg(y)
		}
		return approx(y.Quo(y, sf)), nil
	}
	y := new(big.Rat).Mul(a[0].r, scale)
	neg := y.Sign() < 0
	y.Abs(y).Add(y, half)
	y.SetInt(floorRat(y))
	if neg {
		y.Neg(y)
	}
	return exact(y.Quo(y, scale)), nil
}

func fnSqrt(ev *evaluator, col int, a []value) (value, error) { return ev.root(col, a[0], 2) }

func fnRoot(ev *evaluator, col int, a []value) (value, error) {
	n, err := intArg(col, "root", 1, a[1])
	if err != nil {
		return value{}, err
	}
	if !n.IsInt64() || n.Int64() <= 0 {
		return value{}, mathErr(col, "root: the degree must be a positive integer, got %s", n)
	}
	return ev.root(col, a[0], n.Int64())
}

func fnIsqrt(_ *evaluator, col int, a []value) (value, error) {
	n, err := intArg(col, "isqrt", 0, a[0])
	if err != nil {
		return value{}, err
	}
	if n.Sign() < 0 {
		return value{}, mathErr(col, "isqrt of the negative number %s", n)
	}
	return exactInt(new(big.Int).Sqrt(n)), nil
}

func fnMin(_ *evaluator, _ int, a []value) (value, error) {
	best := a[0]
	for _, v := range a[1:] {
		if cmpValues(v, best) < 0 {
			best = v
		}
	}
	return best, nil
}

func fnMax(_ *evaluator, _ int, a []value) (value, error) {
	best := a[0]
	for _, v := range a[1:] {
		if cmpValues(v, best) > 0 {
			best = v
		}
	}
	return best, nil
}

func fnGCD(_ *evaluator, col int, a []value) (value, error) {
	g := new(big.Int)
	for i, v := range a {
		n, err := intArg(col, "gcd", i, v)
		if err != nil {
			return value{}, err
		}
		g.GCD(nil, nil, g, new(big.Int).Abs(n))
	}
	return exactInt(g), nil
}

func fnLCM(ev *evaluator, col int, a []value) (value, error) {
	l := big.NewInt(1)
	for i, v := range a {
		n, err := intArg(col, "lcm", i, v)
		if err != nil {
			return value{}, err
		}
		n = new(big.Int).Abs(n)
		if n.Sign() == 0 {
			return exactInt(new(big.Int)), nil
		}
		g := new(big.Int).GCD(nil, nil, l, n)
		l.Mul(l, n.Quo(n, g))
		if l.BitLen() > ev.maxBits {
			return value{}, limitErr(col, "result has more than %d digits", ev.lim.MaxDigits)
		}
	}
	return exactInt(l), nil
}

func fnFactorial(ev *evaluator, col int, a []value) (value, error) { return ev.factorial(col, a[0]) }

func fnMod(ev *evaluator, col int, a []value) (value, error) { return ev.mod(col, a[0], a[1]) }

func fnModInv(_ *evaluator, col int, a []value) (value, error) {
	x, err := intArg(col, "modinv", 0, a[0])
	if err != nil {
		return value{}, err
	}
	m, err := intArg(col, "modinv", 1, a[1])
	if err != nil {
		return value{}, err
	}
	inv, err := modInverse(col, x, m)
	if err != nil {
		return value{}, err
	}
	return exactInt(inv), nil
}

// modInverse returns the inverse of x modulo m > 0.
func modInverse(col int, x, m *big.Int) (*big.Int, error) {
	if m.Sign() <= 0 {
		return nil, mathErr(col, "the modulus must be a positive integer, got %s", m)
	}
	if m.Cmp(big.NewInt(1)) == 0 {
		return new(big.Int), nil
	}
	r := new(big.Int).Mod(x, m)
	inv := new(big.Int).ModInverse(r, m)
	if inv == nil {
		g := new(big.Int).GCD(nil, nil, r, m)
		return nil, mathErr(col, "%s has no inverse modulo %s (both are divisible by %s)", x, m, g)
	}
	return inv, nil
}

func fnPow(ev *evaluator, col int, a []value) (value, error) {
	if len(a) == 2 {
		return ev.pow(col, a[0], a[1])
	}
	x, err := intArg(col, "pow", 0, a[0])
	if err != nil {
		return value{}, err
	}
	y, err := intArg(col, "pow", 1, a[1])
	if err != nil {
		return value{}, err
	}
	m, err := intArg(col, "pow", 2, a[2])
	if err != nil {
		return value{}, err
	}
	if m.Sign() <= 0 {
		return value{}, mathErr(col, "pow: the modulus must be a positive integer, got %s", m)
	}
	base := new(big.Int).Mod(x, m)
	if y.Sign() < 0 {
		if base, err = modInverse(col, x, m); err != nil {
			return value{}, err
		}
		y = new(big.Int).Neg(y)
	}
	r, _, err := ev.modExp(col, base, y, m)
	if err != nil {
		return value{}, err
	}
	return exactInt(r), nil
}
