package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"strings"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/envserver"
	"github.com/batonhq/baton/httplimit"
)

const envServeAbout = `Serves Baton's environments over HTTP (protocol v1, documented in
envserver/doc.go and examples/README.md) so an external RL trainer, such as
veRL on Ray or any Python loop, can roll out policies against them:

  POST   /v1/sessions              reset: {env, task_id | index, seed} -> observation, tools
  POST   /v1/sessions/{id}/step    {tool, arguments} | {answer} -> observation, reward, done, score
  DELETE /v1/sessions/{id}
  GET    /v1/envs, /v1/envs/{name}/tasks (JSONL export)

Environments: replay-llmrouter, replay-routerarena, replay-routellm,
replay-zeroeval-gsm, replay-zeroeval-math-l5, tau2-airline, tau2-retail, tau2-telecom, and synth:<domain> for domains
written by baton synth under --synth-root (nothing outside it is served).
Sessions are isolated, expire when idle, and a malformed action gets an
error observation without ending the session.

Every request needs "Authorization: Bearer <token>". The token comes from
--token or $BATON_ENV_TOKEN (several, comma-separated, one per tenant);
without either, one is generated and printed at start. A token sees only
its own sessions and may hold at most --max-sessions-per-token of them.
Example client: examples/envclient.py (--token or $BATON_ENV_TOKEN).`

func runEnvServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "env serve", "env serve [flags]", envServeAbout)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	data := fs.String("data", "", "data root (default $BATON_DATA, then ../shared/data)")
	ttl := fs.Duration("ttl", envserver.DefaultTTL, "idle time after which a session expires")
	maxSessions := fs.Int("max-sessions", envserver.DefaultMaxSessions, "live sessions at most (429 past it)")
	maxTurns := fs.Int("max-turns", envserver.DefaultMaxTurns, "steps per episode at most")
	perToken := fs.Int("max-sessions-per-token", envserver.DefaultMaxSessionsPerToken, "live sessions per token at most (429 past it)")
	tokenFlag := fs.String("token", "", "bearer token(s), comma-separated (default $BATON_ENV_TOKEN, else one is generated and printed)")
	synthRoot := fs.String("synth-root", "synth-out", "directory whose synthesised domains are served as synth:<domain> (baton synth --out); empty serves none")
	maxConns := fs.Int("max-conns", httplimit.DefaultMaxConns, "connections open at once, in total")
	maxConnsPerClient := fs.Int("max-conns-per-client", httplimit.DefaultMaxConnsPerClient, "connections open at once per client IP address")
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
	tokens, generated, err := envTokens(*tokenFlag, env.Getenv("BATON_ENV_TOKEN"))
	if err != nil {
		return err
	}
	reg := envserver.NewRegistry()
	envserver.Standard(reg, dataset.Options{Dir: *data, Getenv: env.Getenv, Progress: env.Stderr}, *synthRoot)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("env serve: %w", err)
	}
	fmt.Fprintf(env.Stderr, "baton env serve: listening on http://%s (protocol v%s)\n", ln.Addr(), envserver.ProtocolVersion)
	if generated {
		fmt.Fprintf(env.Stderr, "baton env serve: token (send as \"Authorization: Bearer <token>\"): %s\n", tokens[0])
	}
	return envserver.ServeListener(ctx, ln, reg, envserver.Options{TTL: *ttl, MaxSessions: *maxSessions, MaxTurns: *maxTurns,
		Tokens: tokens, MaxSessionsPerToken: *perToken,
		Limits: httplimit.Limits{MaxConns: *maxConns, MaxConnsPerClient: *maxConnsPerClient}})
}

// envTokens returns the tokens from the flag, else the environment, else a
// new random one (generated reports that).
func envTokens(flagVal, envVal string) (tokens []string, generated bool, err error) {
	v := flagVal
	if v == "" {
		v = envVal
	}
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if len(t) < 16 {
			return nil, false, fmt.Errorf("%w: a token must be at least 16 characters (this one has %d)", ErrUsage, len(t))
		}
		tokens = append(tokens, t)
	}
	if len(tokens) > 0 {
		return tokens, false, nil
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, false, fmt.Errorf("env serve: generating a token: %w", err)
	}
	return []string{"bet_" + hex.EncodeToString(b[:])}, true, nil
}
