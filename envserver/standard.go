package envserver

import (
	"context"
	"fmt"
	"path/filepath"

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
// domain directory written by toolscale.Generate, relative to the synth
// root given to [Standard], e.g. synth:bank or synth:run1/bank.
const SynthPrefix = "synth:"

// ErrOutsideRoot is wrapped when a synth: name points outside the synth
// root. It is answered like an unknown env, whether or not the path
// exists, so the server is no oracle over its disk.
var ErrOutsideRoot = fmt.Errorf("%w: outside the synth root", ErrUnknownEnv)

// Standard registers Baton's environments in reg: the replay envs
// (replay-llmrouter, replay-routerarena, replay-routellm,
// replay-zeroeval-gsm, replay-zeroeval-math-l5), τ²-bench
// (tau2-airline, tau2-retail, tau2-telecom) found with dataset.Resolve, and,
// when synthRoot is not empty, synthesised domains under it by
// [SynthPrefix]. Nothing is loaded until first use.
func Standard(reg *Registry, o dataset.Options, synthRoot string) {
	for _, src := range []string{"llmrouter", "routerarena", "routellm"} {
		reg.Register("replay-"+src, "recorded outcomes of real models ("+src+"); tools are the models", func(ctx context.Context) (env.Env, error) {
			return replay.Open(ctx, src, "", o)
		})
	}
	for _, task := range replay.ZeroEvalTasks {
		reg.Register("replay-zeroeval-"+task, "recorded completions of 17 real models on "+task+" (ZeroEval); tools are the models, results carry the extracted answer", func(ctx context.Context) (env.Env, error) {
			return replay.Open(ctx, "zeroeval", task, o)
		})
	}
	for _, name := range []string{"airline", "retail", "telecom"} {
		reg.Register("tau2-"+name, "τ²-bench "+name+" customer service: database, tools, policy, golden actions", func(ctx context.Context) (env.Env, error) {
			return Tau2(ctx, name, o)
		})
	}
	if synthRoot == "" {
		return
	}
	reg.RegisterPrefix(SynthPrefix, "a domain synthesised by `baton synth` under the server's synth root (synth:<domain> or synth:<dir>/<domain>)", func(ctx context.Context, name string) (env.Env, error) {
		dir, err := SynthDir(synthRoot, name)
		if err != nil {
			return nil, err
		}
		return toolscale.OpenEnv(ctx, dir, "")
	})
}

// SynthDir resolves a synth: name under root. Relative names must stay
// inside root ("..", absolute paths elsewhere and symlinks leading out are
// refused with [ErrOutsideRoot]); an absolute path is accepted only when it
// lies inside root.
func SynthDir(root, name string) (string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("envserver: synth root %q: %w", root, err)
	}
	if r, err := filepath.EvalSymlinks(absRoot); err == nil {
		absRoot = r
	}
	var p string
	switch {
	case filepath.IsAbs(name):
		p = filepath.Clean(name)
	case filepath.IsLocal(name):
		p = filepath.Join(absRoot, name)
	default:
		return "", fmt.Errorf("%w %q", ErrOutsideRoot, SynthPrefix+name)
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	if rel, err := filepath.Rel(absRoot, p); err != nil || !filepath.IsLocal(rel) {
		return "", fmt.Errorf("%w %q", ErrOutsideRoot, SynthPrefix+name)
	}
	return p, nil
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
