package answer

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The Python values json.loads produces, rendered by str() as Python does.
// ZeroEval's answer value goes through str(), so "answer": 3.0 is "3.0"
// and "answer": [1, 2] is "[1, 2]".
type (
	pyInt    string // a JSON integer's digits, "-0" already normalised
	pyFloat  float64
	pyBool   bool
	pyNone   struct{}
	pyList   []any
	pyObject []pyMember // key order is insertion order; a repeated key keeps its first place
	pyString string
)

type pyMember struct {
	key   string
	value any
}

func (o pyObject) get(key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.value, true
		}
	}
	return nil, false
}

// pyStr is Python's str(v).
func pyStr(v any) string {
	if s, ok := v.(pyString); ok {
		return string(s)
	}
	var b strings.Builder
	pyRepr(&b, v)
	return b.String()
}

// pyRepr writes Python's repr(v).
func pyRepr(b *strings.Builder, v any) {
	switch v := v.(type) {
	case pyString:
		b.WriteString(pyStringRepr(string(v)))
	case pyInt:
		b.WriteString(string(v))
	case pyFloat:
		b.WriteString(pyFloatRepr(float64(v)))
	case pyBool:
		if v {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case pyNone:
		b.WriteString("None")
	case pyList:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			pyRepr(b, x)
		}
		b.WriteByte(']')
	case pyObject:
		b.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyStringRepr(m.key))
			b.WriteString(": ")
			pyRepr(b, m.value)
		}
		b.WriteByte('}')
	}
}

// pyStringRepr is Python's repr of a str: single quotes unless the text
// holds a single quote and no double quote; backslash, the quote, \t, \n,
// \r escaped; other non-printable characters as \xNN, \uNNNN or
// \UNNNNNNNN.
func pyStringRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f:
			b.WriteRune(r)
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// pyFloatRepr is Python's repr(float): the shortest digits that round-trip,
// positional when the decimal exponent is in [-4, 16), scientific
// otherwise, with ".0" on integral positional values ("3.0", "1e+16",
// "1e-05", "inf", "nan").
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f != f:
		return "nan"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	mant, exps, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(exps)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1 // value = 0.digits × 10^decpt
	if decpt > -4 && decpt <= 16 {
		var s string
		switch {
		case decpt <= 0:
			s = "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			s = digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		default:
			s = digits[:decpt] + "." + digits[decpt:]
		}
		return sign + s
	}
	m := digits[:1]
	if len(digits) > 1 {
		m += "." + digits[1:]
	}
	es := "+"
	if exp < 0 {
		es, exp = "-", -exp
	}
	return fmt.Sprintf("%s%se%s%02d", sign, m, es, exp)
}

// errPyJSON is any json.loads failure.
var errPyJSON = errors.New("json decode error")

// pyJSONLoads is Python's json.loads(s) (strict mode) producing py* values:
// it accepts NaN, Infinity and -Infinity, keeps object key order, rejects
// control characters in strings and any trailing data.
func pyJSONLoads(s string) (any, error) {
	p := &pyJSONParser{s: s}
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.s) {
		return nil, errPyJSON
	}
	return v, nil
}

type pyJSONParser struct {
	s string
	i int
}

// maxJSONDepth bounds nesting; Python raises RecursionError near 1,000.
const maxJSONDepth = 900

func (p *pyJSONParser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *pyJSONParser) lit(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *pyJSONParser) value(depth int) (any, error) {
	if depth > maxJSONDepth || p.i >= len(p.s) {
		return nil, errPyJSON
	}
	switch c := p.s[p.i]; {
	case c == '"':
		s, err := p.str()
		return pyString(s), err
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.list(depth)
	case p.lit("null"):
		return pyNone{}, nil
	case p.lit("true"):
		return pyBool(true), nil
	case p.lit("false"):
		return pyBool(false), nil
	case p.lit("NaN"):
		return pyFloat(math.NaN()), nil
	case p.lit("Infinity"):
		return pyFloat(math.Inf(1)), nil
	case p.lit("-Infinity"):
		return pyFloat(math.Inf(-1)), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, errPyJSON
}

func (p *pyJSONParser) object(depth int) (any, error) {
	p.i++ // {
	var obj pyObject
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return obj, nil
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, errPyJSON
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, errPyJSON
		}
		p.i++
		p.ws()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		replaced := false
		for j := range obj {
			if obj[j].key == k {
				obj[j].value, replaced = v, true
				break
			}
		}
		if !replaced {
			obj = append(obj, pyMember{k, v})
		}
		p.ws()
		if p.i >= len(p.s) {
			return nil, errPyJSON
		}
		switch p.s[p.i] {
		case '}':
			p.i++
			return obj, nil
		case ',':
			p.i++
			p.ws()
		default:
			return nil, errPyJSON
		}
	}
}

func (p *pyJSONParser) list(depth int) (any, error) {
	p.i++ // [
	l := pyList{}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return l, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
		p.ws()
		if p.i >= len(p.s) {
			return nil, errPyJSON
		}
		switch p.s[p.i] {
		case ']':
			p.i++
			return l, nil
		case ',':
			p.i++
			p.ws()
		default:
			return nil, errPyJSON
		}
	}
}

// number reads -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?: an int when it has
// neither fraction nor exponent, else a float (overflow gives ±inf, as
// Python's float() does).
func (p *pyJSONParser) number() (any, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.s[p.i] == '-' {
		p.i++
	}
	if p.i >= len(p.s) {
		return nil, errPyJSON
	}
	if p.s[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, errPyJSON
	}
	isFloat := false
	if p.i+1 < len(p.s) && p.s[p.i] == '.' && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9' {
		p.i++
		digits()
		isFloat = true
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		save := p.i
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			p.i = save // Python's scanner leaves the 'e' unread; the caller then fails
		} else {
			isFloat = true
		}
	}
	text := p.s[start:p.i]
	if !isFloat {
		if text == "-0" {
			text = "0"
		}
		return pyInt(text), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, errPyJSON
	}
	return pyFloat(f), nil
}

// str reads a JSON string in strict mode: no raw control characters;
// escapes \" \\ \/ \b \f \n \r \t \uXXXX (surrogate pairs joined; a lone
// surrogate, which Go strings cannot hold, becomes U+FFFD).
func (p *pyJSONParser) str() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			return "", errPyJSON
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c < 0x20:
			return "", errPyJSON
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return "", errPyJSON
			}
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", errPyJSON
				}
				if r >= 0xd800 && r <= 0xdbff && strings.HasPrefix(p.s[p.i:], `\u`) {
					save := p.i
					p.i += 2
					if r2, ok := p.hex4(); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
						r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
					} else {
						p.i = save
					}
				}
				if r >= 0xd800 && r <= 0xdfff {
					r = utf8.RuneError
				}
				b.WriteRune(r)
			default:
				return "", errPyJSON
			}
		case c < utf8.RuneSelf:
			j := p.i + 1 // copy a run of plain ASCII at once
			for j < len(p.s) && p.s[j] >= 0x20 && p.s[j] < utf8.RuneSelf && p.s[j] != '"' && p.s[j] != '\\' {
				j++
			}
			b.WriteString(p.s[p.i:j])
			p.i = j
		default:
			r, n := utf8.DecodeRuneInString(p.s[p.i:])
			b.WriteRune(r)
			p.i += n
		}
	}
}

func (p *pyJSONParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(p.s[p.i : p.i+4]) {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	p.i += 4
	return r, true
}
