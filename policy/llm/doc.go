// Package llm lets a chat model orchestrate: each turn it is shown the task,
// the tools with their prices and latencies, the budget, the user's
// preferences and what earlier turns returned, and it picks the next call.
//
// Two prompt formats are provided:
//
//   - [Native] (registered as "llm") uses native OpenAI tool calling with any
//     OpenAI-compatible chat model. The tools of the run become function
//     definitions (names sanitised, see below) plus a synthetic "answer"
//     function; the history is replayed as assistant tool calls and tool
//     messages.
//   - [Orchestrator8B] (registered as "orchestrator8b") speaks the format
//     nvidia/Orchestrator-8B was trained on: a prompt rebuilt every turn
//     from the problem and the gathered context, and three functions
//     (search, enhance_reasoning, answer) whose only argument picks an
//     expert by alias from a price table. Aliases map to the run's tools.
//
// Both depend only on [chat.Client]; the registered constructors build an
// OpenAI-compatible client from tool/llm. Replies may carry native
// tool_calls or Hermes-style "<tool_call>{...}</tool_call>" text, which
// [ParseToolCalls] reads.
//
// A policy is stateless between Decide calls: everything it needs is
// derived from the [policy.State], so one value serves concurrent episodes.
// Orchestrator8B marks the actions it returns with a line in
// [episode.Action.Thought] (see [Orchestrator8B]) and relies on the
// orchestrator recording the returned Action in the Step as it was returned.
//
// The decision's own tokens and price are returned in Action.Usage and
// Action.Cost, also alongside an error wrapping [policy.ErrInvalidAction],
// since the model was paid for even when its reply was unusable. Both
// policies implement [policy.CostBounder]: every request carries a reply
// cap ([Model.MaxTokens], [DefaultMaxTokens]), so the most a decision can
// cost is known before it is made and budgets can reserve it.
//
// Construct [Native] or [Orchestrator8B] directly around any
// [chat.Client], or by name through [policy.New] ("llm",
// "orchestrator8b") with [Options], which builds chat/openai's
// OpenAI-compatible client.
package llm
