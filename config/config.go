package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
)

// FileName is the config file looked for in the working directory.
const FileName = "baton.yaml"

// Config is baton.yaml. Every field is optional; [Config.Defaults] fills
// what is missing. Secrets never live here: tools name the environment
// variables that hold them.
type Config struct {
	// Data is the data root (see package dataset); --data overrides it.
	Data string `json:"data,omitempty"`
	// Policy is the default policy kind for baton run and serve.
	Policy string `json:"policy,omitempty"`
	// Policies holds options per policy kind.
	Policies map[string]json.RawMessage `json:"policies,omitempty"`
	// Budget is the default per-run budget.
	Budget Budget `json:"budget,omitzero"`
	// Prices overrides or extends the built-in price catalog, by model.
	Prices map[string]money.Price `json:"prices,omitempty"`
	// Tools declares tool instances.
	Tools []ToolConfig `json:"tools,omitempty"`
	// NoDefaultTools, when true, opens only the declared tools; otherwise
	// the kinds marked Default (math, python, starlark, web search) are
	// opened too unless a declared tool already has their name.
	NoDefaultTools bool `json:"no_default_tools,omitempty"`
	// Judge, when set, makes baton serve score a sample of answered runs
	// with an LLM judge (see [Judge]).
	Judge *Judge `json:"judge,omitempty"`

	// Dir is the directory of the file the config came from, against which
	// relative paths resolve. Not read from the file.
	Dir string `json:"-"`

	// policyDefaulted records that the file named no policy, so
	// DefaultPolicy may pick the best available one.
	policyDefaulted bool
}

// ToolConfig is one tool instance.
type ToolConfig struct {
	Kind    string          `json:"kind"`              // registered tool kind, see tool.Register
	Name    string          `json:"name,omitempty"`    // overrides the tool's name; empty keeps the kind's default
	Options json.RawMessage `json:"options,omitempty"` // kind-specific options, decoded strictly by the kind
}

// Budget is a per-run budget in config form.
type Budget struct {
	MaxCost  money.Amount `json:"max_cost,omitempty"`  // the most one run may spend; zero means unlimited
	MaxTime  Duration     `json:"max_time,omitempty"`  // wall time per run; Defaults sets 2m when zero
	MaxTurns int          `json:"max_turns,omitempty"` // decisions per run, the answer included; Defaults sets 8 when zero
}

// Episode returns the budget in the orchestrator's form.
func (b Budget) Episode() episode.Budget {
	return episode.Budget{MaxCost: b.MaxCost, MaxTime: time.Duration(b.MaxTime), MaxTurns: b.MaxTurns}
}

// Duration is [duration.Duration], kept under its old name for code not
// yet updated.
//
// Deprecated: use duration.Duration; backends must not import config.
type Duration = duration.Duration

// Defaults fills unset fields with Baton's defaults.
func (c *Config) Defaults() {
	if c.Policy == "" {
		c.Policy = "cheapest"
		c.policyDefaulted = true
	}
	if c.Budget.MaxTurns == 0 {
		c.Budget.MaxTurns = 8
	}
	if c.Budget.MaxTime == 0 {
		c.Budget.MaxTime = Duration(2 * time.Minute)
	}
}

// Validate reports the first problem that would make the config unusable.
func (c *Config) Validate() error {
	if c.Budget.MaxCost < 0 || c.Budget.MaxTime < 0 || c.Budget.MaxTurns < 0 {
		return errors.New("config: budget values must not be negative")
	}
	for i, t := range c.Tools {
		if t.Kind == "" {
			return fmt.Errorf("config: tools[%d] has no kind; run `baton tools kinds` to list them", i)
		}
	}
	for name, p := range c.Prices {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("config: prices[%q]: %w", name, err)
		}
	}
	return c.validateJudge()
}

// Catalog returns the default price catalog with the config's overrides.
func (c *Config) Catalog() *money.Catalog {
	cat := money.DefaultCatalog()
	cat.Merge(c.Prices)
	return cat
}

// Parse decodes a YAML (or JSON) config strictly: an unknown key anywhere
// in the known structure is an error naming it.
//
// A misspelt key is reported with its line and the nearest valid key; a
// second YAML document ("---") and numbers in hex, octal or as .inf/.nan
// are errors too.
func Parse(b []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config: not valid YAML: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, fmt.Errorf("config: line %d: a second YAML document; baton.yaml holds exactly one (remove the \"---\" and merge the keys)", max(extra.Line, 1))
	} else if !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config: not valid YAML after the first document: %w", err)
	}
	if err := checkTree(&doc, reflect.TypeFor[Config](), ""); err != nil {
		return nil, err
	}
	var tree any
	if doc.Kind != 0 {
		if err := doc.Decode(&tree); err != nil {
			return nil, fmt.Errorf("config: not valid YAML: %w", err)
		}
	}
	if tree == nil {
		tree = map[string]any{}
	}
	if _, ok := tree.(map[string]any); !ok {
		return nil, fmt.Errorf("config: the top level must be a mapping of keys such as tools:, budget:, policy:")
	}
	js, err := json.Marshal(tree)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	jdec := json.NewDecoder(bytes.NewReader(js))
	jdec.DisallowUnknownFields()
	if err := jdec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.Defaults()
	if c.Judge == nil && lineOf(&doc, []string{"judge"}) > 0 {
		return nil, fmt.Errorf("config: line %d: judge: is empty: set its tool and sample (e.g. judge: {tool: gpt-4o-mini, sample: 0.1}), or remove it", lineOf(&doc, []string{"judge"}))
	}
	if err := c.Validate(); err != nil {
		return nil, withLine(&doc, err)
	}
	return &c, nil
}

// Load reads the config at path. An empty path means $BATON_CONFIG, then
// ./baton.yaml if it exists, then the built-in defaults.
func Load(path string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	explicit := path != ""
	if path == "" {
		path = getenv("BATON_CONFIG")
		explicit = path != ""
	}
	if path == "" {
		path = FileName
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			c := &Config{}
			c.Defaults()
			c.Dir, _ = os.Getwd()
			return c, nil
		}
		return nil, fmt.Errorf("config: %w (pass --config FILE, or unset BATON_CONFIG)", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, _ := filepath.Abs(path)
	c.Dir = filepath.Dir(abs)
	return c, nil
}

// ParsePreferences reads the --prefer syntax: comma-separated items, each a
// preset of [episode.Preset] (accuracy, balanced, cost/cheap, fast/latency,
// local) or key=weight with key accuracy, cost, latency or tool:NAME.
func ParsePreferences(s string) (episode.Preferences, error) {
	var p episode.Preferences
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, hasVal := strings.Cut(item, "=")
		if !hasVal {
			q, ok := episode.Preset(key)
			if !ok {
				return p, fmt.Errorf("config: unknown preference %q: use a preset (%s) or key=weight", key, strings.Join(episode.PresetNames(), ", "))
			}
			// A preset with weights sets them; its text and tool weights
			// add to the others given ("cost,local").
			if q.Accuracy != 0 || q.Cost != 0 || q.Latency != 0 {
				p.Accuracy, p.Cost, p.Latency = q.Accuracy, q.Cost, q.Latency
			}
			if q.Text != "" {
				p.Text = strings.TrimSpace(p.Text + " " + q.Text)
			}
			for k, w := range q.Tools {
				if p.Tools == nil {
					p.Tools = map[string]float64{}
				}
				p.Tools[k] = w
			}
			continue
		}
		// ParseFloat, not Sscanf: "1x" must not read as 1, and NaN or Inf
		// would poison every score the weight multiplies.
		w, err := ParseDecimal(val)
		if err != nil || w < 0 {
			return p, fmt.Errorf("config: preference %q: weight must be a non-negative number", item)
		}
		switch {
		case key == "accuracy":
			p.Accuracy = w
		case key == "cost":
			p.Cost = w
		case key == "latency":
			p.Latency = w
		case strings.HasPrefix(key, "tool:"):
			if p.Tools == nil {
				p.Tools = map[string]float64{}
			}
			p.Tools[strings.TrimPrefix(key, "tool:")] = w
		default:
			return p, fmt.Errorf("config: unknown preference key %q: use accuracy, cost, latency or tool:NAME", key)
		}
	}
	return p, nil
}

// decimalRE is a plain decimal number: optional sign, digits with an
// optional fraction, an optional exponent. No hex, binary, octal prefixes,
// underscores, NaN or Inf, all of which strconv.ParseFloat accepts.
var decimalRE = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// ParseDecimal reads s as a plain decimal number and refuses everything
// else people do not mean as one: "NaN", "Inf", "0x10", "0x1p-3", "1_000",
// and values too large for a float64. Every numeric input from flags,
// headers and files goes through it (or an equivalent check).
func ParseDecimal(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if !decimalRE.MatchString(t) {
		return 0, fmt.Errorf("config: %q is not a decimal number (write e.g. 5, 0.25 or 1e-3; no hex, NaN or Inf)", s)
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("config: %q is out of range", s)
	}
	return f, nil
}
