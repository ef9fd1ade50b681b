// Package episode is Baton's data model for one orchestrated run: the
// [Task] (prompt, [Preferences], [Budget], allowed tools), the [Action] a
// policy takes each turn, the [Step] recorded for it, the finished
// [Episode], and the trace [Event]s emitted while it runs.
//
// Every other package speaks these types: policies read steps and return
// actions, the orchestrator produces episodes, rewards score them, the
// server and the store persist them.
package episode
