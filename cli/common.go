package cli

import (
	"context"
	"flag"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/tool"
)

// configFlag registers --config on fs.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "config file (default $BATON_CONFIG, then ./baton.yaml)")
}

// openTools loads the config and opens its tools.
func openTools(ctx context.Context, env *Env, path string) (*config.Config, *tool.Set, error) {
	cfg, err := config.Load(path, env.Getenv)
	if err != nil {
		return nil, nil, err
	}
	set, err := cfg.OpenTools(ctx)
	if err != nil {
		return nil, nil, err
	}
	return cfg, set, nil
}
