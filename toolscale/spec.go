package toolscale

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
)

// Spec is the content of a synthesised domain's tools.json: the shape of
// its database and the tools over it.
type Spec struct {
	// Domain is the domain's directory name, e.g. "bank".
	Domain string `json:"domain"`
	// Collections describe db.json's top-level keys, in order.
	Collections []Collection `json:"collections"`
	// Tools are the agent's tools, in order.
	Tools []ToolSpec `json:"tools"`
}

// Collection is one keyed collection of records (customers, bookings).
type Collection struct {
	Name string `json:"name"` // e.g. "bookings"
	// Entity is the singular name used in messages, e.g. "booking".
	Entity string `json:"entity"`
	// Key is the field holding each record's id, e.g. "booking_id".
	Key string `json:"key"`
	// IDPrefix and IDWidth shape the ids of created records: prefix plus
	// the first free zero-padded number.
	IDPrefix string  `json:"id_prefix"`
	IDWidth  int     `json:"id_width"`
	Fields   []Field `json:"fields"` // the record's fields, in order
}

// Field is one typed field of a record.
type Field struct {
	Name string `json:"name"` // field name in the record
	// Type is "string", "integer", "number" or "boolean".
	Type        string   `json:"type"`
	Enum        []string `json:"enum,omitempty"`        // allowed values; empty means any
	Description string   `json:"description,omitempty"` // what the field holds, shown to the agent
	// Ref names the collection whose key this field holds.
	Ref string `json:"ref,omitempty"`
}

// Tool kinds understood by [Engine].
const (
	KindGet    = "get"    // the record under the key parameter
	KindFind   = "find"   // the records whose fields equal the match parameters
	KindList   = "list"   // the ids of the records matching (all when no match)
	KindUpdate = "update" // change a record's fields, after preconditions
	KindCreate = "create" // add a record, after reference checks
	KindDelete = "delete" // remove a record, after preconditions
)

// ToolSpec is one tool with a declarative semantics.
type ToolSpec struct {
	Name        string  `json:"name"`        // tool name the agent calls
	Description string  `json:"description"` // what the tool does, shown to the agent
	Kind        string  `json:"kind"`        // one of the Kind constants
	Collection  string  `json:"collection"`  // the collection the tool acts on
	Params      []Param `json:"params"`      // the tool's parameters, in order
	// KeyParam names the parameter holding the target record's id (get,
	// update, delete).
	KeyParam string `json:"key_param,omitempty"`
	// Match filters records for find and list: each field must equal its
	// parameter's value (strings case-insensitively).
	Match []Bind `json:"match,omitempty"`
	// Require are preconditions on the target record (update, delete).
	Require []Precondition `json:"require,omitempty"`
	// Refs are records a create or update refers to by a parameter; each
	// must exist and meet its own preconditions.
	Refs []Ref `json:"refs,omitempty"`
	// Set assigns fields of the target (or new) record.
	Set []Assign `json:"set,omitempty"`
	// Adjust changes numeric fields of the target or a referenced record.
	Adjust []Adjust `json:"adjust,omitempty"`
}

// Param is one tool parameter.
type Param struct {
	Name        string   `json:"name"`               // parameter name
	Type        string   `json:"type"`               // "string", "integer", "number" or "boolean", as Field.Type
	Description string   `json:"description"`        // what to pass, shown to the agent
	Enum        []string `json:"enum,omitempty"`     // allowed values; empty means any
	Minimum     *float64 `json:"minimum,omitempty"`  // least allowed value of a numeric parameter; nil means none
	Optional    bool     `json:"optional,omitempty"` // the agent may leave it out
}

// Bind ties a record field to a parameter.
type Bind struct {
	Field string `json:"field"` // record field to compare
	Param string `json:"param"` // parameter whose value it must equal
}

// Precondition requires a field's value (as text) to be in In, or not in
// NotIn. Message is the error the agent reads when it fails; "{value}"
// and "{id}" are replaced by the field's value and the record's id.
type Precondition struct {
	Field   string   `json:"field"`            // record field checked
	In      []string `json:"in,omitempty"`     // allowed values as text; empty means any
	NotIn   []string `json:"not_in,omitempty"` // forbidden values as text
	Message string   `json:"message"`          // error the agent reads on failure, with {value} and {id} filled
}

// Ref is a record referred to by parameter Param in collection Collection.
type Ref struct {
	Param      string         `json:"param"`             // parameter holding the referred record's id
	Collection string         `json:"collection"`        // collection the record must be in
	Require    []Precondition `json:"require,omitempty"` // preconditions on the referred record
}

// Assign sets Field from parameter Param, or to the constant Value.
type Assign struct {
	Field string          `json:"field"`           // record field assigned
	Param string          `json:"param,omitempty"` // parameter to copy; empty means use Value
	Value json.RawMessage `json:"value,omitempty"` // constant JSON value, used when Param is empty
}

// Adjust adds Sign times parameter Param to numeric Field of the target
// record, or of the record referred to by parameter On. A result below Min
// fails with Message.
type Adjust struct {
	Field   string   `json:"field"`             // numeric record field changed
	Param   string   `json:"param"`             // parameter holding the amount
	Sign    int      `json:"sign"`              // +1 adds the amount, -1 subtracts it
	On      string   `json:"on,omitempty"`      // parameter naming the referred record to change; empty means the target
	Min     *float64 `json:"min,omitempty"`     // least allowed result; nil means no bound
	Message string   `json:"message,omitempty"` // error the agent reads when the result is below Min
}

// Mutates reports whether the tool can change the database.
func (t *ToolSpec) Mutates() bool {
	switch t.Kind {
	case KindUpdate, KindCreate, KindDelete:
		return true
	}
	return false
}

// ParseSpec reads and validates a tools.json document.
func ParseSpec(data []byte) (*Spec, error) {
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("toolscale: tools.json: %w", err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

var identRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

var fieldTypes = []string{"string", "integer", "number", "boolean"}

// Validate checks that names are well formed and every reference
// (collection, field, parameter) resolves.
func (s *Spec) Validate() error {
	if !identRE.MatchString(s.Domain) {
		return fmt.Errorf("toolscale: tools.json: domain %q: want lower-case letters, digits and '_'", s.Domain)
	}
	cols := map[string]*Collection{}
	for i := range s.Collections {
		c := &s.Collections[i]
		if !identRE.MatchString(c.Name) {
			return fmt.Errorf("toolscale: collections[%d]: bad name %q", i, c.Name)
		}
		if cols[c.Name] != nil {
			return fmt.Errorf("toolscale: collections[%d]: duplicate name %q", i, c.Name)
		}
		cols[c.Name] = c
		if c.field(c.Key) == nil {
			return fmt.Errorf("toolscale: collection %s: key %q is not one of its fields", c.Name, c.Key)
		}
		for _, f := range c.Fields {
			if !slices.Contains(fieldTypes, f.Type) {
				return fmt.Errorf("toolscale: collection %s field %s: type %q: want one of %v", c.Name, f.Name, f.Type, fieldTypes)
			}
		}
	}
	for _, c := range s.Collections {
		for _, f := range c.Fields {
			if f.Ref != "" && cols[f.Ref] == nil {
				return fmt.Errorf("toolscale: collection %s field %s: ref to unknown collection %q", c.Name, f.Name, f.Ref)
			}
		}
	}
	names := map[string]bool{}
	for i := range s.Tools {
		if err := s.Tools[i].validate(cols); err != nil {
			return fmt.Errorf("toolscale: tools[%d] %s: %w", i, s.Tools[i].Name, err)
		}
		if names[s.Tools[i].Name] {
			return fmt.Errorf("toolscale: tools[%d]: duplicate name %q", i, s.Tools[i].Name)
		}
		names[s.Tools[i].Name] = true
	}
	return nil
}

func (c *Collection) field(name string) *Field {
	for i := range c.Fields {
		if c.Fields[i].Name == name {
			return &c.Fields[i]
		}
	}
	return nil
}

func (t *ToolSpec) param(name string) *Param {
	for i := range t.Params {
		if t.Params[i].Name == name {
			return &t.Params[i]
		}
	}
	return nil
}

func (t *ToolSpec) validate(cols map[string]*Collection) error {
	if !identRE.MatchString(t.Name) {
		return fmt.Errorf("bad name: want lower-case letters, digits and '_'")
	}
	c := cols[t.Collection]
	if c == nil {
		return fmt.Errorf("unknown collection %q", t.Collection)
	}
	for _, p := range t.Params {
		if !slices.Contains(fieldTypes, p.Type) {
			return fmt.Errorf("param %s: type %q: want one of %v", p.Name, p.Type, fieldTypes)
		}
	}
	needParam := func(what, p string) error {
		if t.param(p) == nil {
			return fmt.Errorf("%s names parameter %q, which the tool does not declare", what, p)
		}
		return nil
	}
	needField := func(what string, c *Collection, f string) error {
		if c.field(f) == nil {
			return fmt.Errorf("%s names field %q, which collection %s lacks", what, f, c.Name)
		}
		return nil
	}
	switch t.Kind {
	case KindGet, KindUpdate, KindDelete:
		if err := needParam("key_param", t.KeyParam); err != nil {
			return err
		}
	case KindFind, KindList, KindCreate:
	default:
		return fmt.Errorf("kind %q: want get, find, list, update, create or delete", t.Kind)
	}
	for _, b := range t.Match {
		if err := needParam("match", b.Param); err != nil {
			return err
		}
		if err := needField("match", c, b.Field); err != nil {
			return err
		}
	}
	for _, p := range t.Require {
		if err := needField("require", c, p.Field); err != nil {
			return err
		}
	}
	for _, r := range t.Refs {
		if err := needParam("refs", r.Param); err != nil {
			return err
		}
		rc := cols[r.Collection]
		if rc == nil {
			return fmt.Errorf("refs: unknown collection %q", r.Collection)
		}
		for _, p := range r.Require {
			if err := needField("refs require", rc, p.Field); err != nil {
				return err
			}
		}
	}
	for _, a := range t.Set {
		if err := needField("set", c, a.Field); err != nil {
			return err
		}
		if a.Field == c.Key {
			return fmt.Errorf("set %s: a record's key cannot be assigned", a.Field)
		}
		if (a.Param == "") == (len(a.Value) == 0) {
			return fmt.Errorf("set %s: give exactly one of param and value", a.Field)
		}
		if a.Param != "" {
			if err := needParam("set", a.Param); err != nil {
				return err
			}
		}
	}
	for _, a := range t.Adjust {
		if err := needParam("adjust", a.Param); err != nil {
			return err
		}
		target := c
		if a.On != "" {
			var ref *Ref
			for i := range t.Refs {
				if t.Refs[i].Param == a.On {
					ref = &t.Refs[i]
				}
			}
			if ref == nil {
				return fmt.Errorf("adjust on %q: no ref with that parameter", a.On)
			}
			target = cols[ref.Collection]
		}
		f := target.field(a.Field)
		if f == nil || (f.Type != "integer" && f.Type != "number") {
			return fmt.Errorf("adjust: %s.%s is not a numeric field", target.Name, a.Field)
		}
		if a.Sign != 1 && a.Sign != -1 {
			return fmt.Errorf("adjust %s: sign must be 1 or -1", a.Field)
		}
	}
	return nil
}

// Schema returns the JSON Schema of the tool's arguments.
func (t *ToolSpec) Schema() json.RawMessage {
	props := map[string]any{}
	required := []string{}
	for _, p := range t.Params {
		s := map[string]any{"type": p.Type, "description": p.Description}
		if len(p.Enum) > 0 {
			s["enum"] = p.Enum
		}
		if p.Minimum != nil {
			s["minimum"] = *p.Minimum
		}
		props[p.Name] = s
		if !p.Optional {
			required = append(required, p.Name)
		}
	}
	b, _ := json.Marshal(map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false})
	return b
}
