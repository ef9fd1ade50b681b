package domain

import (
	"crypto/sha256"
	"slices"
	"sort"
	"sync"
)

// Entity is a database record that can deep-copy itself.
type Entity[T any] interface {
	// Clone returns a deep copy that shares nothing mutable with the
	// original, so a rollout's edit never reaches the shared base.
	Clone() T
}

// Table is one keyed collection of a domain database (users, orders,
// flights) with copy-on-write rollouts: every rollout's Table shares one
// immutable base and keeps only the records it changed or added in a small
// overlay. Forking a Table is O(1) in the size of the base, which makes a
// fresh database per rollout cheap; the first [Table.Edit] of a record
// deep-copies just that record.
//
// A Table is not safe for concurrent use; a rollout owns its Tables.
type Table[T Entity[T]] struct {
	base  *tableBase[T]
	over  map[string]T
	added []string // keys not in base, in insertion order
}

// tableBase is shared read-only by every fork.
type tableBase[T Entity[T]] struct {
	keys   []string
	m      map[string]T
	sorted []string

	hashOnce sync.Once
	hashes   map[string][32]byte
}

// NewTable makes a base Table from records in insertion order.
func NewTable[T Entity[T]](keys []string, m map[string]T) *Table[T] {
	b := &tableBase[T]{keys: keys, m: m, sorted: slices.Clone(keys)}
	sort.Strings(b.sorted)
	return &Table[T]{base: b}
}

// Fork returns a Table that sees t's records and keeps its own changes.
func (t *Table[T]) Fork() *Table[T] {
	f := &Table[T]{base: t.base, added: slices.Clone(t.added)}
	if len(t.over) > 0 {
		f.over = make(map[string]T, len(t.over))
		for k, v := range t.over {
			f.over[k] = v.Clone()
		}
	}
	return f
}

// Get returns the record under k for reading; the caller must not modify
// it (use [Table.Edit]).
func (t *Table[T]) Get(k string) (T, bool) {
	if v, ok := t.over[k]; ok {
		return v, true
	}
	v, ok := t.base.m[k]
	return v, ok
}

// Has reports whether k exists.
func (t *Table[T]) Has(k string) bool {
	_, ok := t.Get(k)
	return ok
}

// Edit returns the rollout's own copy of the record under k, copying it
// from the base on first use.
func (t *Table[T]) Edit(k string) (T, bool) {
	if v, ok := t.over[k]; ok {
		return v, true
	}
	v, ok := t.base.m[k]
	if !ok {
		return v, false
	}
	c := v.Clone()
	if t.over == nil {
		t.over = map[string]T{}
	}
	t.over[k] = c
	return c, true
}

// Put stores v under k; a new key goes last in [Table.Keys].
func (t *Table[T]) Put(k string, v T) {
	if _, ok := t.Get(k); !ok {
		t.added = append(t.added, k)
	}
	if t.over == nil {
		t.over = map[string]T{}
	}
	t.over[k] = v
}

// Keys returns every key in insertion order (a Python dict's order).
func (t *Table[T]) Keys() []string {
	if len(t.added) == 0 {
		return t.base.keys
	}
	return append(slices.Clone(t.base.keys), t.added...)
}

// Len returns the number of records.
func (t *Table[T]) Len() int { return len(t.base.keys) + len(t.added) }

// All calls yield for each record in insertion order.
func (t *Table[T]) All(yield func(k string, v T) bool) {
	for _, k := range t.Keys() {
		v, _ := t.Get(k)
		if !yield(k, v) {
			return
		}
	}
}

// HashInto adds the table's canonical content to h: every key in sorted
// order with the SHA-256 of its record's sorted-key Python JSON. Base
// records are hashed once per process and reused by every fork.
func (t *Table[T]) HashInto(h interface{ Write([]byte) (int, error) }, name string) {
	b := t.base
	b.hashOnce.Do(func() {
		b.hashes = make(map[string][32]byte, len(b.m))
		for k, v := range b.m {
			b.hashes[k] = sha256.Sum256(PyJSONSorted(v))
		}
	})
	keys := b.sorted
	if len(t.added) > 0 {
		keys = append(slices.Clone(b.sorted), t.added...)
		sort.Strings(keys)
	}
	_, _ = h.Write([]byte(name))
	_, _ = h.Write([]byte{0})
	for _, k := range keys {
		var sum [32]byte
		if v, ok := t.over[k]; ok {
			sum = sha256.Sum256(PyJSONSorted(v))
		} else {
			sum = b.hashes[k]
		}
		_, _ = h.Write([]byte(k))
		_, _ = h.Write([]byte{0})
		_, _ = h.Write(sum[:])
	}
}

// EncodePy implements [PyMarshaler]: the whole table as a dict.
func (t *Table[T]) EncodePy(e *PyEncoder) {
	keys := t.Keys()
	e.Object(keys, func(i int) {
		v, _ := t.Get(keys[i])
		e.Value(v)
	})
}
