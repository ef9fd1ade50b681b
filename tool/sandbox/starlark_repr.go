package sandbox

import (
	"fmt"
	"unsafe"

	starjson "go.starlark.net/lib/json"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Converting a value to text (print, str, repr, json.encode, "%s" and
// format) is one uninterruptible Go call whose result can dwarf the value:
// l = [[0] * 1000] * 1000 holds a million references to one small list,
// and print([l] * 1000) would build a 3 GB string. So those builtins are
// wrapped to estimate the text's length first and refuse it past the
// memory budget. The estimate visits each distinct list, dict, set and
// tuple once (their text is memoised by identity), so it costs no more
// than the memory the program already holds.

// maxNesting bounds how deeply nested a value may be to be converted to
// or from text: the converters recurse once per level on Baton's own
// stack, and a few million levels (json.decode('[' * 3000000)) overflow
// it, which kills the whole process.
const maxNesting = 1000

// textSizer estimates the length of a value's text form.
type textSizer struct {
	memo  map[unsafe.Pointer]uint64
	depth int
	// maxDepth is the deepest nesting seen; tooDeep is set once it passes
	// maxNesting.
	maxDepth int
	tooDeep  bool
}

// size returns about len(repr(v)), saturating instead of overflowing.
func (z *textSizer) size(v starlark.Value) uint64 {
	if z.tooDeep {
		return 0
	}
	switch v := v.(type) {
	case starlark.String:
		return uint64(len(v)) + 2
	case starlark.Bytes:
		return uint64(len(v)) + 3
	case starlark.Int:
		if _, ok := v.Int64(); ok {
			return 20
		}
		return uint64(v.BigInt().BitLen())/3 + 2 // about log10(2) digits per bit
	case *starlark.List:
		return z.container(unsafe.Pointer(v), v.Len(), v.Index)
	case starlark.Tuple:
		if len(v) == 0 {
			return 2
		}
		return z.container(unsafe.Pointer(unsafe.SliceData(v)), len(v), func(i int) starlark.Value { return v[i] })
	case *starlark.Dict:
		items := v.Items()
		return z.container(unsafe.Pointer(v), 2*len(items), func(i int) starlark.Value { return items[i/2][i%2] })
	case *starlark.Set:
		var elems []starlark.Value
		iter := v.Iterate()
		var x starlark.Value
		for iter.Next(&x) {
			elems = append(elems, x)
		}
		iter.Done()
		return z.container(unsafe.Pointer(v), len(elems), func(i int) starlark.Value { return elems[i] })
	default:
		return 32 // None, bools, floats, functions, modules: short
	}
}

// container sums the sizes of n elements plus separators, once per
// identity; a container met again while being sized (a cycle) prints as
// "[...]".
func (z *textSizer) container(id unsafe.Pointer, n int, elem func(int) starlark.Value) uint64 {
	if s, ok := z.memo[id]; ok {
		return s
	}
	if z.depth++; z.depth > maxNesting {
		z.tooDeep = true
		return 0
	}
	z.maxDepth = max(z.maxDepth, z.depth)
	defer func() { z.depth-- }()
	z.memo[id] = 5
	total := uint64(2)
	for i := range n {
		total = addSat(total, addSat(z.size(elem(i)), 2))
	}
	z.memo[id] = total
	return total
}

func addSat(a, b uint64) uint64 {
	if a+b < a {
		return 1 << 63
	}
	return a + b
}

// textSize estimates the text of all of args together, or fails when one
// nests too deeply to convert.
func textSize(args ...starlark.Value) (uint64, error) {
	n, _, err := textSizeDepth(args...)
	return n, err
}

// textSizeDepth is textSize that also returns the deepest nesting.
func textSizeDepth(args ...starlark.Value) (uint64, int, error) {
	z := &textSizer{memo: map[unsafe.Pointer]uint64{}}
	var n uint64
	for _, a := range args {
		n = addSat(n, z.size(a))
	}
	if z.tooDeep {
		return 0, 0, errTooDeep
	}
	return n, z.maxDepth, nil
}

var errTooDeep = fmt.Errorf("value nested more than %d levels deep; this sandbox converts no deeper value to or from text", maxNesting)

// jsonNesting returns the deepest nesting of arrays and objects in the
// JSON text s (strings skipped), and the number of values and members in
// them (commas and openings), without decoding it.
func jsonNesting(s string) (depth, items int) {
	d := 0
	inStr, esc := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '[' || c == '{':
			d++
			items++
			depth = max(depth, d)
		case c == ']' || c == '}':
			d--
		case c == ',':
			items++
		}
	}
	return depth, items
}

// textBuiltin wraps the builtin orig so that the text of its positional
// arguments must fit in the memory budget before it runs.
func textBuiltin(name string, orig *starlark.Builtin) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := checkText(thread, fmt.Sprintf("the text of %s's arguments", name), args...); err != nil {
			return nil, err
		}
		return orig.CallInternal(thread, args, kwargs)
	})
}

// textBuiltins returns print, str and repr, and a json module whose
// encoders are wrapped likewise.
func textBuiltins() starlark.StringDict {
	d := starlark.StringDict{}
	for _, name := range []string{"print", "str", "repr"} {
		d[name] = textBuiltin(name, starlark.Universe[name].(*starlark.Builtin))
	}
	members := starlark.StringDict{}
	for k, v := range starjson.Module.Members {
		switch k {
		case "encode":
			v = textBuiltin("json."+k, v.(*starlark.Builtin))
		case "encode_indent":
			v = indentBuiltin("json."+k, v.(*starlark.Builtin), true)
		case "decode", "indent":
			v = indentBuiltin("json."+k, v.(*starlark.Builtin), k == "indent")
		}
		members[k] = v
	}
	d["json"] = &starlarkstruct.Module{Name: starjson.Module.Name, Members: members}
	return d
}

// indentBuiltin wraps json.decode, json.indent and json.encode_indent: the
// JSON text (given, or the value's) may not nest too deeply, and, when
// indenting, every line's prefix and indentation must fit in the budget.
func indentBuiltin(name string, orig *starlark.Builtin, indents bool) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if len(args) > 0 {
			var depth, items int
			var size uint64
			if s, ok := args[0].(starlark.String); ok && name != "json.encode_indent" {
				depth, items = jsonNesting(string(s))
				size = uint64(len(s))
			} else {
				n, d, err := textSizeDepth(args[0])
				if err != nil {
					return nil, err
				}
				// Every element takes at least two characters of text.
				size, depth, items = n, d, int(min(n, 1<<40)/2)
			}
			if depth > maxNesting {
				return nil, errTooDeep
			}
			if indents {
				per := uint64(1 + len("\t")*depth)
				for _, kw := range kwargs {
					if v, ok := kw[1].(starlark.String); ok {
						per += uint64(len(v) * depth)
					}
				}
				size = addSat(size, mulSat(uint64(items), per))
			}
			if size >= checkAtBytes {
				if err := budgetOf(thread).reserve(size, "the text of "+name); err != nil {
					return nil, err
				}
			}
		}
		return orig.CallInternal(thread, args, kwargs)
	})
}

// checkText refuses converting the non-string values among vals when
// their text would nest too deeply or outgrow the budget.
func checkText(thread *starlark.Thread, what string, vals ...starlark.Value) error {
	var check []starlark.Value
	for _, v := range vals {
		if _, isStr := v.(starlark.String); !isStr {
			check = append(check, v)
		}
	}
	if len(check) == 0 {
		return nil
	}
	n, err := textSize(check...)
	if err != nil {
		return err
	}
	if n < checkAtBytes {
		return nil
	}
	return budgetOf(thread).reserve(n, what)
}
