package cli

import (
	"context"
	"fmt"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain/check"
)

func init() {
	register(Command{Name: "env", Short: "check τ²-bench domains against recorded runs, or serve environments to RL trainers", Run: runEnv})
}

const envAbout = `Environments are tasks with tools and a verifier.

  baton env check [DIR]   on a directory laid out like shared/data/tau2-bench
                          (default: the tau2-bench data found by --data,
                          $BATON_DATA or ../shared/data), run two kinds of check:
                          fidelity: every recorded ToolOrchestra trajectory
                          replays with each tool response and reward equal to
                          the recording; determinism: every task's gold actions
                          replayed twice end with the same hash and errors (a
                          gold action's error is tolerated and listed, as tau2
                          logs and ignores it). The last line counts both,
                          labelled. Exits 1 on any failure, and when the
                          directory is missing or holds nothing to check.
  baton env serve         serve environments over HTTP (see --help of serve)`

func runEnv(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "serve" {
		return runEnvServe(ctx, env, args[1:])
	}
	fs := newFlags(env, "env", "env check [DIR] [flags]", envAbout)
	data := fs.String("data", "", "data root (default $BATON_DATA, then ../shared/data)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || pos[0] != "check" || len(pos) > 2 {
		fs.Usage()
		return fmt.Errorf("%w: want baton env check [DIR] or baton env serve", ErrUsage)
	}
	dir := ""
	if len(pos) == 2 {
		dir = pos[1]
	} else if dir, err = dataset.Resolve(ctx, "tau2-bench", dataset.Options{Dir: *data, Getenv: env.Getenv, Progress: env.Stderr}); err != nil {
		return err
	}
	rep, err := check.Run(ctx, dir, env.Stdout)
	if err != nil {
		return err
	}
	if rep.Failed() > 0 {
		return ExitError{Code: 1}
	}
	return nil
}
