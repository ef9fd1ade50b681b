package env

import (
	"context"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/tool"
)

// Env is a source of tasks with tools and a verifier: a replay of recorded
// model outcomes, a τ²-bench-style domain, a QA set.
type Env interface {
	// Name identifies the environment in reports, e.g. "llmrouter".
	Name() string
	// Tasks returns the environment's tasks in a stable order.
	Tasks() []episode.Task
	// Tools returns the tools for one rollout of task. Environments with
	// state (a domain database) return a fresh copy per call, so rollouts
	// never see each other's writes.
	Tools(ctx context.Context, task episode.Task) (*tool.Set, error)
	// Score verifies a finished episode of task.
	Score(ctx context.Context, task episode.Task, ep *episode.Episode) (Score, error)
}

// Score is a verifier's verdict on one episode.
type Score struct {
	// Outcome is the task reward in [0, 1]: 0/1 for verified tasks, a
	// recorded partial score where the data has one.
	Outcome float64 `json:"outcome"`
	// Correct is the binary form of Outcome used for accuracy.
	Correct bool `json:"correct"`
	// Breakdown names the parts of the verdict (db_match, communicate...).
	Breakdown map[string]float64 `json:"breakdown,omitempty"`
	// Detail explains the verdict for humans.
	Detail string `json:"detail,omitempty"`
}
