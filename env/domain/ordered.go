package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// OrderedMap is a string-keyed map that remembers insertion order, as a
// Python dict does; tool responses list dict entries in that order.
type OrderedMap[V any] struct {
	keys []string
	m    map[string]V
}

// Len returns the number of entries.
func (o *OrderedMap[V]) Len() int { return len(o.keys) }

// Keys returns the keys in insertion order; the caller must not modify it.
func (o *OrderedMap[V]) Keys() []string { return o.keys }

// Get returns the value under k.
func (o *OrderedMap[V]) Get(k string) (V, bool) {
	v, ok := o.m[k]
	return v, ok
}

// Set stores v under k; a new key goes last.
func (o *OrderedMap[V]) Set(k string, v V) {
	if o.m == nil {
		o.m = map[string]V{}
	}
	if _, ok := o.m[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.m[k] = v
}

// Delete removes k, keeping the order of the rest (Python's dict.pop).
func (o *OrderedMap[V]) Delete(k string) {
	if _, ok := o.m[k]; !ok {
		return
	}
	delete(o.m, k)
	o.keys = slices.DeleteFunc(slices.Clone(o.keys), func(s string) bool { return s == k })
}

// Clone returns a copy whose values are copied by cp (nil: by assignment).
func (o *OrderedMap[V]) Clone(cp func(V) V) OrderedMap[V] {
	c := OrderedMap[V]{keys: slices.Clone(o.keys), m: make(map[string]V, len(o.m))}
	for k, v := range o.m {
		if cp != nil {
			v = cp(v)
		}
		c.m[k] = v
	}
	return c
}

// EncodePy implements [PyMarshaler].
func (o OrderedMap[V]) EncodePy(e *PyEncoder) {
	e.Object(o.keys, func(i int) { e.Value(o.m[o.keys[i]]) })
}

// UnmarshalJSON reads a JSON object keeping its key order; a repeated key
// keeps its first position and last value, as json.loads does.
func (o *OrderedMap[V]) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("domain: want a JSON object, got %v", t)
	}
	*o = OrderedMap[V]{m: map[string]V{}}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := t.(string)
		var v V
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("domain: key %q: %w", k, err)
		}
		o.Set(k, v)
	}
	_, err = dec.Token()
	return err
}

// MarshalJSON writes the entries in order (Go-style JSON, for debugging
// and storage; tool responses use [PyJSON]).
func (o OrderedMap[V]) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		vb, err := json.Marshal(o.m[k])
		if err != nil {
			return nil, err
		}
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
