package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
)

// TableDB is a domain database made only of keyed tables, the shape of
// tau2's airline database (flights, users, reservations) and retail
// database (products, users, orders). S is the domain's struct of tables:
// every field is a *[Table] with a `json:"name"` tag (its key in db.json
// and in hashes) and a `record:"kind"` tag (a record's name in errors),
// in the order of tau2's pydantic model, which is the order of
// model_dump():
//
//	type Tables struct {
//		Flights *domain.Table[*Flight] `json:"flights" record:"flight"`
//		...
//	}
//	type DB = domain.TableDB[Tables]
//
// A TableDB forks, hashes, encodes and loads its tables one by one in
// field order; tools read and write them through T.
type TableDB[S any] struct {
	// T holds the tables.
	T S
}

var _ DB = (*TableDB[struct{}])(nil)

// anyTable is a *Table[T] of any record type.
type anyTable interface {
	HashInto(h interface{ Write([]byte) (int, error) }, name string)
	EncodePy(e *PyEncoder)
	forkAny() any
	parseAny(raw json.RawMessage, kind string) (any, error)
}

func (t *Table[T]) forkAny() any { return t.Fork() }

// parseAny decodes one db.json collection (nil: absent, an empty table)
// into a base table; it is called on a nil *Table[T] and uses only its
// type.
func (*Table[T]) parseAny(raw json.RawMessage, kind string) (any, error) {
	var o OrderedMap[T]
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, err
		}
	}
	return TableOf(&o, kind)
}

// tableField is one table of S: its struct field, db.json key and record
// kind.
type tableField struct {
	index      int
	name, kind string
}

// tableFields lists S's tables; it panics when S is not a struct of
// tagged *Table fields, which is a programming error in a domain package.
func tableFields(t reflect.Type) []tableField {
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("domain: TableDB[%s]: want a struct of *Table fields", t))
	}
	at := reflect.TypeFor[anyTable]()
	out := make([]tableField, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, kind := f.Tag.Get("json"), f.Tag.Get("record")
		if !f.IsExported() || !f.Type.Implements(at) || name == "" || kind == "" {
			panic(fmt.Sprintf("domain: TableDB[%s]: field %s must be an exported *Table with json and record tags", t, f.Name))
		}
		out = append(out, tableField{index: i, name: name, kind: kind})
	}
	return out
}

func (db *TableDB[S]) each(fn func(f tableField, v reflect.Value)) {
	v := reflect.ValueOf(&db.T).Elem()
	for _, f := range tableFields(v.Type()) {
		fn(f, v.Field(f.index))
	}
}

// Fork implements [DB]: every table forked.
func (db *TableDB[S]) Fork() DB {
	c := &TableDB[S]{}
	cv := reflect.ValueOf(&c.T).Elem()
	db.each(func(f tableField, v reflect.Value) {
		cv.Field(f.index).Set(reflect.ValueOf(v.Interface().(anyTable).forkAny()))
	})
	return c
}

// Hash implements [DB]: each table's canonical content under its name, in
// field order.
func (db *TableDB[S]) Hash() string {
	h := sha256.New()
	db.each(func(f tableField, v reflect.Value) { v.Interface().(anyTable).HashInto(h, f.name) })
	return hex.EncodeToString(h.Sum(nil))
}

// EncodePy writes the whole database as tau2's model_dump(): one dict per
// table, in field order.
func (db *TableDB[S]) EncodePy(e *PyEncoder) {
	var names []string
	var tables []anyTable
	db.each(func(f tableField, v reflect.Value) {
		names = append(names, f.name)
		tables = append(tables, v.Interface().(anyTable))
	})
	e.Object(names, func(i int) { e.Value(tables[i]) })
}

// ParseTableDB builds a database from db.json's content; domainName
// prefixes errors ("airline: db.json: ..."). A table missing from the file
// is empty; a null record is refused ([TableOf]).
func ParseTableDB[S any](domainName string, data []byte) (*TableDB[S], error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("%s: db.json: %w", domainName, err)
	}
	db := &TableDB[S]{}
	var err error
	db.each(func(f tableField, v reflect.Value) {
		if err != nil {
			return
		}
		zero := reflect.Zero(v.Type()).Interface().(anyTable)
		t, perr := zero.parseAny(top[f.name], f.kind)
		if perr != nil {
			err = fmt.Errorf("%s: db.json: %s: %w", domainName, f.name, perr)
			return
		}
		v.Set(reflect.ValueOf(t))
	})
	if err != nil {
		return nil, err
	}
	return db, nil
}

// LoadTableDB reads dir/db.json (see [ParseTableDB]).
func LoadTableDB[S any](ctx context.Context, domainName, dir string) (*TableDB[S], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "db.json"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", domainName, err)
	}
	return ParseTableDB[S](domainName, b)
}
