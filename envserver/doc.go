// Package envserver serves Baton environments ([env.Env]) over HTTP, so an
// external RL trainer (veRL, or any Python loop) can run episodes: reset a
// session on a task, step it with tool calls, receive a reward when the
// episode ends. `baton env serve` runs it.
//
// # Protocol (version 1)
//
// Every JSON response carries "protocol_version": "1". Errors are
// {"protocol_version", "error": {"code", "message"}} with an HTTP status
// (400 bad request, 401 missing or wrong token, 404 unknown env/session/task,
// 408 body too slow, 409 episode over, 413 body too large, 429 too many
// sessions).
//
// # Tenants
//
// With [Options].Tokens set (as [Serve] requires), every request needs
// "Authorization: Bearer <token>". A session belongs to the token that
// created it: another token gets the same 404 as for a session that does
// not exist, and each token may hold at most MaxSessionsPerToken sessions,
// so no tenant can see or starve another. "synth:" names resolve only
// under the synth root given to [Standard]; anything else is an unknown
// env whether or not the path exists.
//
//	GET    /v1/envs                    the registered environments
//	GET    /v1/envs/{name}/tasks       the env's tasks as JSON Lines, in the
//	                                   τ²-bench task format (names may contain
//	                                   '/', as in synth:run1/bank)
//	POST   /v1/sessions                reset: {"env", "task_id" | "index" | "seed", "max_turns"}
//	                                   → {"session_id", "task_id", "observation":
//	                                   {"prompt", "policy", "instructions"}, "tools":
//	                                   [{"name", "description", "parameters"}], "max_turns"}
//	POST   /v1/sessions/{id}/step      {"tool", "arguments"} or {"answer"} →
//	                                   {"observation": {"content", "is_error"},
//	                                   "reward", "done", "turn", "score" (when done)}
//	GET    /v1/sessions/{id}           the session's state and episode so far
//	DELETE /v1/sessions/{id}           end the session (204)
//
// A step's "arguments" may be a JSON object or a string holding one (as
// models emit). An action that is malformed (arguments that are not JSON,
// an unknown tool, arguments violating the tool's schema, both or neither
// of tool and answer) costs a turn and returns an error observation; the
// session goes on. A request body that is not JSON at all is answered with
// 400 and costs nothing. The episode ends on an answer or when max_turns
// turns are used; the environment's verifier then scores it, "reward" is
// the score's outcome and "score" its breakdown.
//
// # Sessions
//
// Each session holds its own tool set from env.Env.Tools (a fresh database
// for stateful envs), so concurrent sessions never see each other's
// writes. Steps of one session are serialised. A session idle for longer
// than [Options.TTL] expires (a janitor goroutine sweeps; an expired
// session is also refused on access); at most [Options.MaxSessions] live
// at once. Steps accumulate into an episode.Episode that env.Env.Score
// reads at the end.
//
// # Environments
//
// A [Registry] maps names to constructors, opened lazily once and shared
// by all sessions: exact names ([Registry.Register]) and prefixes
// ([Registry.RegisterPrefix], e.g. "synth:" followed by a directory).
// [Standard] registers the replay envs, τ²-bench airline and retail and
// synthesised ToolScale domains.
package envserver
