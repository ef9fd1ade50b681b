// Package check verifies the Go τ²-bench domains against real data: every
// task's gold actions replay deterministically, and every recorded
// trajectory (the ToolOrchestra leaderboard runs) replays with identical
// tool responses and the recorded reward. [Run] prints per-domain counts
// and a final "N passed, M failed" line; it is meant to be wired as a CLI
// command (baton env check DIR) and runs on any directory laid out like
// shared/data/tau2-bench, skipping missing domains with a note.
package check
