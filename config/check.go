package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// rawJSON is the type of free-form values (tool options, policy options),
// which their kinds decode strictly themselves.
var rawJSON = reflect.TypeFor[json.RawMessage]()

// checkTree walks a parsed YAML document against the type t and reports the
// first key t does not have, with its line and the nearest valid key, and
// the first number written in a form people do not mean (hex, octal, .inf,
// .nan), anywhere in the file.
func checkTree(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return checkTree(n.Content[0], t, path)
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return checkTree(n.Alias, t, path)
	}
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") && !decimalRE.MatchString(n.Value) {
		return fmt.Errorf("config: line %d: %s: %q is not a decimal number (write e.g. 16 or 0.125; hex, octal, .inf and .nan are refused)", n.Line, where(path), n.Value)
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	free := t == nil || t == rawJSON
	switch n.Kind {
	case yaml.MappingNode:
		var fields map[string]reflect.Type
		var elem reflect.Type
		switch {
		case free:
		case t.Kind() == reflect.Struct:
			fields = jsonFields(t)
		case t.Kind() == reflect.Map:
			elem = t.Elem()
		default:
			free = true
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			var vt reflect.Type
			switch {
			case fields != nil:
				ft, ok := fields[k.Value]
				if !ok {
					return unknownKey(k, path, fields)
				}
				vt = ft
			case elem != nil:
				vt = elem
			}
			if err := checkTree(v, vt, join(path, k.Value)); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		var elem reflect.Type
		if !free && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t != rawJSON {
			elem = t.Elem()
		}
		for i, c := range n.Content {
			if err := checkTree(c, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func where(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonFields maps a struct's JSON keys to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func unknownKey(k *yaml.Node, path string, fields map[string]reflect.Type) error {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	msg := fmt.Sprintf("config: line %d: unknown key %q in %s", k.Line, k.Value, where(path))
	if s := nearest(k.Value, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return fmt.Errorf("%s (valid keys: %s)", msg, strings.Join(names, ", "))
}

// nearest returns the name closest to s by edit distance, if it is close
// enough to be a likely misspelling.
func nearest(s string, names []string) string {
	best, bestD := "", 1<<30
	for _, n := range names {
		if d := editDistance(strings.ToLower(s), n); d < bestD {
			best, bestD = n, d
		}
	}
	if bestD <= max(2, len(s)/3) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
