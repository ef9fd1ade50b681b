package mathsolve

import (
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokNum
	tokIdent
	tokOp
	tokLParen
	tokRParen
	tokComma
)

// token is one lexeme; col is its 1-based column in characters.
type token struct {
	kind tokKind
	text string
	col  int
	num  *big.Rat // tokNum only
	word string   // "mod" for the operator spelt as a word
}

// describe names a token for error messages: `")"`, `number 12`, `end of
// expression`.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokNum:
		return "number " + t.text
	case tokIdent:
		return "name " + strconv.Quote(t.text)
	default:
		return strconv.Quote(t.text)
	}
}

// operators maps every operator spelling to its canonical form; the Unicode
// spellings are what language models and copied text often contain.
var operators = map[string]string{
	"+": "+", "-": "-", "*": "*", "/": "/", "%": "%", "^": "^", "**": "^", "!": "!",
	"==": "==", "=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
	"−": "-", "×": "*", "·": "*", "÷": "/", "≤": "<=", "≥": ">=", "≠": "!=",
}

// lex splits src into tokens, ending with a tokEOF. Numbers are converted to
// exact rationals here, refusing ones whose exponent would exceed maxBits.
func lex(src string, maxDigits int) ([]token, error) {
	var toks []token
	col := 0
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		col++
		switch {
		case unicode.IsSpace(r):
			i += size
		case isDigit(r) || (r == '.' && i+1 < len(src) && isDigit(rune(src[i+1]))):
			n := scanNumber(src[i:])
			text := src[i : i+n]
			v, err := parseNumber(text, col, maxDigits)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokNum, text: text, col: col, num: v})
			i += n
			col += n - 1 // numbers are ASCII
		case r == '_' || unicode.IsLetter(r):
			j := i
			c := col - 1
			for j < len(src) {
				r2, s2 := utf8.DecodeRuneInString(src[j:])
				if r2 != '_' && !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += s2
				c++
			}
			text := src[i:j]
			if strings.EqualFold(text, "mod") {
				// The word is also a function name; the parser decides.
				toks = append(toks, token{kind: tokOp, text: "%", col: col, word: "mod"})
			} else {
				toks = append(toks, token{kind: tokIdent, text: text, col: col})
			}
			i = j
			col = c
		case r == '(':
			toks = append(toks, token{kind: tokLParen, text: "(", col: col})
			i += size
		case r == ')':
			toks = append(toks, token{kind: tokRParen, text: ")", col: col})
			i += size
		case r == ',':
			toks = append(toks, token{kind: tokComma, text: ",", col: col})
			i += size
		default:
			// Longest match first: "**", "<=", "==", "!=" before one character.
			if i+2 <= len(src) {
				if op, ok := operators[src[i:i+2]]; ok && isASCIIPair(src[i:i+2]) {
					toks = append(toks, token{kind: tokOp, text: op, col: col})
					i += 2
					col++
					continue
				}
			}
			if op, ok := operators[src[i:i+size]]; ok {
				toks = append(toks, token{kind: tokOp, text: op, col: col})
				i += size
				continue
			}
			if r == utf8.RuneError && size == 1 {
				return nil, syntaxErr(col, "invalid UTF-8 byte %#x", src[i])
			}
			return nil, syntaxErr(col, "unexpected character %q", r)
		}
	}
	toks = append(toks, token{kind: tokEOF, col: col + 1})
	return toks, nil
}

func isASCIIPair(s string) bool { return s[0] < utf8.RuneSelf && s[1] < utf8.RuneSelf }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// scanNumber returns the length of the number at the start of s: digits, an
// optional fraction, and an optional exponent that is only taken when
// digits follow the "e" (so "2e" is the number 2 followed by the name e).
func scanNumber(s string) int {
	i := 0
	for i < len(s) && isDigit(rune(s[i])) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(rune(s[i])) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(rune(s[j])) {
			for j < len(s) && isDigit(rune(s[j])) {
				j++
			}
			i = j
		}
	}
	return i
}

// parseNumber converts a scanned literal to an exact rational. It does the
// power of ten itself because big.Rat.SetString would happily try to build
// 10^999999999.
func parseNumber(text string, col, maxDigits int) (*big.Rat, error) {
	mant, exp := text, ""
	if k := strings.IndexAny(text, "eE"); k >= 0 {
		mant, exp = text[:k], text[k+1:]
	}
	intPart, frac := mant, ""
	if k := strings.IndexByte(mant, '.'); k >= 0 {
		intPart, frac = mant[:k], mant[k+1:]
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return new(big.Rat), nil
	}
	scale := -int64(len(frac))
	if exp != "" {
		e, err := strconv.ParseInt(exp, 10, 32)
		if err != nil {
			return nil, limitErr(col, "exponent of %s is out of range", text)
		}
		scale += e
	}
	if md := int64(maxDigits); scale > md || -scale > md || int64(len(digits))+scale > md {
		return nil, limitErr(col, "number %s has more than %d digits", text, maxDigits)
	}
	m, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return nil, syntaxErr(col, "malformed number %q", text)
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(scale)), nil)
	if scale >= 0 {
		return new(big.Rat).SetInt(m.Mul(m, p)), nil
	}
	return new(big.Rat).SetFrac(m, p), nil
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
