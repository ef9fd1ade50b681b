// Package check verifies the Go τ²-bench domains against real data, with
// two kinds of check counted apart: fidelity (every recorded trajectory,
// the ToolOrchestra leaderboard runs, replays with identical tool
// responses and the recorded reward) and determinism (every task's gold
// actions replay twice to the same hash and errors; a gold action's error
// is tolerated and listed, as tau2 tolerates it, with no list of expected
// task ids). [Run] prints per-domain counts and a last line
// "fidelity: N passed, M failed; determinism: N passed, M failed"; it is
// wired as the CLI command baton env check DIR and runs on any directory
// laid out like shared/data/tau2-bench, skipping missing domains with a
// note, and refusing ([ErrNothingToCheck]) a directory with nothing to
// check.
package check
