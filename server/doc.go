// Package server is `baton serve`: an OpenAI-compatible HTTP API in front
// of the orchestrator and of the configured models, with API keys, per-key
// budgets and rate limits, a native runs API with streamed traces, and
// Prometheus metrics.
//
// Routes (see [Server.Handler]):
//
//	POST /v1/chat/completions   model "baton" or "baton:<policy>" runs the
//	                            orchestrator; a configured model name is a
//	                            metered pass-through to that model
//	GET  /v1/models
//	POST /v1/runs               start a run (?wait=true waits for it)
//	GET  /v1/runs/{id}          state, steps and cost
//	GET  /v1/runs/{id}/events   SSE trace, resumable with Last-Event-ID
//	POST /v1/runs/{id}/cancel
//	POST /v1/runs/{id}/feedback {"score": 0..1, "text": optional}: the
//	                            run's outcome, one per run (a second
//	                            replaces it, a judge's included; a
//	                            judge's never replaces one); GET reads
//	                            it with its source and judge cost. Also under
//	                            /v1/chat/completions/{chatcmpl-id}/feedback
//	GET  /metrics, /healthz, /readyz
//
// The wire format lives in package [github.com/batonhq/baton/server/openai];
// inside, everything is Baton's chat and episode model. The [store.Store]
// is the source of truth for keys, budgets, runs and events: budgets are
// reserved on it before every paid call, so replicas sharing one database
// never overspend a key together.
//
// Only an answered run is a 200 completion: a run that failed, ended
// without an answer, used its turns or was refused by the budget is an
// OpenAI error object. /metrics is unauthenticated and so carries no API
// key labels. Serve the handler with [Server.Limits] through package
// httplimit (connection caps, body and write deadlines), as `baton serve`
// does.
//
// A streamed pass-through call to an OpenAI-compatible model is relayed
// byte for byte as the upstream sends it (chat/openai's Relay), bounded by
// the output the call reserved money for: the upstream is asked for that
// many tokens, the output is counted as it passes, and a response running
// past the bound is cut (finish_reason "length"), marked truncated and
// charged its reservation.
//
// With Options.Judge, an LLM judge scores a hash-sampled share of the runs
// that end answered, in the background, through the same [budget.Guard]
// on the run's key as every call; its score is stored as the run's
// feedback with source "judge" and its cost apart (see [Judge]).
// [Server.TakeOverJudgments] makes the judgments of replicas that died
// before making them, each claimed by one replica from the store.
//
// Lifecycle: [New] builds a server (no side effects), [Server.Handler]
// serves, [Server.Shutdown] refuses new runs, drains the running ones
// until its context ends and then cancels the rest, recording each, then
// does the same for the judgments in flight.
package server
