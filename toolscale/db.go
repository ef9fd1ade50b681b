package toolscale

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/batonhq/baton/env/domain"
)

// Record is one record: field name to a string, int64, float64, bool or
// nil value.
type Record map[string]any

// DB is a synthesised domain's database: keyed collections of records,
// with the [Spec] that types them. Records are never modified in place
// (writes replace them), so a Fork shares them and costs O(records) of
// pointer copies.
type DB struct {
	spec *Spec
	cols map[string]*table
}

type table struct {
	keys []string
	recs map[string]Record
}

var _ domain.DB = (*DB)(nil)

// NewDB returns an empty database shaped by spec.
func NewDB(spec *Spec) *DB {
	db := &DB{spec: spec, cols: map[string]*table{}}
	for _, c := range spec.Collections {
		db.cols[c.Name] = &table{recs: map[string]Record{}}
	}
	return db
}

// Spec returns the database's spec.
func (db *DB) Spec() *Spec { return db.spec }

// Fork implements domain.DB.
func (db *DB) Fork() domain.DB { return db.Clone() }

// Clone returns an independent copy.
func (db *DB) Clone() *DB {
	c := &DB{spec: db.spec, cols: make(map[string]*table, len(db.cols))}
	for n, t := range db.cols {
		c.cols[n] = &table{keys: slices.Clone(t.keys), recs: maps.Clone(t.recs)}
	}
	return c
}

// Get returns the record under key in collection col; the caller must
// not modify it.
func (db *DB) Get(col, key string) (Record, bool) {
	t := db.cols[col]
	if t == nil {
		return nil, false
	}
	r, ok := t.recs[key]
	return r, ok
}

// Keys returns the keys of col in insertion order.
func (db *DB) Keys(col string) []string {
	if t := db.cols[col]; t != nil {
		return t.keys
	}
	return nil
}

// Put stores r under key in col; a new key goes last.
func (db *DB) Put(col, key string, r Record) {
	t := db.cols[col]
	if _, ok := t.recs[key]; !ok {
		t.keys = append(t.keys, key)
	}
	t.recs[key] = r
}

// Delete removes key from col.
func (db *DB) Delete(col, key string) {
	t := db.cols[col]
	if _, ok := t.recs[key]; !ok {
		return
	}
	delete(t.recs, key)
	t.keys = slices.DeleteFunc(slices.Clone(t.keys), func(k string) bool { return k == key })
}

// Hash implements domain.DB: SHA-256 over the collections in spec order,
// each key in sorted order with the SHA-256 of its record's sorted-key
// Python JSON (the serialisation tau2 hashes).
func (db *DB) Hash() string {
	h := sha256.New()
	for _, c := range db.spec.Collections {
		t := db.cols[c.Name]
		h.Write([]byte(c.Name))
		h.Write([]byte{0})
		keys := slices.Clone(t.keys)
		sort.Strings(keys)
		for _, k := range keys {
			sum := sha256.Sum256(domain.PyJSONSorted(map[string]any(t.recs[k])))
			h.Write([]byte(k))
			h.Write([]byte{0})
			h.Write(sum[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ordered encodes a record with its fields in schema order, extra fields
// after them in sorted order.
type ordered struct {
	rec    Record
	fields []string
}

func (db *DB) ordered(col string, r Record) ordered {
	var names []string
	seen := map[string]bool{}
	if c := db.spec.collection(col); c != nil {
		for _, f := range c.Fields {
			if _, ok := r[f.Name]; ok {
				names = append(names, f.Name)
				seen[f.Name] = true
			}
		}
	}
	var extra []string
	for k := range r {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	return ordered{rec: r, fields: append(names, extra...)}
}

// EncodePy implements domain.PyMarshaler.
func (o ordered) EncodePy(e *domain.PyEncoder) {
	e.Object(o.fields, func(i int) { e.Value(o.rec[o.fields[i]]) })
}

func (s *Spec) collection(name string) *Collection {
	for i := range s.Collections {
		if s.Collections[i].Name == name {
			return &s.Collections[i]
		}
	}
	return nil
}

// LoadDB reads db.json, typing each value by its field in spec: integers
// become int64, numbers float64.
func LoadDB(spec *Spec, data []byte) (*DB, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("toolscale: db.json: %w", err)
	}
	db := NewDB(spec)
	for name := range raw {
		if spec.collection(name) == nil {
			return nil, fmt.Errorf("toolscale: db.json: collection %q is not in tools.json", name)
		}
	}
	for _, c := range spec.Collections {
		if raw[c.Name] == nil {
			continue
		}
		keys, vals, err := objectInOrder(raw[c.Name])
		if err != nil {
			return nil, fmt.Errorf("toolscale: db.json: %s: %w", c.Name, err)
		}
		for i, k := range keys {
			dec := json.NewDecoder(bytes.NewReader(vals[i]))
			dec.UseNumber()
			var m map[string]any
			if err := dec.Decode(&m); err != nil || m == nil {
				return nil, fmt.Errorf("toolscale: db.json: %s[%q]: want an object", c.Name, k)
			}
			r := Record{}
			for fk, v := range m {
				tv, err := typed(c.field(fk), v)
				if err != nil {
					return nil, fmt.Errorf("toolscale: db.json: %s[%q].%s: %w", c.Name, k, fk, err)
				}
				r[fk] = tv
			}
			if got, _ := r[c.Key].(string); got != k {
				return nil, fmt.Errorf("toolscale: db.json: %s[%q]: field %s is %v, want the record's key", c.Name, k, c.Key, r[c.Key])
			}
			if _, dup := db.Get(c.Name, k); dup {
				return nil, fmt.Errorf("toolscale: db.json: %s: duplicate key %q", c.Name, k)
			}
			db.Put(c.Name, k, r)
		}
	}
	return db, nil
}

// objectInOrder splits a JSON object into its keys, in document order,
// and their raw values.
func objectInOrder(raw []byte) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("want an object of records keyed by id")
	}
	var keys []string
	var vals []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("key %q: %w", k, err)
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	return keys, vals, nil
}

// typed converts a decoded JSON value to the field's Go type.
func typed(f *Field, v any) (any, error) {
	n, isNum := v.(json.Number)
	if f == nil {
		if isNum {
			if i, err := n.Int64(); err == nil {
				return i, nil
			}
			return n.Float64()
		}
		return v, nil
	}
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case "integer":
		if !isNum {
			return nil, fmt.Errorf("want an integer, got %T", v)
		}
		i, err := n.Int64()
		if err != nil {
			fl, ferr := n.Float64()
			if ferr != nil || fl != math.Trunc(fl) {
				return nil, fmt.Errorf("want an integer, got %s", n)
			}
			i = int64(fl)
		}
		return i, nil
	case "number":
		if !isNum {
			return nil, fmt.Errorf("want a number, got %T", v)
		}
		return n.Float64()
	case "boolean":
		if _, ok := v.(bool); !ok {
			return nil, fmt.Errorf("want a boolean, got %T", v)
		}
	default:
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("want a string, got %T", v)
		}
	}
	return v, nil
}

// MarshalJSON writes db.json: collections in spec order, records in
// insertion order, fields in schema order, indented by two spaces.
func (db *DB) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, c := range db.spec.Collections {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeJSONString(&buf, c.Name)
		buf.WriteString(":{")
		for j, k := range db.cols[c.Name].keys {
			if j > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(&buf, k)
			buf.WriteByte(':')
			o := db.ordered(c.Name, db.cols[c.Name].recs[k])
			buf.WriteByte('{')
			for fi, f := range o.fields {
				if fi > 0 {
					buf.WriteByte(',')
				}
				writeJSONString(&buf, f)
				buf.WriteByte(':')
				if err := writeValue(&buf, o.rec[f]); err != nil {
					return nil, fmt.Errorf("toolscale: %s[%q].%s: %w", c.Name, k, f, err)
				}
			}
			buf.WriteByte('}')
		}
		buf.WriteByte('}')
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	buf.Write(b)
}

func writeValue(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case float64:
		// Keep a '.', so the value reads back as a float in Python too.
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !bytes.ContainsAny([]byte(s), ".eE") {
			s += ".0"
		}
		buf.WriteString(s)
		return nil
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		buf.Write(b)
		return nil
	}
}

// Text formats a field value as a tool response shows it: Python's str()
// for numbers, the string itself for strings.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return x
	case float64:
		return domain.PyFloat(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	}
	return fmt.Sprint(v)
}
