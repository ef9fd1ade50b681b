package config

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// OpenTools opens every declared tool and, unless NoDefaultTools is set,
// every registered Default kind whose tools are not already declared. A
// default kind that cannot open here (python3 missing, say) is skipped with
// a warning; a declared tool that fails is an error.
func (c *Config) OpenTools(ctx context.Context) (*tool.Set, error) {
	cat := c.Catalog()
	var all []tool.Tool
	names := map[string]bool{}
	closeAll := func() {
		for _, t := range all {
			if cl, ok := t.(interface{ Close() error }); ok {
				_ = cl.Close()
			}
		}
	}
	for i, tc := range c.Tools {
		ts, err := tool.Open(ctx, tc.Kind, tool.Config{Name: tc.Name, Options: tc.Options, Prices: cat, Getenv: os.Getenv, Dir: c.Dir})
		if errors.Is(err, tool.ErrDisabled) {
			// A declared tool that cannot work here (a model without its
			// API key) is listed as disabled, like web search, rather than
			// stopping every command.
			slog.Info("declared tool disabled here", "kind", tc.Kind, "reason", err)
			ts, err = []tool.Tool{newDisabled(tc, err)}, nil
		}
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("config: tools[%d] (%s): %w", i, tc.Kind, err)
		}
		for _, t := range ts {
			names[t.Spec().Name] = true
		}
		all = append(all, ts...)
	}
	declared := map[string]bool{}
	for _, tc := range c.Tools {
		declared[tc.Kind] = true
	}
	if !c.NoDefaultTools {
		for _, k := range tool.Kinds() {
			if !k.Default || declared[k.ID] {
				continue
			}
			ts, err := k.Open(ctx, tool.Config{Prices: cat, Getenv: os.Getenv, Dir: c.Dir})
			if err != nil {
				if errors.Is(err, tool.ErrDisabled) {
					slog.Info("default tool unavailable here", "kind", k.ID, "reason", err)
				} else {
					slog.Warn("default tool failed to open; skipping it", "kind", k.ID, "err", err)
				}
				continue
			}
			for _, t := range ts {
				if !names[t.Spec().Name] {
					names[t.Spec().Name] = true
					all = append(all, t)
				}
			}
		}
	}
	set, err := tool.NewSet(all...)
	if err != nil {
		closeAll()
		return nil, err
	}
	return set, nil
}

// DefaultPolicy returns the policy baton run and model "baton" of baton
// serve use when none is named, and why: the policy: key when baton.yaml
// sets one; else "llm" when policies.llm is configured and can be built
// here (its key is set), because a model orchestrating with native tool
// calls is the strongest choice Baton has for arbitrary tools; else
// "cheapest" (the cheapest tool that can take the task, the next on error).
func (c *Config) DefaultPolicy(ctx context.Context) (name, why string) {
	if !c.policyDefaulted {
		return c.Policy, "set by policy: in baton.yaml"
	}
	if _, ok := c.Policies["llm"]; ok {
		if _, err := policy.New(ctx, "llm", c.PolicyConfig("llm", 1)); err == nil {
			return "llm", "policies.llm is configured, so a model orchestrates"
		} else {
			return c.Policy, fmt.Sprintf("policies.llm is configured but unusable here (%v); cheapest tool first", err)
		}
	}
	return c.Policy, "no orchestrating model configured (policies.llm); cheapest tool first"
}

// PolicyConfig returns the configuration for policy kind name.
func (c *Config) PolicyConfig(name string, seed int64) policy.Config {
	return policy.Config{Options: c.Policies[name], Seed: seed, Prices: c.Catalog(), Getenv: os.Getenv}
}

// disabled stands in for a declared tool that cannot open here: it is
// listed (tagged "disabled", with the reason in its description) and every
// call returns the reason as an error result.
type disabled struct {
	spec   tool.Spec
	reason string
}

var _ tool.Tool = (*disabled)(nil)

func newDisabled(tc ToolConfig, why error) *disabled {
	name := tc.Name
	if name == "" {
		var o struct {
			Model string `json:"model"`
		}
		_ = json.Unmarshal(tc.Options, &o)
		name = o.Model
	}
	if name == "" {
		name = tc.Kind
	}
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, name)
	if len(name) > 64 {
		name = name[:64]
	}
	tags := []string{"disabled"}
	if strings.HasPrefix(tc.Kind, "llm.") {
		tags = append(tags, tool.TagLLM, tool.TagRemote)
	}
	reason := fmt.Sprintf("%s is disabled: %v", name, why)
	return &disabled{reason: reason, spec: tool.Spec{
		Name:        name,
		Description: "DISABLED: " + reason,
		Parameters:  json.RawMessage(`{"type":"object","properties":{"prompt":{"type":"string"}},"required":["prompt"]}`),
		Tags:        tags,
	}}
}

// Spec implements tool.Tool.
func (d *disabled) Spec() tool.Spec { return d.spec }

// Call implements tool.Tool: always an error result naming the reason.
func (d *disabled) Call(context.Context, json.RawMessage) (*tool.Result, error) {
	return tool.Errorf("%s", d.reason), nil
}
