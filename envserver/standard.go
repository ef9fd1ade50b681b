package envserver

import (
	"context"
	"fmt"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/domain"
	_ "github.com/batonhq/baton/env/domain/airline" // registers the airline kit
	_ "github.com/batonhq/baton/env/domain/retail"  // registers the retail kit
	_ "github.com/batonhq/baton/env/domain/telecom" // registers the telecom kit
	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/toolscale"
)

// SynthPrefix names synthesised ToolScale domains: "synth:" followed by a
// domain directory written by toolscale.Generate, e.g. synth:out/bank.
const SynthPrefix = "synth:"

// Standard registers Baton's environments in reg: the replay envs
// (replay-llmrouter, replay-routerarena, replay-routellm), τ²-bench
// (tau2-airline, tau2-retail, tau2-telecom) found with dataset.Resolve, and synthesised
// domains under [SynthPrefix]. Nothing is loaded until first use.
func Standard(reg *Registry, o dataset.Options) {
	for _, src := range []string{"llmrouter", "routerarena", "routellm"} {
		reg.Register("replay-"+src, "recorded outcomes of real models ("+src+"); tools are the models", func(ctx context.Context) (env.Env, error) {
			return replay.Open(ctx, src, "", o)
		})
	}
	for _, name := range []string{"airline", "retail", "telecom"} {
		reg.Register("tau2-"+name, "τ²-bench "+name+" customer service: database, tools, policy, golden actions", func(ctx context.Context) (env.Env, error) {
			return Tau2(ctx, name, o)
		})
	}
	reg.RegisterPrefix(SynthPrefix, "a domain directory synthesised by `baton synth` (synth:<dir>/<domain>)", func(ctx context.Context, dir string) (env.Env, error) {
		return toolscale.OpenEnv(ctx, dir, "")
	})
}

// Tau2 opens the τ²-bench domain name (all its tasks) from the resolved
// tau2-bench data.
func Tau2(ctx context.Context, name string, o dataset.Options) (env.Env, error) {
	root, err := dataset.Resolve(ctx, "tau2-bench", o)
	if err != nil {
		return nil, fmt.Errorf("envserver: %w", err)
	}
	d, err := domain.Open(ctx, root, name)
	if err != nil {
		return nil, err
	}
	return domain.NewEnv(d, "")
}
