// Package tau2 runs Baton agents on τ²-bench (tau2) domains as tau2 does:
// a dialogue between an agent that follows the domain policy with the
// domain's tools and an LLM-simulated customer who follows the task's
// user_scenario, scored at the end by the domain's verifier.
//
// # One conversation
//
// [Runner.Run] plays one conversation of one task. It opens one
// [domain.Session] (a fresh database) for the whole conversation and binds
// the session's tools, plus call_expert when experts are configured
// ([Expert]), into one [tool.Set], so every write the agent makes persists
// across its turns.
// The agent greets first with tau2's fixed greeting; then, in turn:
//
//   - the simulated user ([User]) sees the conversation with the roles
//     flipped (the agent's words as the "user" role, its own as
//     "assistant") under tau2's system prompt (the simulation guidelines
//     followed by the scenario) and writes the next customer message;
//     a message containing ###STOP###, ###TRANSFER### or ###OUT-OF-SCOPE###
//     ends the conversation;
//   - the agent takes one turn: one [orchestrator.Run] episode whose
//     Task.Prompt is the domain policy and the transcript so far (the
//     customer's and agent's messages and every earlier tool call with its
//     result, see [AgentPrompt]). Within the episode the policy calls tools
//     as usual; its final Answer is the message sent to the customer.
//
// An episode is stateless apart from its prompt, so each agent turn is a
// fresh episode with its own step budget while the database (the session)
// and the transcript carry the conversation. The transcript is kept from
// the orchestrator's trace events, so call_expert, called mid-turn, sees the
// calls of the current turn too.
//
// # Experts, as in ToolOrchestra
//
// With [Runner.Experts], the agent is offered call_expert(expert) with the
// experts' aliases (ToolOrchestra's expert-1, expert-2, expert-3: gpt-5,
// gpt-5-mini, Qwen3-32B, see [DefaultExperts]) and their prices, and
// transfer_to_human_agents is hidden from it. The chosen expert acts as
// the τ²-bench agent for that step: it gets tau2's agent system prompt
// with the policy ([AgentSystemPrompt]), the conversation as chat
// ([ChatHistory]) and the domain's tools, transfer included. A relay
// around the agent's policy then plays the expert's reply as the agent's:
// its message ends the turn as the message to the customer; its tool
// calls are made one per orchestrator turn, in order, with no model asked,
// and the agent decides again. The expert's tokens are billed at its
// alias's price as the call_expert call.
//
// # Steps
//
// As tau2, a conversation is cut off after [Runner.MaxSteps] steps
// ([DefaultMaxSteps], 200), counted as tau2 counts them: each agent or
// customer message, each agent message calling tools and the message with
// their replies. The cap stops an agent turn mid-way too, and so does
// tau2's max_errors ([Runner.MaxErrors], 10 failed tool calls of the
// agent's).
//
// # Orchestrator-8B's context
//
// [ChatAgent] is the agent as ToolOrchestra runs Orchestrator-8B on
// τ²-bench: the conversation as chat under tau2's system prompt, the
// policy's transfer rules replaced by [ExpertRule] when experts are offered,
// and a suffix asking for <think>, <message> and <tool_call> tags; the
// Runner binds it to each conversation and reads its <message> tags
// ([MessageText]).
//
// At the end the session is scored with [domain.Domain.Evaluate]: the final
// database hash against the gold replay, and communicate_info over every
// agent message. As in tau2, a conversation that did not end normally (the
// user or the agent stopped it) gets reward 0: running out of steps, a
// failed agent turn, a failed user simulator.
//
// # Costs
//
// Every conversation reports three costs: the agent's (its policy's own
// decisions, billed by the orchestrator), the experts' (call_expert calls,
// a priced tool the orchestrator reserves and bills like any model, at the
// chosen alias's price) and the user simulator's. The system under test is agent plus expert; the simulator
// is the benchmark's own cost and is reported apart.
//
// # Metrics
//
// [Summarise] aggregates conversations per task: pass^k as τ²-bench defines
// it (the chance that k i.i.d. trials all succeed, estimated per task from
// n trials with c successes as C(c,k)/C(n,k), see [PassHatK], and averaged
// over tasks), mean reward, costs, latency and turns, as a [bench.Results]
// table plus per-task [TaskRow]s.
package tau2
