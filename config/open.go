package config

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

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

// PolicyConfig returns the configuration for policy kind name.
func (c *Config) PolicyConfig(name string, seed int64) policy.Config {
	return policy.Config{Options: c.Policies[name], Seed: seed, Prices: c.Catalog(), Getenv: os.Getenv}
}
