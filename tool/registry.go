package tool

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/batonhq/baton/money"
)

// Kind is a family of tools a backend package provides, registered under a
// dotted ID such as "retrieval.bm25" or "llm.openai" by the package's init,
// as database/sql drivers are.
type Kind struct {
	// ID is the dotted identifier users write in baton.yaml.
	ID string
	// Doc is one line for `baton tools kinds`.
	Doc string
	// Default marks kinds opened with empty options when the configuration
	// declares no tools, so `baton run` works out of the box.
	Default bool
	// Open builds the tools of one configured instance. One instance may
	// yield several tools (an MCP server's tools, a model catalog).
	Open func(ctx context.Context, cfg Config) ([]Tool, error)
}

// Config is one instance's configuration, as declared in baton.yaml.
type Config struct {
	// Name overrides the tool name where the kind yields one tool, or
	// prefixes the names where it yields several; empty keeps the kind's
	// default.
	Name string
	// Options is the kind-specific configuration as JSON; decode it with
	// [Config.Decode].
	Options json.RawMessage
	// Prices is the price catalog in force (default plus overrides).
	Prices *money.Catalog
	// Getenv reads secrets; nil means os.Getenv.
	Getenv func(string) string
	// Dir is the directory relative paths in Options are resolved against
	// (the config file's directory); empty means the working directory.
	Dir string
}

// Decode decodes Options into v strictly: an unknown field is an error that
// names it, so a misspelt option is never silently ignored.
func (c Config) Decode(v any) error {
	if len(bytes.TrimSpace(c.Options)) == 0 || string(bytes.TrimSpace(c.Options)) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(c.Options))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("tool: options of %q: %w", c.Name, err)
	}
	return nil
}

// Env returns the value of the environment variable key.
func (c Config) Env(key string) string {
	if c.Getenv != nil {
		return c.Getenv(key)
	}
	return os.Getenv(key)
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Kind{}
	idRE    = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)
)

// Register makes a kind available by its ID. It panics if the ID is empty,
// not dotted lower-case words, already registered, or Open is nil: these are
// programming errors found at start-up.
func Register(k Kind) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if !idRE.MatchString(k.ID) {
		panic(fmt.Sprintf("tool: Register: invalid kind ID %q (want dotted lower-case words such as \"retrieval.bm25\")", k.ID))
	}
	if k.Open == nil {
		panic(fmt.Sprintf("tool: Register: kind %q has no Open function", k.ID))
	}
	if _, dup := kinds[k.ID]; dup {
		panic(fmt.Sprintf("tool: Register called twice for kind %q", k.ID))
	}
	kinds[k.ID] = k
}

// Kinds returns the registered kinds sorted by ID.
func Kinds() []Kind {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LookupKind returns the kind registered under id.
func LookupKind(id string) (Kind, error) {
	kindsMu.RLock()
	k, ok := kinds[id]
	kindsMu.RUnlock()
	if !ok {
		ids := make([]string, 0)
		for _, k := range Kinds() {
			ids = append(ids, k.ID)
		}
		return Kind{}, fmt.Errorf("%w kind %q (forgotten import of its package, e.g. _ \"github.com/batonhq/baton/tool/all\"?); registered kinds: %s",
			ErrUnknownTool, id, strings.Join(ids, ", "))
	}
	return k, nil
}

// Open builds the tools of kind id with cfg.
func Open(ctx context.Context, id string, cfg Config) ([]Tool, error) {
	k, err := LookupKind(id)
	if err != nil {
		return nil, err
	}
	ts, err := k.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("tool: open %s: %w", id, err)
	}
	return ts, nil
}
