// Package orchestrator runs the loop at Baton's core: [Run] asks a
// policy for an action each turn, validates it, reserves its worst-case cost
// on every budget, calls the tool through a [tool.Set], commits the actual
// cost, records an [episode.Step] and emits trace events as they happen,
// until the policy answers or a budget (cost, time, turns) runs out.
//
// The orchestrator imports the contracts (tool, policy, budget, episode) and
// never a backend.
package orchestrator
