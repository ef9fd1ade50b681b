package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/money"
)

// Judge configures the optional LLM judge of baton serve: a declared
// model tool that scores a sample of the answered runs automatically. Its
// calls are reserved and charged on the run's key like any call; its cost
// is recorded apart from the run's.
//
//	judge:
//	  tool: gpt-4o-mini   # a declared llm.openai / llm.anthropic tool, by name
//	  sample: 0.1         # fraction of answered runs judged, in (0, 1]
//	  max_cost: 0.01      # optional cap on one judgment's worst case, USD
type Judge struct {
	// Tool names the declared model tool (kind llm.*) that judges.
	Tool string `json:"tool"`
	// Sample is the fraction of answered runs judged, in (0, 1]; which
	// runs is decided by a hash of the run ID, so restarts and replicas
	// agree.
	Sample float64 `json:"sample"`
	// MaxCost caps one judgment: a call whose worst case is above it is
	// not made. Zero means no cap beyond the key's budget.
	MaxCost money.Amount `json:"max_cost,omitempty"`
}

// fieldError is a problem with one value of the file, located by its
// dotted path (e.g. "judge.sample"); [Parse] adds the line.
type fieldError struct {
	path, msg string
}

func (e *fieldError) Error() string { return "config: " + e.path + ": " + e.msg }

// validateJudge checks the judge block against the declared tools.
func (c *Config) validateJudge() error {
	j := c.Judge
	if j == nil {
		return nil
	}
	if strings.TrimSpace(j.Tool) == "" {
		return &fieldError{"judge.tool", "is required: the name of a declared llm.openai or llm.anthropic tool that scores runs"}
	}
	if math.IsNaN(j.Sample) || j.Sample <= 0 || j.Sample > 1 {
		return &fieldError{"judge.sample", fmt.Sprintf("%v is not a fraction in (0, 1]: write the share of answered runs to judge, e.g. 0.1 (1 judges every run; remove judge: to judge none)", j.Sample)}
	}
	if j.MaxCost < 0 {
		return &fieldError{"judge.max_cost", fmt.Sprintf("%s is negative: write a cap in US dollars per judgment, e.g. 0.01, or omit it", j.MaxCost)}
	}
	var models []string
	for _, tc := range c.Tools {
		name := declaredName(tc)
		if name == j.Tool {
			if !strings.HasPrefix(tc.Kind, "llm.") {
				return &fieldError{"judge.tool", fmt.Sprintf("%q is a %s tool, not a model: the judge must be a declared llm.openai or llm.anthropic tool", j.Tool, tc.Kind)}
			}
			return nil
		}
		if strings.HasPrefix(tc.Kind, "llm.") {
			models = append(models, name)
		}
	}
	msg := fmt.Sprintf("no declared model tool is named %q", j.Tool)
	sort.Strings(models)
	if len(models) > 0 {
		if s := nearest(j.Tool, models); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		msg += " (declared models: " + strings.Join(models, ", ") + ")"
	} else {
		msg += ": declare it under tools: with kind llm.openai or llm.anthropic"
	}
	return &fieldError{"judge.tool", msg}
}

// declaredName is the name a declared tool gets: its name:, or for a model
// tool without one, its model option with characters a tool name cannot
// hold replaced by "_" (as package tool/llm derives it).
func declaredName(tc ToolConfig) string {
	if tc.Name != "" || !strings.HasPrefix(tc.Kind, "llm.") {
		return tc.Name
	}
	var o struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(tc.Options, &o)
	b := []byte(o.Model)
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-' || ch == '.') {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}

// withLine adds the line of the value a [fieldError] is about, found in
// the parsed document; other errors pass unchanged.
func withLine(doc *yaml.Node, err error) error {
	var fe *fieldError
	if !errors.As(err, &fe) {
		return err
	}
	line := lineOf(doc, strings.Split(fe.path, "."))
	if line == 0 {
		return err
	}
	return fmt.Errorf("config: line %d: %s: %s", line, fe.path, fe.msg)
}

// lineOf returns the line of the value at path in n, or of its deepest
// key present (a required key left out), or 0.
func lineOf(n *yaml.Node, path []string) int {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, key := range path {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line, n, found = n.Content[i+1].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}
