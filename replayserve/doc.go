// Package replayserve is an OpenAI-compatible chat completions server that
// answers as each model recorded by ZeroEval did: a request naming a
// recorded model and asking, in its last user message, a question of the
// gsm or math-l5 data gets that model's recorded completion, with usage
// estimated exactly as the zeroeval replay source estimates it (see
// [replay.LoadZeroEval]). It is the offline upstream of `baton replay
// serve`: a `baton serve` in front of it bills the same tokens as the
// replay environment does, and no key or network is needed.
//
// Routes: POST /v1/chat/completions (streamed or not) and GET /v1/models.
// Errors are OpenAI error objects {"error": {"message", "type", "code"}}:
// 400 for a malformed request, 404 for an unknown model or question, 405
// for a wrong method, 413 for an oversized body.
package replayserve
