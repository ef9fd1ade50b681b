// Package chat is Baton's one internal model of chat completions:
// [Message], [ToolCall], [Request], [Response] and the [Client] interface
// that every provider adapter implements. Wire formats (OpenAI's, Anthropic's,
// the Hermes text format of Orchestrator-8B) are translated at the edges;
// everything between speaks these types.
//
// Sub-package chattest runs a scripted OpenAI-compatible HTTP server for
// tests.
package chat
