// Package policy holds the [Policy] contract, the [State] a policy sees
// each turn, and the registry of policy kinds ([Register], [New]).
//
// Implementations live in sub-packages: baseline (fixed, cheapest,
// strongest, random, cascade), llm (any OpenAI-compatible chat model as
// orchestrator, including Orchestrator-8B's Hermes format) and learned
// (Baton's embedded GRPO-trained policy).
package policy
