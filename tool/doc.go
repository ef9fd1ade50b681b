// Package tool is Baton's tool contract and nothing else: [Tool] (a [Spec]
// plus Call), [Result], the kind registry ([Register], [Open], [Kinds]) in
// the style of database/sql drivers, the typed adapter [Func] that derives a
// JSON Schema from a Go struct, and [Set], the validated, timed and priced
// collection of tools one run may call.
//
// Backends live in sub-packages (tool/retrieval, tool/sandbox,
// tool/mathsolve, tool/websearch, tool/llm, tool/mcp) and register their
// kinds in init; tool/all imports the standard set. Nothing here imports a
// backend.
//
// Two kinds of failure: a failure the policy should read is a Result with
// IsError set; a Go error means the system failed.
package tool
