package mathsolve

import (
	"fmt"
	"strings"
)

// Binding powers, loosest first.
const (
	precCompare = 1
	precAdd     = 2
	precMul     = 3
	precUnary   = 4
	precPow     = 5
	precPostfix = 6
)

// binaryPrec returns the binding power of a binary operator and whether it
// is right-associative; ok is false for tokens that are not binary operators.
func binaryPrec(op string) (prec int, right, ok bool) {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
		return precCompare, false, true
	case "+", "-":
		return precAdd, false, true
	case "*", "/", "%":
		return precMul, false, true
	case "^":
		return precPow, true, true
	}
	return 0, false, false
}

// parser is a Pratt parser over the token slice.
type parser struct {
	toks     []token
	pos      int
	depth    int
	maxDepth int
}

// parse parses a whole expression.
func parse(src string, lim Limits) (node, error) {
	if len(src) > lim.MaxLength {
		return nil, limitErr(0, "expression is %d bytes long; the limit is %d", len(src), lim.MaxLength)
	}
	if strings.TrimSpace(src) == "" {
		return nil, syntaxErr(0, "empty expression; write something like \"2^10 + 1\"")
	}
	toks, err := lex(src, lim.MaxDigits)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, maxDepth: lim.MaxDepth}
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.unexpected(t)
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

// unexpected reports t, with a hint when two operands stand side by side,
// the most common slip ("2(3+4)", "2pi").
func (p *parser) unexpected(t token) error {
	if t.kind == tokEOF {
		return syntaxErr(t.col, "unexpected end of expression")
	}
	if p.pos > 0 && (t.kind == tokNum || t.kind == tokIdent || t.kind == tokLParen) {
		prev := p.toks[p.pos-1]
		if prev.kind == tokNum || prev.kind == tokIdent || prev.kind == tokRParen || (prev.kind == tokOp && prev.text == "!") {
			return &Error{Kind: ErrSyntax, Col: t.col, Msg: "unexpected " + t.describe(), Hint: "write * for multiplication"}
		}
	}
	return syntaxErr(t.col, "unexpected %s", t.describe())
}

func (p *parser) enter(col int) error {
	p.depth++
	if p.depth > p.maxDepth {
		return limitErr(col, "expression is nested more than %d levels deep", p.maxDepth)
	}
	return nil
}

// expr parses operators binding at least as tightly as minPrec.
func (p *parser) expr(minPrec int) (node, error) {
	if err := p.enter(p.peek().col); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	left, err := p.prefix()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tokOp {
			return left, nil
		}
		if t.text == "!" {
			if precPostfix < minPrec {
				return left, nil
			}
			p.next()
			left = &factNode{col: t.col, x: left}
			continue
		}
		prec, right, ok := binaryPrec(t.text)
		if !ok || prec < minPrec {
			return left, nil
		}
		p.next()
		next := prec + 1
		if right {
			next = prec
		}
		rhs, err := p.expr(next)
		if err != nil {
			return nil, err
		}
		left = &binaryNode{col: t.col, op: t.text, x: left, y: rhs}
	}
}

// prefix parses a unary operator or a primary expression.
func (p *parser) prefix() (node, error) {
	t := p.next()
	switch t.kind {
	case tokNum:
		return &numNode{col: t.col, val: t.num}, nil
	case tokOp:
		if t.word != "" && p.peek().kind == tokLParen { // mod(x, m)
			return p.call(token{kind: tokIdent, text: t.word, col: t.col})
		}
		if t.text == "-" || t.text == "+" {
			x, err := p.expr(precUnary)
			if err != nil {
				return nil, err
			}
			return &unaryNode{col: t.col, op: t.text, x: x}, nil
		}
	case tokLParen:
		x, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tokRParen {
			if c.kind == tokEOF {
				return nil, &Error{Kind: ErrSyntax, Col: c.col, Msg: `missing ")"`, Hint: fmt.Sprintf(`to close "(" at column %d`, t.col)}
			}
			return nil, p.unexpected(c)
		}
		p.next()
		return &parenNode{col: t.col, x: x}, nil
	case tokIdent:
		if p.peek().kind == tokLParen {
			return p.call(t)
		}
		return &nameNode{col: t.col, name: strings.ToLower(t.text)}, nil
	}
	p.pos-- // report the token where it stands
	if t.kind == tokEOF {
		p.pos++
	}
	return nil, p.unexpected(t)
}

// call parses the argument list of a function call; the name was consumed.
func (p *parser) call(name token) (node, error) {
	open := p.next()
	c := &callNode{col: name.col, name: strings.ToLower(name.text)}
	if p.peek().kind == tokRParen {
		p.next()
		return c, nil
	}
	for {
		arg, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, arg)
		switch t := p.peek(); t.kind {
		case tokComma:
			p.next()
		case tokRParen:
			p.next()
			return c, nil
		case tokEOF:
			return nil, &Error{Kind: ErrSyntax, Col: t.col, Msg: `missing ")"`, Hint: fmt.Sprintf(`to close "%s(" at column %d`, name.text, open.col)}
		default:
			return nil, p.unexpected(t)
		}
	}
}
