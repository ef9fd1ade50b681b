// Package telecom is τ²-bench's telecom domain over the real data files
// (db.toml, user_db.toml, tasks.json): a mobile carrier's agent-side
// database (plans, customers, lines, bills, devices) and the customer's
// simulated phone, with tau2's 13 agent tools and 30 phone tools, its
// environment functions and its env-assertion scoring.
//
// # Registration
//
// The init function registers [Kit] as "telecom" with the domain
// framework; import the package for its side effect and use
// domain.Open(ctx, root, "telecom"). Kit is a domain.FunctionRunner, so a
// task's initialization_actions run on a new session and its
// env_assertions are evaluated by domain.Domain.Evaluate.
//
// # Two sides, one database
//
// tau2 keeps the agent's database and the user's (phone and surroundings)
// in two toolkits of one environment and, after every tool call and every
// environment function, syncs them (TelecomEnvironment.sync_tools): a
// suspended line leaves the phone without service, a line's roaming
// permission and spent data allowance reach the phone, a bill awaiting
// payment becomes the user's payment request and a paid request marks the
// bill paid. [DB] holds both sides so they fork and hash together, and
// [DB.Sync] runs after every successful tool call and function.
//
// Kit.Tools lists the agent tools and then the phone tools: a session must
// be able to run both, because telecom's gold actions are split between the
// agent (requestor "assistant") and the user ("user") and the reward checks
// the phone's final state. An orchestrator without a user simulator thus
// operates the phone itself, which is tau2's solo mode (see [Policy] for
// its policy text); [AgentTools], [UserTools] and [IsUserTool] split the
// two sets for a caller that simulates the user.
//
// # Scoring
//
// Telecom tasks are scored on ENV_ASSERTION (tau2's assert_* functions run
// on the final state) and, for some, ACTION (the gold calls were made). A
// golden replay, the agent's and the user's gold actions in order, reaches
// reward 1 on all 92 shared tasks and all 16 small-set tasks; the initial
// state alone reaches it on none, and the agent's actions alone on none of
// the 75 tasks that need the user's.
//
// # KNOWN_DIFFERENCES
//
//   - New draft bills (refuel_data for a customer without one) get an id
//     derived from the customer and the bill count instead of tau2's
//     random "B"+uuid4 hex, so a rollout hashes the same every time.
//   - The gold state (domain.Domain.GoldHash) syncs the two sides after
//     each gold action; tau2's gold replay does not. Only the DB part of a
//     reward uses it, and no telecom task has DB in its basis.
//   - Lookups match phone numbers and names exactly (name case-insensitive),
//     as the tools at the data's release did; later tau2 versions compare
//     digits only and fold accents.
//   - Missing keyword arguments are reported as "f() missing N required
//     positional argument(s): ..." without the class-qualified name
//     Python 3.10+ prints; suspend_line_for_overdue_bill refuses a bill id
//     that exists (tau2 would append a shadowed duplicate).
//   - Arguments that violate a JSON Schema are rejected by the
//     orchestrator path (domain.Session.Call) with its own message.
//   - The policy the framework reads is main_policy.md alone; tau2 gives
//     the agent main policy + tech-support manual, built by [Policy].
package telecom
