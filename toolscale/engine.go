package toolscale

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/batonhq/baton/env/domain"
)

// Engine runs a [Spec]'s tools against a [DB]. It holds no state of its
// own: every call reads and writes the DB it is given.
type Engine struct {
	spec  *Spec
	tools map[string]*ToolSpec
}

// NewEngine returns an engine for spec, which must be valid.
func NewEngine(spec *Spec) *Engine {
	e := &Engine{spec: spec, tools: map[string]*ToolSpec{}}
	for i := range spec.Tools {
		e.tools[spec.Tools[i].Name] = &spec.Tools[i]
	}
	return e
}

// Tool returns the spec of the named tool.
func (e *Engine) Tool(name string) (*ToolSpec, bool) {
	t, ok := e.tools[name]
	return t, ok
}

// Call runs the named tool on db. The string is the tool message content
// (Python-style JSON); an error is a *domain.ToolError the agent reads.
// A failed call leaves db unchanged.
func (e *Engine) Call(db *DB, name string, args json.RawMessage) (string, error) {
	t, ok := e.tools[name]
	if !ok {
		return "", domain.Errorf("Tool '%s' not found.", name)
	}
	in, err := decodeArgs(t, args)
	if err != nil {
		return "", err
	}
	c := e.spec.collection(t.Collection)
	switch t.Kind {
	case KindGet:
		r, err := mustGet(db, c, in[t.KeyParam])
		if err != nil {
			return "", err
		}
		return domain.PyJSON(db.ordered(c.Name, r)), nil
	case KindFind, KindList:
		return e.find(db, t, c, in)
	case KindUpdate:
		return e.update(db, t, c, in)
	case KindCreate:
		return e.create(db, t, c, in)
	case KindDelete:
		key := Text(in[t.KeyParam])
		r, err := mustGet(db, c, key)
		if err != nil {
			return "", err
		}
		if err := check(t.Require, r, key); err != nil {
			return "", err
		}
		db.Delete(c.Name, key)
		return fmt.Sprintf("%s %s deleted", capitalize(c.Entity), key), nil
	}
	return "", domain.Errorf("tool %s has unknown kind %q", t.Name, t.Kind)
}

func mustGet(db *DB, c *Collection, key any) (Record, error) {
	k := Text(key)
	r, ok := db.Get(c.Name, k)
	if !ok {
		return nil, domain.Errorf("%s %s not found", capitalize(c.Entity), k)
	}
	return r, nil
}

func (e *Engine) find(db *DB, t *ToolSpec, c *Collection, in map[string]any) (string, error) {
	var hits []string
	for _, k := range db.Keys(c.Name) {
		r, _ := db.Get(c.Name, k)
		if matches(t.Match, r, in) {
			hits = append(hits, k)
		}
	}
	if t.Kind == KindList {
		if hits == nil {
			hits = []string{}
		}
		return domain.PyJSON(hits), nil
	}
	if len(hits) == 0 {
		var what []string
		for _, b := range t.Match {
			what = append(what, fmt.Sprintf("%s %s", b.Field, Text(in[b.Param])))
		}
		return "", domain.Errorf("No %s found with %s", c.Entity, strings.Join(what, " and "))
	}
	out := make([]ordered, len(hits))
	for i, k := range hits {
		r, _ := db.Get(c.Name, k)
		out[i] = db.ordered(c.Name, r)
	}
	return domain.PyJSON(out), nil
}

func matches(bs []Bind, r Record, in map[string]any) bool {
	for _, b := range bs {
		want, ok := in[b.Param]
		if !ok {
			continue // an optional filter left out
		}
		got := r[b.Field]
		if ws, ok := want.(string); ok {
			gs, _ := got.(string)
			if !strings.EqualFold(strings.TrimSpace(ws), gs) {
				return false
			}
			continue
		}
		if Text(got) != Text(want) {
			return false
		}
	}
	return true
}

func check(ps []Precondition, r Record, key string) error {
	for _, p := range ps {
		v := Text(r[p.Field])
		if (len(p.In) > 0 && !slices.Contains(p.In, v)) || slices.Contains(p.NotIn, v) {
			msg := articles(strings.NewReplacer("{value}", v, "{id}", key).Replace(p.Message))
			return domain.Errorf("%s", msg)
		}
	}
	return nil
}

func (e *Engine) refs(db *DB, t *ToolSpec, in map[string]any) (map[string]Record, error) {
	out := map[string]Record{}
	for _, ref := range t.Refs {
		key := Text(in[ref.Param])
		c := e.spec.collection(ref.Collection)
		r, err := mustGet(db, c, key)
		if err != nil {
			return nil, err
		}
		if err := check(ref.Require, r, key); err != nil {
			return nil, err
		}
		out[ref.Param] = r
	}
	return out, nil
}

// apply computes the assignments and adjustments of t into copies of the
// target and referenced records; nothing is written until all succeed.
func (e *Engine) apply(t *ToolSpec, c *Collection, target Record, refs map[string]Record, in map[string]any) (Record, map[string]Record, error) {
	next := Record{}
	for k, v := range target {
		next[k] = v
	}
	for _, a := range t.Set {
		if a.Param != "" {
			if v, ok := in[a.Param]; ok {
				next[a.Field] = v
			}
			continue
		}
		v, err := typed(c.field(a.Field), numberize(a.Value))
		if err != nil {
			return nil, nil, domain.Errorf("tool %s: constant for %s: %v", t.Name, a.Field, err)
		}
		next[a.Field] = v
	}
	changed := map[string]Record{}
	for _, a := range t.Adjust {
		rec, col := next, c
		if a.On != "" {
			if changed[a.On] == nil {
				changed[a.On] = Record{}
				for k, v := range refs[a.On] {
					changed[a.On][k] = v
				}
			}
			rec = changed[a.On]
			for _, ref := range t.Refs {
				if ref.Param == a.On {
					col = e.spec.collection(ref.Collection)
				}
			}
		}
		f := col.field(a.Field)
		delta := toFloat(in[a.Param]) * float64(a.Sign)
		v := toFloat(rec[a.Field]) + delta
		if f.Type == "number" {
			v = math.Round(v*100) / 100
		}
		if a.Min != nil && v < *a.Min {
			msg := a.Message
			if msg == "" {
				msg = fmt.Sprintf("Not enough %s", strings.ReplaceAll(a.Field, "_", " "))
			}
			return nil, nil, domain.Errorf("%s", msg)
		}
		if f.Type == "integer" {
			rec[a.Field] = int64(math.Round(v))
		} else {
			rec[a.Field] = v
		}
	}
	return next, changed, nil
}

func (e *Engine) update(db *DB, t *ToolSpec, c *Collection, in map[string]any) (string, error) {
	key := Text(in[t.KeyParam])
	r, err := mustGet(db, c, key)
	if err != nil {
		return "", err
	}
	if err := check(t.Require, r, key); err != nil {
		return "", err
	}
	refs, err := e.refs(db, t, in)
	if err != nil {
		return "", err
	}
	next, changed, err := e.apply(t, c, r, refs, in)
	if err != nil {
		return "", err
	}
	db.Put(c.Name, key, next)
	e.putRefs(db, t, in, changed)
	return domain.PyJSON(db.ordered(c.Name, next)), nil
}

func (e *Engine) create(db *DB, t *ToolSpec, c *Collection, in map[string]any) (string, error) {
	refs, err := e.refs(db, t, in)
	if err != nil {
		return "", err
	}
	next, changed, err := e.apply(t, c, Record{}, refs, in)
	if err != nil {
		return "", err
	}
	key := newKey(db, c)
	next[c.Key] = key
	db.Put(c.Name, key, next)
	e.putRefs(db, t, in, changed)
	return domain.PyJSON(db.ordered(c.Name, next)), nil
}

func (e *Engine) putRefs(db *DB, t *ToolSpec, in map[string]any, changed map[string]Record) {
	for _, ref := range t.Refs {
		if r, ok := changed[ref.Param]; ok {
			db.Put(ref.Collection, Text(in[ref.Param]), r)
		}
	}
}

// newKey is the collection's prefix with the first free number counting
// from the collection's size plus one: deterministic given the state.
func newKey(db *DB, c *Collection) string {
	w := c.IDWidth
	if w <= 0 {
		w = 4
	}
	for n := len(db.Keys(c.Name)) + 1; ; n++ {
		k := fmt.Sprintf("%s%0*d", c.IDPrefix, w, n)
		if _, taken := db.Get(c.Name, k); !taken {
			return k
		}
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

func numberize(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	_ = dec.Decode(&v)
	return v
}

// decodeArgs checks args against t's parameters without a JSON Schema
// library, so golden replays (which skip schema validation, as tau2's do)
// still get typed values and clear errors.
func decodeArgs(t *ToolSpec, args json.RawMessage) (map[string]any, error) {
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, domain.Errorf("%s() got invalid arguments: want a JSON object", t.Name)
	}
	in := map[string]any{}
	for _, p := range t.Params {
		v, ok := raw[p.Name]
		if !ok || v == nil {
			if p.Optional {
				continue
			}
			return nil, domain.Errorf("%s() missing required argument: '%s'", t.Name, p.Name)
		}
		tv, err := typed(&Field{Name: p.Name, Type: p.Type}, v)
		if err != nil {
			return nil, domain.Errorf("%s() argument '%s': %v", t.Name, p.Name, err)
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, Text(tv)) {
			return nil, domain.Errorf("%s() argument '%s': %q is not one of %s", t.Name, p.Name, Text(tv), strings.Join(p.Enum, ", "))
		}
		if p.Minimum != nil && toFloat(tv) < *p.Minimum {
			return nil, domain.Errorf("%s() argument '%s': must be at least %s", t.Name, p.Name, strconv.FormatFloat(*p.Minimum, 'f', -1, 64))
		}
		in[p.Name] = tv
	}
	for k := range raw {
		if t.param(k) == nil {
			return nil, domain.Errorf("%s() got an unexpected keyword argument '%s'", t.Name, k)
		}
	}
	return in, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
