// Package gateway measures what `baton serve` adds to a model call, in one
// run on one machine against one scripted upstream (chat/chattest, on
// loopback): [Run] sends the same requests, streamed and not, at each
// concurrency, along four paths:
//
//   - "direct": straight to the upstream;
//   - "reverseproxy": through Go's net/http/httputil.ReverseProxy, the floor
//     for any Go proxy;
//   - "baton": through Baton's server as a metered pass-through (auth,
//     reservation in a real SQLite ledger, relay, commit, run record);
//   - "baton-orchestrated": model "baton", the orchestrator calling the same
//     upstream as a tool.
//
// Every request is checked (status 200; a stream ends with [DONE]); a
// [Row] has its latency percentiles, throughput, what it adds over direct
// and, for Baton's rows, how its added p99 compares with ReverseProxy's and
// how long its ledger writes took. Client, servers and upstream share the
// process and its cores, which is the point: nothing is measured on a
// bigger machine than the one that serves.
package gateway
