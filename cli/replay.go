package cli

import (
	"context"
	"fmt"
	"net"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/httplimit"
	"github.com/batonhq/baton/replayserve"
)

func init() {
	register(Command{Name: "replay", Short: "serve recorded model behaviour (zeroeval) as an OpenAI-compatible upstream", Run: runReplay})
}

const replayAbout = `baton replay serve answers chat completions as each model recorded by
ZeroEval did, so baton serve (or any OpenAI client) can run against real
recorded behaviour offline, without keys:

  POST /v1/chat/completions   {"model": M, "messages": [...]} -> model M's
                              recorded completion of the question in the last
                              user message (exact text, whitespace-trimmed,
                              gsm or math-l5); "stream": true streams it
  GET  /v1/models             the 17 recorded models

Usage is estimated as the zeroeval replay source does (tool.EstimateTokens of
the question and of the completion), so a baton serve in front of it bills
exactly what the replay environment charges. An unknown model or question is
a 404 with an OpenAI error object; a malformed request a 400.`

func runReplay(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "replay serve", "replay serve [--data DIR] [--addr HOST:PORT]", replayAbout)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	data := fs.String("data", "", "zeroeval data: the source root holding result_dirs/ (default: zeroeval under $BATON_DATA, then ../shared/data)")
	maxBody := fs.Int64("max-body", replayserve.DefaultMaxBodyBytes, "request body bytes at most (413 past it)")
	maxConns := fs.Int("max-conns", httplimit.DefaultMaxConns, "connections open at once, in total")
	maxConnsPerClient := fs.Int("max-conns-per-client", httplimit.DefaultMaxConnsPerClient, "connections open at once per client IP address")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "serve" {
		fs.Usage()
		return fmt.Errorf("%w: want baton replay serve [--data DIR] [--addr HOST:PORT]", ErrUsage)
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return fmt.Errorf("%w: --addr %q: %v", ErrUsage, *addr, err)
	}
	if *maxBody <= 0 {
		return fmt.Errorf("%w: --max-body %d: want a positive byte count", ErrUsage, *maxBody)
	}
	dir := *data
	if dir == "" {
		if dir, err = dataset.Resolve(ctx, "zeroeval", dataset.Options{Getenv: env.Getenv, Progress: env.Stderr}); err != nil {
			return err
		}
	}
	s, err := replayserve.Load(ctx, dir)
	if err != nil {
		return fmt.Errorf("replay serve: %w (check --data)", err)
	}
	s.MaxBodyBytes = *maxBody
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("replay serve: %w", err)
	}
	fmt.Fprintf(env.Stderr, "baton replay serve: %d recorded models; listening on http://%s (OpenAI base URL http://%s/v1)\n", len(s.Models()), ln.Addr(), ln.Addr())
	return replayserve.Serve(ctx, ln, s, httplimit.Limits{MaxConns: *maxConns, MaxConnsPerClient: *maxConnsPerClient})
}
