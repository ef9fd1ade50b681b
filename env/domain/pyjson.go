package domain

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// PyMarshaler is implemented by values that encode themselves the way
// Python's json.dumps would (an insertion-ordered dict, a float that must
// keep its ".0").
type PyMarshaler interface {
	// EncodePy writes the value to e.
	EncodePy(e *PyEncoder)
}

// PyEncoder writes JSON byte for byte as Python's json.dumps does with its
// defaults (", " and ": " separators, ensure_ascii, float repr), optionally
// with sorted keys as tau2's get_dict_hash uses.
//
// Go values map to Python ones so: structs are pydantic models, their fields
// in declaration order under their json tag names (every field is written, a
// nil pointer as null, as model_dump does); float64 is a Python float; the
// integer kinds are ints; a Go map is a dict with sorted keys (use
// [OrderedMap] where insertion order matters); nil slices are [] (use a
// pointer to a slice for an Optional[list]).
type PyEncoder struct {
	buf      []byte
	SortKeys bool // write every dict's keys sorted, as json.dumps(sort_keys=True)
}

// PyJSON returns v encoded as Python's json.dumps(v) would.
func PyJSON(v any) string {
	e := &PyEncoder{}
	e.Value(v)
	return string(e.buf)
}

// PyJSONSorted returns v encoded as json.dumps(v, sort_keys=True).
func PyJSONSorted(v any) []byte {
	e := &PyEncoder{SortKeys: true}
	e.Value(v)
	return e.buf
}

// Bytes returns what was written so far.
func (e *PyEncoder) Bytes() []byte { return e.buf }

// Raw appends already-encoded JSON.
func (e *PyEncoder) Raw(s string) { e.buf = append(e.buf, s...) }

// String writes s as a JSON string with ensure_ascii escaping.
func (e *PyEncoder) String(s string) { e.buf = appendPyString(e.buf, s) }

// Float writes f as Python's float repr.
func (e *PyEncoder) Float(f float64) { e.buf = append(e.buf, PyFloat(f)...) }

// Object writes a dict from keys and a function writing the value of each;
// with SortKeys the keys are written in sorted order.
func (e *PyEncoder) Object(keys []string, value func(i int)) {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	if e.SortKeys {
		sort.SliceStable(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	}
	e.buf = append(e.buf, '{')
	for n, i := range order {
		if n > 0 {
			e.buf = append(e.buf, ", "...)
		}
		e.String(keys[i])
		e.buf = append(e.buf, ": "...)
		value(i)
	}
	e.buf = append(e.buf, '}')
}

var pyMarshalerType = reflect.TypeFor[PyMarshaler]()

// Value writes any supported Go value.
func (e *PyEncoder) Value(v any) {
	if v == nil {
		e.buf = append(e.buf, "null"...)
		return
	}
	e.reflectValue(reflect.ValueOf(v))
}

func (e *PyEncoder) reflectValue(v reflect.Value) {
	if !v.IsValid() {
		e.buf = append(e.buf, "null"...)
		return
	}
	if v.Type().Implements(pyMarshalerType) {
		if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return
		}
		v.Interface().(PyMarshaler).EncodePy(e)
		return
	}
	if v.CanAddr() && reflect.PointerTo(v.Type()).Implements(pyMarshalerType) {
		v.Addr().Interface().(PyMarshaler).EncodePy(e)
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return
		}
		e.reflectValue(v.Elem())
	case reflect.String:
		e.String(v.String())
	case reflect.Bool:
		if v.Bool() {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.buf = strconv.AppendUint(e.buf, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		e.Float(v.Float())
	case reflect.Slice, reflect.Array:
		e.buf = append(e.buf, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				e.buf = append(e.buf, ", "...)
			}
			e.reflectValue(v.Index(i))
		}
		e.buf = append(e.buf, ']')
	case reflect.Map:
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		e.Object(keys, func(i int) { e.reflectValue(v.MapIndex(reflect.ValueOf(keys[i]).Convert(v.Type().Key()))) })
	case reflect.Struct:
		fs := fieldsOf(v.Type())
		e.Object(fs.names, func(i int) { e.reflectValue(v.Field(fs.index[i])) })
	default:
		panic(fmt.Sprintf("domain: cannot encode %s as Python JSON", v.Type()))
	}
}

type structFields struct {
	names []string
	index []int
}

var fieldCache sync.Map // reflect.Type -> *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	fs := &structFields{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			tag, _, _ = strings.Cut(tag, ",")
			if tag == "-" {
				continue
			}
			if tag != "" {
				name = tag
			}
		}
		fs.names = append(fs.names, name)
		fs.index = append(fs.index, i)
	}
	fieldCache.Store(t, fs)
	return fs
}

// PyFloat formats f as Python's repr(float): the shortest round-tripping
// digits, always with a '.' or an exponent, and exponent notation outside
// 1e-4 <= |f| < 1e16.
func PyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	_, exp, _ := strings.Cut(s, "e")
	x, _ := strconv.Atoi(exp)
	if x < -4 || x >= 16 {
		return s
	}
	s = strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}

// PyRound is Python's round(f, ndigits) for a float: correctly rounded
// through the exact decimal value, ties to even.
func PyRound(f float64, ndigits int) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'f', ndigits, 64), 64)
	if err != nil {
		return f
	}
	return r
}

const hexDigits = "0123456789abcdef"

func appendPyString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				if c < 0x20 {
					b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
				} else {
					b = append(b, c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r > 0xFFFF {
			r -= 0x10000
			b = appendU(b, 0xD800+(r>>10))
			b = appendU(b, 0xDC00+(r&0x3FF))
			continue
		}
		b = appendU(b, r)
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
