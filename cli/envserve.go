package cli

import (
	"context"
	"fmt"
	"net"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/envserver"
)

const envServeAbout = `Serves Baton's environments over HTTP (protocol v1, documented in
envserver/doc.go and examples/README.md) so an external RL trainer, such as
veRL on Ray or any Python loop, can roll out policies against them:

  POST   /v1/sessions              reset: {env, task_id | index, seed} -> observation, tools
  POST   /v1/sessions/{id}/step    {tool, arguments} | {answer} -> observation, reward, done, score
  DELETE /v1/sessions/{id}
  GET    /v1/envs, /v1/envs/{name}/tasks (JSONL export)

Environments: replay-llmrouter, replay-routerarena, replay-routellm,
tau2-airline, tau2-retail, tau2-telecom, and synth:<dir>/<domain> for domains
written by baton synth. Sessions are isolated, expire when idle, and a
malformed action gets an error observation without ending the session.
Example client: examples/envclient.py.`

func runEnvServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "env serve", "env serve [flags]", envServeAbout)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	data := fs.String("data", "", "data root (default $BATON_DATA, then ../shared/data)")
	ttl := fs.Duration("ttl", envserver.DefaultTTL, "idle time after which a session expires")
	maxSessions := fs.Int("max-sessions", envserver.DefaultMaxSessions, "live sessions at most (429 past it)")
	maxTurns := fs.Int("max-turns", envserver.DefaultMaxTurns, "steps per episode at most")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, pos[0])
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return fmt.Errorf("%w: --addr %q: %v", ErrUsage, *addr, err)
	}
	reg := envserver.NewRegistry()
	envserver.Standard(reg, dataset.Options{Dir: *data, Getenv: env.Getenv, Progress: env.Stderr})
	fmt.Fprintf(env.Stderr, "baton env serve: listening on http://%s (protocol v%s)\n", *addr, envserver.ProtocolVersion)
	return envserver.Serve(ctx, *addr, reg, envserver.Options{TTL: *ttl, MaxSessions: *maxSessions, MaxTurns: *maxTurns})
}
