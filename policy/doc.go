// Package policy holds the [Policy] contract, the [State] a policy sees
// each turn, and the registry of policy kinds ([Register], [New]).
//
// Implementations live in sub-packages: baseline (fixed, cheapest,
// strongest, random, cascade), llm (any OpenAI-compatible chat model as
// orchestrator, including Orchestrator-8B's Hermes format) and learned
// (Baton's embedded orchestrator: a score head, a multi-turn decider
// cloned from an agreement cascade, then trained by GRPO; the shipped
// checkpoints are GRPO's output).
package policy
