// Package domain runs τ²-bench (tau2) customer-service domains in Go: a
// typed database loaded from the real data files, the agent tools over it
// with tau2's exact messages and JSON, the tasks, and tau2's verifier.
//
// # Framework
//
// A domain registers a [Kit] with [Register] (airline and retail do so in
// their init functions): its file [Layout], a loader for its database
// ([DB]), and its tools ([Tool]) bound to one database. Optional
// capabilities are discovered by type assertion: [FunctionRunner] for
// tau2's initialization_actions and env_assertions, [Patcher] for
// initialization_data. [Open] loads a domain from a data root laid out like
// shared/data/tau2-bench; [Domain.NewSession] starts a rollout with a fresh
// database; [NewEnv] wraps the domain as an env.Env.
//
// # Databases and copy-on-reset
//
// Records live in [Table]s: a shared immutable base plus a per-rollout
// overlay. A fresh database is a Fork, O(1) in the base size; the first
// write to a record copies only that record ([Table.Edit]). The base is
// loaded once per process and directory.
//
// # Tool responses
//
// A tool returns the tool-message content exactly as tau2 builds it: a
// pydantic model becomes json.dumps(model.model_dump()), reproduced by
// [PyJSON] (", "/": " separators, ensure_ascii, Python float repr such as
// 100.0, fields in model order, None as null); a str is returned as is. An
// exception becomes "Error: <message>" and the [tool.Result] is marked
// IsError. Arithmetic follows Python's float semantics (a refund of
// 121.20000000000005 stays so; round(x, 2) is [PyRound]).
//
// # Hash
//
// [DB.Hash] is our own canonical hash: SHA-256 over the tables in a fixed
// order, each key in sorted order followed by the SHA-256 of its record's
// sorted-key Python JSON (the serialisation tau2's get_dict_hash uses).
// Equal content gives equal hashes; base records are hashed once per
// process, so hashing a rollout costs O(records) of 32-byte writes plus the
// changed records.
//
// # Scoring
//
// [Domain.Evaluate] is tau2's evaluator for the DB, COMMUNICATE,
// ENV_ASSERTION and ACTION parts of a task's reward basis (empty basis:
// [DefaultRewardBasis] = DB, COMMUNICATE). The gold database is the initial
// one with the task's gold actions replayed (failures are recorded and
// skipped, as in tau2; cached per task). COMMUNICATE passes when every
// communicate_info string occurs, case-insensitively, in some agent message
// with its commas removed. [Env.Score] rebuilds an orchestrator episode's
// database by replaying the episode's state-changing tool calls on a fresh
// database (tau2's set_state does the same), so it needs no registry of
// live sessions and is safe with concurrent rollouts sharing a RunID; the
// agent's message to the user is the episode's Answer.
//
// # KNOWN_DIFFERENCES
//
// Measured against the recorded ToolOrchestra trajectories by env/domain/check
// (airline: 40 simulations, retail: 92):
//
//   - None in the data: every recorded tool response is reproduced and
//     every recorded db_check and reward is reproduced (see the check
//     package's tests for the counts).
//
// Behaviour not exercised by the data, where we knowingly differ:
//
//   - Arguments that violate a tool's JSON Schema (a missing field, a wrong
//     type, an unknown cabin) are rejected by [tool.Set] with its own
//     message; Python would raise a TypeError or pydantic ValidationError
//     with a different text. [Session.CallRaw] skips the schema, as tau2
//     does, and reports decoding failures in its own words.
//   - calculate's SyntaxError text is always "invalid syntax (<string>,
//     line 1)"; Python's varies with the error.
//   - The toolkits at the pinned commit are not stored in the reference
//     index; tools follow the nearest stored versions (airline ad68a4d,
//     retail c8e1be4: exact-match lookups, no accent folding, retail's
//     unrounded modify_pending_order_items refund). Both domains also offer
//     think, which the data README lists.
package domain
