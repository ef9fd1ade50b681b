package sandbox

import (
	"fmt"

	starjson "go.starlark.net/lib/json"
	starmath "go.starlark.net/lib/math"
	"go.starlark.net/starlark"
)

// materializers are the universe builtins that copy an iterable into
// memory in one Go call, which neither the step limit nor cancellation can
// interrupt: list(range(10**10)) would ask Go for 160 GB at once and crash
// Baton. Their wrapped versions refuse inputs longer than the step limit.
var materializers = []string{"list", "tuple", "sorted", "set", "dict", "enumerate", "reversed", "zip"}

// starlarkPredeclared returns the names a program sees besides the
// universe builtins: the pure json and math modules (nothing here touches
// files, the network, the clock or the environment), plus range and the
// materializers wrapped so that no single call can build more than
// maxElems elements.
func starlarkPredeclared(maxElems uint64) starlark.StringDict {
	d := starlark.StringDict{
		"json": starjson.Module,
		"math": starmath.Module,
	}
	for _, name := range append([]string{"range"}, materializers...) {
		d[name] = boundedBuiltin(name, maxElems)
	}
	for name, b := range allocBuiltins() {
		d[name] = b
	}
	for name, b := range textBuiltins() {
		d[name] = b
	}
	return d
}

// boundedBuiltin wraps the universe builtin name: range's result, and
// every sized positional argument of the others, may have at most max
// elements.
func boundedBuiltin(name string, max uint64) *starlark.Builtin {
	orig := starlark.Universe[name].(*starlark.Builtin)
	tooBig := func(n int) error {
		return fmt.Errorf("%s: %d elements exceed this sandbox's limit of %d; work on fewer at a time", name, n, max)
	}
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if name != "range" {
			for _, a := range args {
				if n := starlark.Len(a); n > 0 && uint64(n) > max {
					return nil, tooBig(n)
				}
			}
		}
		v, err := orig.CallInternal(thread, args, kwargs)
		if err != nil {
			return nil, err
		}
		if name == "range" {
			if n := starlark.Len(v); n > 0 && uint64(n) > max {
				return nil, tooBig(n)
			}
		}
		return v, nil
	})
}
