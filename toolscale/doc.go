// Package toolscale synthesises τ²-bench-style customer-service domains the
// ToolScale way and runs them without per-domain Go code.
//
// # Pipeline
//
// [Generate] builds, per domain: a schema (2–4 entity types with typed
// fields), seeded records, read and write tools over them, a policy document,
// and tasks (a user scenario, golden actions, communicate_info,
// nl_assertions), optionally with harder "evolved" variants. Tasks come from
// the deterministic procedural generator (always available; the ten
// ToolScale domains are built in, see [Domains]) and, when [Options.LLM] is
// set, from a model asked for scenarios as JSON ([LLMTasks]). Every candidate
// passes one [Verifier], which drops tasks whose golden actions fail, change
// nothing, or duplicate another task, and counts drops per [DropReason].
//
// # LLM pipeline
//
// With [Options.Invent], a model writes whole new domains through the
// [Pipeline], step by step as ToolScale does: domain and policy, schema,
// database, tools, intents, tasks, evolved tasks. Each reply is checked
// before the next step builds on it and sent back with the reason when it
// fails; tasks are kept only when their golden actions replay and reach a
// final database no other kept task reaches. The procedural generator
// stays the offline default.
//
// # Output layout
//
// Each domain is written to OutDir/<domain>/ in the τ²-bench layout
// (db.json, policy.md, tasks.json, split_tasks.json) plus tools.json, the
// declarative tool specs ([Spec]). Output is byte-identical for equal
// Options.
//
// # Tool engine
//
// A synthetic domain's tools are data: [ToolSpec]s of a few kinds (get,
// find, list, update, create, delete) with preconditions, assignments and
// numeric adjustments, interpreted by [Engine] over a [DB] of keyed
// collections. [Kit] implements env/domain's Kit, so env/domain loads a
// synthesised directory unchanged: [OpenDomain] registers the kit for the
// directory's domain name on first use and calls domain.Open; [OpenEnv]
// wraps the result with domain.NewEnv (golden replay + DB hash compare +
// communicate_info, tau2's scoring). env/domain looks kits up by directory
// name and asks them for tools without a directory, so within one process
// a domain name stands for one tools.json ([ErrSpecConflict] otherwise) and
// may not be a built-in domain's name ([ErrNameTaken]).
package toolscale
