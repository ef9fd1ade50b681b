package money

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

//go:embed catalog.json
var catalogJSON []byte

// Catalog maps model names to their list prices. Names are matched without
// regard to case. The default catalog ships with the binary (catalog.json,
// with its sources and the date the prices were read); a baton.yaml "prices"
// section overrides or extends it with [Catalog.Merge].
type Catalog struct {
	// Source and AsOf say where the prices were read and when.
	Source string           `json:"source"`
	AsOf   string           `json:"as_of"`  // the date the prices were read
	Models map[string]Price `json:"models"` // by model name; Lookup ignores case
}

// DefaultCatalog returns a fresh copy of the embedded price catalog.
func DefaultCatalog() *Catalog {
	c, err := ParseCatalog(catalogJSON)
	if err != nil {
		panic(fmt.Sprintf("money: embedded catalog.json is invalid: %v", err))
	}
	return c
}

// ParseCatalog decodes a catalog strictly: an unknown field is an error, so
// a misspelt "output_per_milion" cannot silently price a model at zero.
func ParseCatalog(b []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("money: price catalog: %w", err)
	}
	norm := make(map[string]Price, len(c.Models))
	for name, p := range c.Models {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("money: price catalog: model %q: %w", name, err)
		}
		norm[strings.ToLower(name)] = p
	}
	c.Models = norm
	return &c, nil
}

// Lookup returns the price of model, and whether the catalog knows it.
func (c *Catalog) Lookup(model string) (Price, bool) {
	p, ok := c.Models[strings.ToLower(model)]
	return p, ok
}

// Merge sets (or replaces) the prices of the given models.
func (c *Catalog) Merge(over map[string]Price) {
	if c.Models == nil {
		c.Models = map[string]Price{}
	}
	for name, p := range over {
		c.Models[strings.ToLower(name)] = p
	}
}

// Names lists the models of the catalog in sorted order.
func (c *Catalog) Names() []string {
	out := make([]string, 0, len(c.Models))
	for n := range c.Models {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Validate rejects negative price components.
func (p Price) Validate() error {
	if p.PerCall < 0 || p.PerSecond < 0 || p.InputPerM < 0 || p.OutputPerM < 0 {
		return fmt.Errorf("money: negative price %+v", p)
	}
	return nil
}
