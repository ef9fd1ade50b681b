package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/batonhq/baton/bench/gateway"
)

const benchGatewayAbout = `Measures what Baton's server adds to a model call, in one run on this
machine, against one scripted OpenAI-compatible upstream on loopback:
direct calls; Go's httputil.ReverseProxy (the floor for any Go proxy);
"baton serve" as a metered pass-through (real SQLite ledger); and "baton
serve" orchestrating (model "baton" calling the same upstream as a tool).
Streaming and not, at each concurrency. Every response is checked.

Prints a table with p50/p99 latency, requests per second, the latency added
over direct, Baton's added p99 as a multiple of ReverseProxy's, and the
latency of Baton's ledger writes. --json writes
{"rows":[{"path","stream","concurrency","p50_ms","p99_ms","rps",...}]}.

Examples:
  baton bench gateway
  baton bench gateway --concurrency 100 --stream true --paths baton,reverseproxy
  baton bench gateway --json gateway.json`

func runBenchGateway(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "bench gateway", "bench gateway [flags]", benchGatewayAbout)
	conc := fs.String("concurrency", "1,100,500", "comma-separated concurrency levels (concurrent requests in flight)")
	stream := fs.String("stream", "both", "which requests: true (streamed), false, or both")
	paths := fs.String("paths", "", "comma-separated paths to measure (default all: direct,reverseproxy,baton,baton-orchestrated; direct is always measured)")
	minReq := fs.Int("min-requests", 200, "fewest requests per measured cell")
	rounds := fs.Int("rounds", 4, "each cell sends at least rounds × concurrency requests")
	jsonOut := fs.String("json", "", "also write the rows as JSON to FILE ('-' for stdout)")
	dir := fs.String("dir", "", "directory for the benchmark's SQLite ledger (default a temporary one, removed after)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: bench gateway takes no arguments, only flags (got %q)", ErrUsage, pos[0])
	}
	o := gateway.Options{Paths: splitList(*paths), MinRequests: *minReq, Rounds: *rounds, Dir: *dir, Progress: env.Stderr}
	for _, s := range splitList(*conc) {
		c, err := strconv.Atoi(s)
		if err != nil || c < 1 {
			return fmt.Errorf("%w: --concurrency %q: want positive integers such as 1,100,500", ErrUsage, *conc)
		}
		o.Concurrency = append(o.Concurrency, c)
	}
	switch *stream {
	case "both":
	case "true":
		o.Modes = []bool{true}
	case "false":
		o.Modes = []bool{false}
	default:
		return fmt.Errorf("%w: --stream %q: want true, false or both", ErrUsage, *stream)
	}
	if *minReq < 1 || *rounds < 1 {
		return fmt.Errorf("%w: --min-requests and --rounds must be at least 1", ErrUsage)
	}
	for _, p := range o.Paths {
		if !contains(gateway.AllPaths, p) {
			return fmt.Errorf("%w: --paths: unknown path %q (want direct, reverseproxy, baton, baton-orchestrated)", ErrUsage, p)
		}
	}
	res, err := gateway.Run(ctx, o)
	if err != nil {
		return err
	}
	if err := gateway.PrintTable(env.Stdout, res); err != nil {
		return err
	}
	if *jsonOut != "" {
		if err := writeJSONFile(env, *jsonOut, res); err != nil {
			return fmt.Errorf("bench gateway: %w", err)
		}
	}
	for _, r := range res.Rows {
		if r.Errors > 0 {
			return fmt.Errorf("bench gateway: %d of %d requests failed on %s (stream %v, concurrency %d); first: %s",
				r.Errors, r.Requests, r.Path, r.Stream, r.Concurrency, r.FirstError)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
