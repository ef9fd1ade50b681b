package tool

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schema is a compiled JSON Schema for a tool's arguments.
type Schema struct {
	s *jsonschema.Schema
}

var printer = message.NewPrinter(language.English)

// compiled caches schemas by their text: environments build a fresh Set for
// every rollout over the same few tools, and compiling dominated that.
// Compiled schemas are immutable and safe for concurrent validation.
var compiled struct {
	sync.Mutex
	m map[string]*Schema
}

// maxCachedSchemas bounds the cache; past it schemas are compiled anew.
const maxCachedSchemas = 4096

// CompileSchema compiles a JSON Schema document. An empty document accepts
// any JSON object. Identical documents share one compiled schema.
func CompileSchema(doc json.RawMessage) (*Schema, error) {
	if len(bytes.TrimSpace(doc)) == 0 {
		doc = json.RawMessage(`{"type":"object"}`)
	}
	key := string(doc)
	compiled.Lock()
	s, ok := compiled.m[key]
	compiled.Unlock()
	if ok {
		return s, nil
	}
	s, err := compileSchema(doc)
	if err != nil {
		return nil, err
	}
	compiled.Lock()
	if compiled.m == nil {
		compiled.m = map[string]*Schema{}
	}
	if len(compiled.m) < maxCachedSchemas {
		compiled.m[key] = s
	}
	compiled.Unlock()
	return s, nil
}

func compileSchema(doc json.RawMessage) (*Schema, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("tool: schema is not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("mem:///args.json", v); err != nil {
		return nil, fmt.Errorf("tool: schema: %w", err)
	}
	s, err := c.Compile("mem:///args.json")
	if err != nil {
		return nil, fmt.Errorf("tool: schema does not compile: %w", err)
	}
	return &Schema{s: s}, nil
}

// Validate checks args against the schema. The error wraps
// [ErrInvalidArgs] and names each offending field by its JSON pointer, e.g.
// `tool: invalid arguments: /expression: got number, want string`.
func (s *Schema) Validate(args json.RawMessage) error {
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("{}")
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(args))
	if err != nil {
		return fmt.Errorf("%w: not valid JSON (%w); send a JSON object", ErrInvalidArgs, err)
	}
	if err := s.s.Validate(v); err != nil {
		ve, ok := err.(*jsonschema.ValidationError)
		if !ok {
			return fmt.Errorf("%w: %w", ErrInvalidArgs, err)
		}
		return fmt.Errorf("%w: %s", ErrInvalidArgs, describe(ve))
	}
	return nil
}

// describe flattens a validation error into "pointer: message" clauses, one
// per leaf cause, sorted for stable output.
func describe(e *jsonschema.ValidationError) string {
	var parts []string
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := "/" + strings.Join(e.InstanceLocation, "/")
			parts = append(parts, loc+": "+e.ErrorKind.LocalizedString(printer))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(e)
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
