package domain

import (
	"fmt"
	"reflect"
)

// TableOf turns one collection of a db.json, decoded in file order, into a
// base [Table]. kind names a record in the error ("flight", "order"). A
// null record is refused here, as tau2's pydantic models refuse it, rather
// than left for a tool to dereference.
func TableOf[T Entity[T]](o *OrderedMap[T], kind string) (*Table[T], error) {
	m := make(map[string]T, o.Len())
	for _, k := range o.Keys() {
		v, _ := o.Get(k)
		if isNil(v) {
			return nil, fmt.Errorf("%s %q is null", kind, k)
		}
		m[k] = v
	}
	return NewTable(o.Keys(), m), nil
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
