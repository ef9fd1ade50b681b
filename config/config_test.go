package config

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
)

func TestParse(t *testing.T) {
	c, err := Parse([]byte(`
policy: llm
budget: {max_cost: 0.05, max_time: 90s, max_turns: 6}
prices:
  my-model: {input_per_million: 0.3, output_per_million: "1.2"}
tools:
  - kind: retrieval.bm25
    name: docs
    options: {dir: ./docs}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Policy != "llm" || c.Budget.MaxCost != money.MustParse("0.05") || time.Duration(c.Budget.MaxTime) != 90*time.Second || c.Budget.MaxTurns != 6 {
		t.Fatalf("parsed %+v", c)
	}
	if p, ok := c.Catalog().Lookup("my-model"); !ok || p.OutputPerM != money.MustParse("1.2") {
		t.Fatalf("price override %+v", p)
	}
	if string(c.Tools[0].Options) != `{"dir":"./docs"}` {
		t.Fatalf("options %s", c.Tools[0].Options)
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]string{
		"unknown key":       "polcy: llm",
		"bad yaml":          "tools: [",
		"not a mapping":     "- a\n- b",
		"bad duration":      "budget: {max_time: soon}",
		"negative budget":   "budget: {max_turns: -1}",
		"tool without kind": "tools: [{name: x}]",
		"bad money":         "budget: {max_cost: 0.0000000001}",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(in)); err == nil {
				t.Fatalf("accepted %q", in)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "b.yaml")
	if err := os.WriteFile(path, []byte("policy: random\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "BATON_CONFIG" {
			return path
		}
		return ""
	}
	c, err := Load("", env)
	if err != nil || c.Policy != "random" || c.Dir != dir {
		t.Fatalf("Load = %+v, %v", c, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), env); err == nil || !strings.Contains(err.Error(), "--config") {
		t.Fatalf("missing explicit file: %v", err)
	}
}

func TestParsePreferences(t *testing.T) {
	p, err := ParsePreferences("cost, tool:gpt-5=0.2")
	if err != nil || p.Cost != episode.PreferCost.Cost || p.Tools["gpt-5"] != 0.2 {
		t.Fatalf("%+v %v", p, err)
	}
	// Every preset reads as the one table holds it, so --prefer accuracy
	// is the operating point training and bench call accuracy.
	for _, name := range episode.PresetNames() {
		want, _ := episode.Preset(name)
		if got, err := ParsePreferences(name); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParsePreferences(%q) = %+v, %v; want %+v", name, got, err, want)
		}
	}
	if p, err := ParsePreferences("cost,local,tool:x=0.5"); err != nil || p.Cost != episode.PreferCost.Cost || p.Tools["tag:local"] != 1 || p.Tools["x"] != 0.5 || p.Text == "" {
		t.Errorf("cost,local,tool:x=0.5: %+v %v", p, err)
	}
	for _, bad := range []string{"speed", "cost=x", "cost=-1", "color=1", "cost=NaN", "cost=Inf", "cost=1x", "accuracy="} {
		if _, err := ParsePreferences(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"policy: llm", "tools: [{kind: mathsolve}]", "budget: {max_cost: '$1'}", "{", "prices: {a: {per_call: 1}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse([]byte(s))
		if err == nil && c.Policy == "" {
			t.Fatal("defaults not applied")
		}
	})
}

func FuzzParsePreferences(f *testing.F) {
	for _, s := range []string{"cost", "balanced, tool:gpt-5=0.2", "local,latency=2", "cost=NaN", "x=1", "tool:=1", ",,", "accuracy=1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePreferences(s)
		if err != nil {
			return
		}
		for name, w := range map[string]float64{"accuracy": p.Accuracy, "cost": p.Cost, "latency": p.Latency} {
			if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
				t.Fatalf("%q: accepted %s weight %v", s, name, w)
			}
		}
		for name, w := range p.Tools {
			if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
				t.Fatalf("%q: accepted tool %q weight %v", s, name, w)
			}
		}
	})
}
