package domain

import (
	"errors"
	"math"
	"math/big"
	"strings"
)

// Calculate evaluates expression as tau2's calculate tool does:
// str(round(float(eval(expression)), 2)) over the characters
// "0123456789+-*/(). ", with Python's int/float arithmetic (exact big
// integers, true division, floor division, powers).
func Calculate(expression string) (string, error) {
	for _, c := range expression {
		if !strings.ContainsRune("0123456789+-*/(). ", c) {
			return "", Errorf("Invalid characters in expression")
		}
	}
	p := &calcParser{src: expression}
	p.next()
	v, err := p.expr()
	if err == nil && p.tok != tEOF {
		err = errSyntax
	}
	if err != nil {
		return "", err
	}
	f, err := v.float()
	if err != nil {
		return "", err
	}
	r := PyRound(f, 2)
	switch {
	case math.IsInf(r, 1):
		return "inf", nil
	case math.IsInf(r, -1):
		return "-inf", nil
	case math.IsNaN(r):
		return "nan", nil
	}
	return PyFloat(r), nil
}

var errSyntax = Errorf("invalid syntax (<string>, line 1)")

// maxCalcBits bounds integer results so "9**9**9" cannot exhaust memory;
// Python would compute it, then fail converting to float anyway.
const maxCalcBits = 1 << 16

type calcVal struct {
	i     *big.Int // nil for a float
	f     float64
	isInt bool
}

func (v calcVal) float() (float64, error) {
	if !v.isInt {
		return v.f, nil
	}
	f, _ := new(big.Float).SetInt(v.i).Float64()
	if math.IsInf(f, 0) {
		return 0, Errorf("int too large to convert to float")
	}
	return f, nil
}

type calcTok int

const (
	tEOF calcTok = iota
	tNum
	tPlus
	tMinus
	tStar
	tSlash
	tFloorDiv
	tPow
	tLParen
	tRParen
	tBad
)

type calcParser struct {
	src string
	pos int
	tok calcTok
	num calcVal
}

func (p *calcParser) next() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok = tEOF
		return
	}
	c := p.src[p.pos]
	two := p.pos+1 < len(p.src) && p.src[p.pos+1] == c
	switch {
	case c == '+':
		p.tok, p.pos = tPlus, p.pos+1
	case c == '-':
		p.tok, p.pos = tMinus, p.pos+1
	case c == '*' && two:
		p.tok, p.pos = tPow, p.pos+2
	case c == '*':
		p.tok, p.pos = tStar, p.pos+1
	case c == '/' && two:
		p.tok, p.pos = tFloorDiv, p.pos+2
	case c == '/':
		p.tok, p.pos = tSlash, p.pos+1
	case c == '(':
		p.tok, p.pos = tLParen, p.pos+1
	case c == ')':
		p.tok, p.pos = tRParen, p.pos+1
	default:
		start := p.pos
		dot := false
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			if p.src[p.pos] == '.' {
				if dot {
					p.tok = tBad
					return
				}
				dot = true
			}
			p.pos++
		}
		lit := p.src[start:p.pos]
		if lit == "." {
			p.tok = tBad
			return
		}
		p.tok = tNum
		if dot {
			f, _, _ := big.ParseFloat(lit, 10, 64, big.ToNearestEven)
			x, _ := f.Float64()
			p.num = calcVal{f: x}
			return
		}
		if len(lit) > 1 && lit[0] == '0' && strings.Trim(lit, "0") != "" {
			p.tok = tBad // Python rejects leading zeros in decimal ints
			return
		}
		i, _ := new(big.Int).SetString(lit, 10)
		p.num = calcVal{i: i, isInt: true}
	}
}

func (p *calcParser) expr() (calcVal, error) {
	v, err := p.term()
	for err == nil && (p.tok == tPlus || p.tok == tMinus) {
		op := p.tok
		p.next()
		var r calcVal
		if r, err = p.term(); err == nil {
			v, err = arith(op, v, r)
		}
	}
	return v, err
}

func (p *calcParser) term() (calcVal, error) {
	v, err := p.factor()
	for err == nil && (p.tok == tStar || p.tok == tSlash || p.tok == tFloorDiv) {
		op := p.tok
		p.next()
		var r calcVal
		if r, err = p.factor(); err == nil {
			v, err = arith(op, v, r)
		}
	}
	return v, err
}

func (p *calcParser) factor() (calcVal, error) {
	if p.tok == tPlus || p.tok == tMinus {
		neg := p.tok == tMinus
		p.next()
		v, err := p.factor()
		if err != nil || !neg {
			return v, err
		}
		if v.isInt {
			return calcVal{i: new(big.Int).Neg(v.i), isInt: true}, nil
		}
		return calcVal{f: -v.f}, nil
	}
	return p.power()
}

func (p *calcParser) power() (calcVal, error) {
	v, err := p.atom()
	if err != nil || p.tok != tPow {
		return v, err
	}
	p.next()
	r, err := p.factor()
	if err != nil {
		return v, err
	}
	return arith(tPow, v, r)
}

func (p *calcParser) atom() (calcVal, error) {
	switch p.tok {
	case tNum:
		v := p.num
		p.next()
		return v, nil
	case tLParen:
		p.next()
		v, err := p.expr()
		if err != nil {
			return v, err
		}
		if p.tok != tRParen {
			return v, errSyntax
		}
		p.next()
		return v, nil
	}
	return calcVal{}, errSyntax
}

func arith(op calcTok, a, b calcVal) (calcVal, error) {
	if a.isInt && b.isInt {
		x, y := a.i, b.i
		switch op {
		case tPlus:
			return bigVal(new(big.Int).Add(x, y))
		case tMinus:
			return bigVal(new(big.Int).Sub(x, y))
		case tStar:
			return bigVal(new(big.Int).Mul(x, y))
		case tSlash:
			if y.Sign() == 0 {
				return calcVal{}, Errorf("division by zero")
			}
			f, _ := new(big.Rat).SetFrac(x, y).Float64()
			return calcVal{f: f}, nil
		case tFloorDiv:
			if y.Sign() == 0 {
				return calcVal{}, Errorf("integer division or modulo by zero")
			}
			q, m := new(big.Int).DivMod(x, y, new(big.Int))
			// DivMod is Euclidean; Python floors.
			if m.Sign() != 0 && y.Sign() < 0 {
				q.Add(q, big.NewInt(1))
			}
			return bigVal(q)
		case tPow:
			if y.Sign() < 0 {
				fa, _ := a.float()
				fb, _ := b.float()
				if fa == 0 {
					return calcVal{}, Errorf("0.0 cannot be raised to a negative power")
				}
				return calcVal{f: math.Pow(fa, fb)}, nil
			}
			if x.BitLen() > 1 && (!y.IsInt64() || int64(x.BitLen()-1)*y.Int64() > maxCalcBits) {
				return calcVal{}, Errorf("int too large to convert to float")
			}
			return bigVal(new(big.Int).Exp(x, y, nil))
		}
	}
	x, err := a.float()
	if err != nil {
		return calcVal{}, err
	}
	y, err := b.float()
	if err != nil {
		return calcVal{}, err
	}
	switch op {
	case tPlus:
		return calcVal{f: x + y}, nil
	case tMinus:
		return calcVal{f: x - y}, nil
	case tStar:
		return calcVal{f: x * y}, nil
	case tSlash:
		if y == 0 {
			return calcVal{}, Errorf("float division by zero")
		}
		return calcVal{f: x / y}, nil
	case tFloorDiv:
		if y == 0 {
			return calcVal{}, Errorf("float floor division by zero")
		}
		return calcVal{f: math.Floor(x / y)}, nil
	case tPow:
		if x == 0 && y < 0 {
			return calcVal{}, Errorf("0.0 cannot be raised to a negative power")
		}
		if x < 0 && y != math.Trunc(y) {
			return calcVal{}, Errorf("can't convert complex to float")
		}
		r := math.Pow(x, y)
		if math.IsInf(r, 0) && !math.IsInf(x, 0) {
			return calcVal{}, Errorf("(34, 'Numerical result out of range')")
		}
		return calcVal{f: r}, nil
	}
	return calcVal{}, errors.New("domain: calculate: unknown operator")
}

func bigVal(i *big.Int) (calcVal, error) {
	if i.BitLen() > maxCalcBits {
		return calcVal{}, Errorf("int too large to convert to float")
	}
	return calcVal{i: i, isInt: true}, nil
}
