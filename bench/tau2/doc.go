// Package tau2 runs Baton agents on τ²-bench (tau2) domains as tau2 does:
// a dialogue between an agent that follows the domain policy with the
// domain's tools and an LLM-simulated customer who follows the task's
// user_scenario, scored at the end by the domain's verifier.
//
// # One conversation
//
// [Runner.Run] plays one conversation of one task. It opens one
// [domain.Session] (a fresh database) for the whole conversation and binds
// the session's tools, plus the optional call_expert tool ([Expert]), into
// one [tool.Set], so every write the agent makes persists across its turns.
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
// At the end the session is scored with [domain.Domain.Evaluate]: the final
// database hash against the gold replay, and communicate_info over every
// agent message. As in tau2, a conversation that did not end normally (the
// user or the agent stopped it) gets reward 0: running out of turns, a
// failed agent turn, a failed user simulator.
//
// # Costs
//
// Every conversation reports three costs: the agent's (its policy's own
// decisions, billed by the orchestrator), the expert's (call_expert calls,
// a priced tool the orchestrator bills like any model) and the user
// simulator's. The system under test is agent plus expert; the simulator
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
