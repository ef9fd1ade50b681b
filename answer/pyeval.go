package answer

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// pyEvalFloat is float(eval(expr)) for the numeric arithmetic Python
// evaluates exactly: int and float literals (Python's syntax, including
// "1.", ".5", "1e3", "1_000"; a decimal int with a leading zero is a syntax
// error), True and False, parentheses, unary + - ~, and binary ** * / // %
// + - with Python's precedence, associativity and semantics (arbitrary
// precision ints, true division correctly rounded, floor division and
// modulo rounding toward negative infinity, ZeroDivisionError and
// OverflowError where Python raises them). Anything else is an error, as
// for the answers Python's eval rejects ("1/2 cup", "\frac{1}{2}", "x/2");
// the few expressions Python accepts beyond this grammar (comparisons,
// bitwise operators, complex literals, calls) are errors here and leave the
// answer unchanged.
func pyEvalFloat(expr string) (float64, error) {
	toks, err := pyTokens(expr)
	if err != nil {
		return 0, err
	}
	p := &pyExprParser{toks: toks}
	v, err := p.sum()
	if err != nil {
		return 0, err
	}
	if p.i != len(p.toks) {
		return 0, errPySyntax
	}
	return v.float()
}

var (
	errPySyntax   = errors.New("SyntaxError")
	errPyZeroDiv  = errors.New("ZeroDivisionError")
	errPyOverflow = errors.New("OverflowError")
	errPyType     = errors.New("TypeError")
)

// maxIntBits bounds intermediate ints; larger ones are treated as an
// overflow (Python would compute them, but no such answer converts to a
// float64 anyway unless divided back down).
const maxIntBits = 1 << 16

// pyNum is a Python int (i != nil) or float.
type pyNum struct {
	i *big.Int
	f float64
}

func (n pyNum) isInt() bool { return n.i != nil }

// float converts as Python's float(): an int too large raises.
func (n pyNum) float() (float64, error) {
	if !n.isInt() {
		return n.f, nil
	}
	f, _ := new(big.Float).SetInt(n.i).Float64()
	if math.IsInf(f, 0) {
		return 0, errPyOverflow
	}
	return f, nil
}

type pyTok struct {
	kind byte // 'n' number, 'o' operator, '(' , ')'
	text string
	num  pyNum
}

// pyTokens splits expr into numbers, operators and parentheses; space,
// tab and form feed separate tokens.
func pyTokens(s string) ([]pyTok, error) {
	var out []pyTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			i++
		case c == '(' || c == ')':
			out = append(out, pyTok{kind: c})
			i++
		case c == '*' || c == '/':
			if i+1 < len(s) && s[i+1] == c {
				out = append(out, pyTok{kind: 'o', text: s[i : i+2]})
				i += 2
			} else {
				out = append(out, pyTok{kind: 'o', text: s[i : i+1]})
				i++
			}
		case c == '+' || c == '-' || c == '%' || c == '~':
			out = append(out, pyTok{kind: 'o', text: s[i : i+1]})
			i++
		case (c >= '0' && c <= '9') || (c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'):
			n, end, err := pyNumber(s, i)
			if err != nil {
				return nil, err
			}
			out = append(out, pyTok{kind: 'n', num: n})
			i = end
		case isIdentStart(c):
			j := i
			for j < len(s) && (isIdentStart(s[j]) || (s[j] >= '0' && s[j] <= '9')) {
				j++
			}
			switch s[i:j] {
			case "True":
				out = append(out, pyTok{kind: 'n', num: pyNum{i: big.NewInt(1)}})
			case "False":
				out = append(out, pyTok{kind: 'n', num: pyNum{i: big.NewInt(0)}})
			default:
				return nil, errPySyntax // a name: NameError or worse in Python
			}
			i = j
		default:
			return nil, errPySyntax
		}
	}
	return out, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

// pyNumber reads an int (decimal, 0x, 0o or 0b) or float literal at s[i:].
func pyNumber(s string, i int) (pyNum, int, error) {
	if n, end, ok, err := pyPrefixedInt(s, i); ok {
		return n, end, err
	}
	j := i
	digits := func() bool { // digits with single underscores between them
		start := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
			if j+1 < len(s) && s[j] == '_' && s[j+1] >= '0' && s[j+1] <= '9' {
				j++
			}
		}
		return j > start
	}
	intPart := digits()
	isFloat := false
	if j < len(s) && s[j] == '.' {
		j++
		isFloat = true
		if !digits() && !intPart {
			return pyNum{}, 0, errPySyntax
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && s[k] >= '0' && s[k] <= '9' {
			j = k
			digits()
			isFloat = true
		} else {
			return pyNum{}, 0, errPySyntax
		}
	}
	if j < len(s) && (isIdentStart(s[j]) || s[j] == '.' || (s[j] >= '0' && s[j] <= '9')) {
		return pyNum{}, 0, errPySyntax // "2pi", "1.2.3", "0x1", "1j", "1_"
	}
	text := strings.ReplaceAll(s[i:j], "_", "")
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return pyNum{}, 0, errPySyntax
		}
		return pyNum{f: f}, j, nil
	}
	if len(text) > 1 && text[0] == '0' && strings.Trim(text, "0") != "" {
		return pyNum{}, 0, errPySyntax // leading zeros in a decimal int
	}
	n, ok := new(big.Int).SetString(text, 10)
	if !ok || n.BitLen() > maxIntBits {
		return pyNum{}, 0, errPySyntax
	}
	return pyNum{i: n}, j, nil
}

// pyPrefixedInt reads a 0x, 0o or 0b int literal at s[i:] (underscores
// allowed between digits and after the prefix); ok is false when s[i:]
// does not start with such a prefix.
func pyPrefixedInt(s string, i int) (n pyNum, end int, ok bool, err error) {
	if i+1 >= len(s) || s[i] != '0' {
		return pyNum{}, 0, false, nil
	}
	base := 0
	switch s[i+1] {
	case 'x', 'X':
		base = 16
	case 'o', 'O':
		base = 8
	case 'b', 'B':
		base = 2
	default:
		return pyNum{}, 0, false, nil
	}
	digit := func(c byte) bool {
		v := -1
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'a' && c <= 'f':
			v = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			v = int(c-'A') + 10
		}
		return v >= 0 && v < base
	}
	j := i + 2
	var b strings.Builder
	for j < len(s) {
		if s[j] == '_' && j+1 < len(s) && digit(s[j+1]) {
			j++
		}
		if !digit(s[j]) {
			break
		}
		b.WriteByte(s[j])
		j++
	}
	if b.Len() == 0 || (j < len(s) && (isIdentStart(s[j]) || s[j] == '.' || (s[j] >= '0' && s[j] <= '9'))) {
		return pyNum{}, 0, true, errPySyntax
	}
	v, good := new(big.Int).SetString(b.String(), base)
	if !good || v.BitLen() > maxIntBits {
		return pyNum{}, 0, true, errPySyntax
	}
	return pyNum{i: v}, j, true, nil
}

// pyExprParser is a recursive-descent parser over Python's grammar for
// arith_expr: sum := term (('+'|'-') term)*; term := factor
// (('*'|'/'|'//'|'%') factor)*; factor := ('+'|'-'|'~') factor | power;
// power := atom ['**' factor].
type pyExprParser struct {
	toks  []pyTok
	i     int
	depth int
}

func (p *pyExprParser) op(ops ...string) (string, bool) {
	if p.i < len(p.toks) && p.toks[p.i].kind == 'o' {
		for _, o := range ops {
			if p.toks[p.i].text == o {
				p.i++
				return o, true
			}
		}
	}
	return "", false
}

func (p *pyExprParser) sum() (pyNum, error) {
	a, err := p.term()
	if err != nil {
		return a, err
	}
	for {
		o, ok := p.op("+", "-")
		if !ok {
			return a, nil
		}
		b, err := p.term()
		if err != nil {
			return b, err
		}
		if a, err = pyBinary(o, a, b); err != nil {
			return a, err
		}
	}
}

func (p *pyExprParser) term() (pyNum, error) {
	a, err := p.factor()
	if err != nil {
		return a, err
	}
	for {
		o, ok := p.op("*", "/", "//", "%")
		if !ok {
			return a, nil
		}
		b, err := p.factor()
		if err != nil {
			return b, err
		}
		if a, err = pyBinary(o, a, b); err != nil {
			return a, err
		}
	}
}

func (p *pyExprParser) factor() (pyNum, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 200 {
		return pyNum{}, errPySyntax // Python's parser gives up on deep nesting too
	}
	if o, ok := p.op("+", "-", "~"); ok {
		a, err := p.factor()
		if err != nil {
			return a, err
		}
		return pyUnary(o, a)
	}
	return p.power()
}

func (p *pyExprParser) power() (pyNum, error) {
	a, err := p.atom()
	if err != nil {
		return a, err
	}
	if _, ok := p.op("**"); ok {
		b, err := p.factor()
		if err != nil {
			return b, err
		}
		return pyBinary("**", a, b)
	}
	return a, nil
}

func (p *pyExprParser) atom() (pyNum, error) {
	if p.i >= len(p.toks) {
		return pyNum{}, errPySyntax
	}
	t := p.toks[p.i]
	switch t.kind {
	case 'n':
		p.i++
		return t.num, nil
	case '(':
		p.i++
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > 200 {
			return pyNum{}, errPySyntax
		}
		v, err := p.sum()
		if err != nil {
			return v, err
		}
		if p.i >= len(p.toks) || p.toks[p.i].kind != ')' {
			return v, errPySyntax
		}
		p.i++
		return v, nil
	}
	return pyNum{}, errPySyntax
}

func pyUnary(o string, a pyNum) (pyNum, error) {
	switch o {
	case "+":
		return a, nil
	case "-":
		if a.isInt() {
			return pyNum{i: new(big.Int).Neg(a.i)}, nil
		}
		return pyNum{f: -a.f}, nil
	}
	// ~
	if !a.isInt() {
		return pyNum{}, errPyType
	}
	return pyNum{i: new(big.Int).Not(a.i)}, nil
}

func pyBinary(o string, a, b pyNum) (pyNum, error) {
	if a.isInt() && b.isInt() {
		return pyIntOp(o, a.i, b.i)
	}
	x, err := a.float()
	if err != nil {
		return pyNum{}, err
	}
	y, err := b.float()
	if err != nil {
		return pyNum{}, err
	}
	f, err := pyFloatOp(o, x, y)
	return pyNum{f: f}, err
}

func pyIntOp(o string, a, b *big.Int) (pyNum, error) {
	r := new(big.Int)
	switch o {
	case "+":
		r.Add(a, b)
	case "-":
		r.Sub(a, b)
	case "*":
		if a.BitLen()+b.BitLen() > maxIntBits {
			return pyNum{}, errPyOverflow
		}
		r.Mul(a, b)
	case "/":
		if b.Sign() == 0 {
			return pyNum{}, errPyZeroDiv
		}
		if a.Sign() == 0 {
			return pyNum{f: math.Copysign(0, float64(b.Sign()))}, nil // 0/-7 is -0.0
		}
		f, _ := new(big.Rat).SetFrac(a, b).Float64()
		if math.IsInf(f, 0) {
			return pyNum{}, errPyOverflow
		}
		return pyNum{f: f}, nil
	case "//", "%":
		if b.Sign() == 0 {
			return pyNum{}, errPyZeroDiv
		}
		q, m := new(big.Int).QuoRem(a, b, new(big.Int))
		if m.Sign() != 0 && (m.Sign() < 0) != (b.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
			m.Add(m, b)
		}
		if o == "//" {
			return pyNum{i: q}, nil
		}
		return pyNum{i: m}, nil
	case "**":
		if b.Sign() < 0 {
			x, err := pyNum{i: a}.float()
			if err != nil {
				return pyNum{}, err
			}
			y, err := pyNum{i: b}.float()
			if err != nil {
				return pyNum{}, err
			}
			f, err := pyFloatOp("**", x, y)
			return pyNum{f: f}, err
		}
		if a.CmpAbs(big.NewInt(1)) <= 0 {
			// 0, 1 and -1 stay small whatever the exponent.
			if a.Sign() == 0 {
				if b.Sign() == 0 {
					return pyNum{i: big.NewInt(1)}, nil
				}
				return pyNum{i: big.NewInt(0)}, nil
			}
			if a.Sign() < 0 && b.Bit(0) == 1 {
				return pyNum{i: big.NewInt(-1)}, nil
			}
			return pyNum{i: big.NewInt(1)}, nil
		}
		if !b.IsInt64() || b.Int64() > maxIntBits/int64(a.BitLen()) {
			return pyNum{}, errPyOverflow
		}
		r.Exp(a, b, nil)
	}
	if r.BitLen() > maxIntBits {
		return pyNum{}, errPyOverflow
	}
	return pyNum{i: r}, nil
}

// pyFloatOp is CPython's float arithmetic (floatobject.c).
func pyFloatOp(o string, x, y float64) (float64, error) {
	switch o {
	case "+":
		return x + y, nil
	case "-":
		return x - y, nil
	case "*":
		return x * y, nil
	case "/":
		if y == 0 {
			return 0, errPyZeroDiv
		}
		return x / y, nil
	case "%":
		if y == 0 {
			return 0, errPyZeroDiv
		}
		mod := math.Mod(x, y)
		if mod != 0 {
			if (y < 0) != (mod < 0) {
				mod += y
			}
		} else {
			mod = math.Copysign(0, y)
		}
		return mod, nil
	case "//":
		if y == 0 {
			return 0, errPyZeroDiv
		}
		mod := math.Mod(x, y)
		div := (x - mod) / y
		if mod != 0 && (y < 0) != (mod < 0) {
			div -= 1.0
		}
		if div != 0 {
			fl := math.Floor(div)
			if div-fl > 0.5 {
				fl += 1.0
			}
			return fl, nil
		}
		return math.Copysign(0, x/y), nil
	case "**":
		return pyFloatPow(x, y)
	}
	return 0, errPySyntax
}

// pyFloatPow is float_pow: Python raises where C's pow would return an
// infinity from finite operands, a complex result, or divide by zero.
func pyFloatPow(x, y float64) (float64, error) {
	if y == 0 {
		return 1, nil
	}
	if x != x || y != y {
		if x == 1 {
			return 1, nil
		}
		return math.NaN(), nil
	}
	if x == 0 && y < 0 && !math.IsInf(y, 0) {
		return 0, errPyZeroDiv
	}
	if x < 0 && !math.IsInf(x, 0) && !math.IsInf(y, 0) && y != math.Floor(y) {
		return 0, errPyType // a complex result: float() of it raises TypeError
	}
	r := pow(x, y)
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return 0, errPyOverflow
	}
	return r, nil
}

// pow is C's pow for finite operands, which CPython calls. glibc's pow is
// correctly rounded in all but rare cases (≤ 0.52 ULP) and Go's math.Pow is
// not (100**1.5 gives 1000.0000000000002), so the result is computed in
// 192-bit precision and rounded once: by repeated squaring for an integral
// exponent up to 2^16 in magnitude, and as exp(y·log x) for other exponents
// of a positive base. Beyond those ranges (results that overflow or
// underflow anyway) math.Pow decides. On 30,000 random operands this
// agrees with CPython on glibc in all but 19 cases, where glibc is the one
// off by an ULP (checked against exact rational arithmetic); plain
// math.Pow disagreed in 17,898.
func pow(x, y float64) float64 {
	if math.IsInf(x, 0) || math.IsInf(y, 0) || x == 0 || x != x || y != y {
		return math.Pow(x, y)
	}
	if y == math.Trunc(y) && math.Abs(y) <= 1<<16 {
		n := int64(math.Abs(y))
		base := bigf(x)
		acc := bigf(1)
		for ; n > 0; n >>= 1 {
			if n&1 == 1 {
				acc.Mul(acc, base)
			}
			base.Mul(base, base)
		}
		if y < 0 {
			acc.Quo(bigf(1), acc)
		}
		r, _ := acc.Float64()
		return r
	}
	if x < 0 || y == math.Trunc(y) {
		return math.Pow(x, y)
	}
	t := bigLog(x)
	t.Mul(t, bigf(y))
	if tf, _ := t.Float64(); math.Abs(tf) > 800 {
		return math.Pow(x, y) // overflows or underflows float64 anyway
	}
	r, _ := bigExp(t).Float64()
	return r
}

// bigPrec is the working precision of pow's big-float paths.
const bigPrec = 192

func bigf(x float64) *big.Float { return new(big.Float).SetPrec(bigPrec).SetFloat64(x) }

// bigLn2 is log(2) to bigPrec bits: 2·atanh(1/3).
var bigLn2 = func() *big.Float {
	z := new(big.Float).SetPrec(bigPrec).Quo(bigf(1), bigf(3))
	return bigAtanh2(z)
}()

// bigAtanh2 is 2·atanh(z) = 2·Σ z^(2k+1)/(2k+1) for |z| ≤ 1/3.
func bigAtanh2(z *big.Float) *big.Float {
	sum := new(big.Float).SetPrec(bigPrec).Set(z)
	z2 := new(big.Float).SetPrec(bigPrec).Mul(z, z)
	term := new(big.Float).SetPrec(bigPrec).Set(z)
	for k := int64(3); k < 400; k += 2 {
		term.Mul(term, z2)
		q := new(big.Float).SetPrec(bigPrec).Quo(term, new(big.Float).SetPrec(bigPrec).SetInt64(k))
		if q.Sign() == 0 || q.MantExp(nil)-sum.MantExp(nil) < -bigPrec-8 {
			break
		}
		sum.Add(sum, q)
	}
	return sum.Mul(sum, bigf(2))
}

// bigLog is the natural logarithm of x > 0: x = m·2^e with m in [0.5, 1),
// log x = e·log 2 + 2·atanh((m-1)/(m+1)).
func bigLog(x float64) *big.Float {
	m := new(big.Float).SetPrec(bigPrec)
	e := bigf(x).MantExp(m)
	num := new(big.Float).SetPrec(bigPrec).Sub(m, bigf(1))
	den := new(big.Float).SetPrec(bigPrec).Add(m, bigf(1))
	r := bigAtanh2(num.Quo(num, den))
	return r.Add(r, new(big.Float).SetPrec(bigPrec).Mul(bigLn2, new(big.Float).SetPrec(bigPrec).SetInt64(int64(e))))
}

// bigExp is e^t for |t| ≤ 800: t = n·log 2 + r, e^r by its Taylor series
// on r/2^16, squared 16 times, then scaled by 2^n.
func bigExp(t *big.Float) *big.Float {
	q, _ := new(big.Float).SetPrec(bigPrec).Quo(t, bigLn2).Float64()
	n := int64(math.Round(q))
	r := new(big.Float).SetPrec(bigPrec).Sub(t, new(big.Float).SetPrec(bigPrec).Mul(bigLn2, new(big.Float).SetPrec(bigPrec).SetInt64(n)))
	r.SetMantExp(r, -16)
	sum, term := bigf(1), bigf(1)
	for k := int64(1); k < 60; k++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(bigPrec).SetInt64(k))
		sum.Add(sum, term)
	}
	for range 16 {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(n))
}
