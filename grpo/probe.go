package grpo

import (
	"context"
	"fmt"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/tool"
)

// Probe is what calling one tool alone on one task yields: the verifier's
// outcome of answering with its result, what the call cost, and the state a
// policy faces right after it.
type Probe struct {
	Tool    string  `json:"tool"`     // the tool called
	Outcome float64 `json:"outcome"`  // verifier outcome of answering with its result, clamped to [0, 1]
	Correct bool    `json:"correct"`  // verifier verdict
	CostUSD float64 `json:"cost_usd"` // what the call cost, in dollars
	// LatencyS is the tool's nominal latency (Spec.Latency) in seconds,
	// as training measures latency.
	LatencyS float64 `json:"latency_s"`
	// after is the history once the call is made, and spent its cost.
	after []episode.Step
	spent money.Amount
}

// TaskProbes are the probes of every tool offered on one task.
type TaskProbes struct {
	Task   episode.Task // the task probed
	Tools  []tool.Spec  // tools offered on it, in the set's Specs order
	Probes []Probe      // in Tools order
}

// ProbeEnv calls every tool of every task of e once, alone, and scores
// answering with its result. On a replay env this reads back the recorded
// outcomes of the training data through the env's own interface, so it
// works on any view (splits, hidden tools) and on any env whose tools are
// deterministic. Tasks run on up to workers goroutines; the result is in
// task order.
func ProbeEnv(ctx context.Context, e env.Env, workers int) ([]TaskProbes, error) {
	tasks := e.Tasks()
	if len(tasks) == 0 {
		return nil, fmt.Errorf("grpo: env %s has no tasks", e.Name())
	}
	out := make([]TaskProbes, len(tasks))
	err := parallel(ctx, len(tasks), max(1, workers), func(i int) error {
		tp, err := probeTask(ctx, e, tasks[i])
		out[i] = tp
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func probeTask(ctx context.Context, e env.Env, task episode.Task) (TaskProbes, error) {
	set, err := e.Tools(ctx, task)
	if err != nil {
		return TaskProbes{}, fmt.Errorf("grpo: tools of task %q: %w", task.ID, err)
	}
	specs := set.Specs()
	tp := TaskProbes{Task: task, Tools: specs, Probes: make([]Probe, len(specs))}
	t := task
	t.Preferences = episode.Preferences{}
	t.Budget = episode.Budget{MaxTurns: 2}
	for k, spec := range specs {
		pr := &tp.Probes[k]
		pr.Tool, pr.LatencyS = spec.Name, spec.Latency.Seconds()
		pol := policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
			if s.Turn == 1 {
				return episode.Action{Tool: spec.Name, Args: learned.CallArgs(spec, task.Prompt)}, nil
			}
			pr.after = append([]episode.Step(nil), s.Steps...)
			pr.spent = s.Spent
			answer := ""
			for _, st := range s.Steps {
				if a, ok := st.Result.Answer(); ok && !st.Failed() {
					answer = a
				}
			}
			return episode.Action{Final: true, Answer: answer}, nil
		})
		ep, _, sc, err := episodeOf(ctx, e, t, pol)
		if err != nil {
			return TaskProbes{}, err
		}
		pr.Outcome, pr.Correct, pr.CostUSD = clamp01(sc.Outcome), sc.Correct, ep.Cost.USD()
	}
	return tp, nil
}

func clamp01(x float64) float64 {
	switch {
	case x != x || x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

// probeScale is [Scale] measured from probes: the mean cost and nominal
// latency of calling every tool once.
func probeScale(tps []TaskProbes) Scale {
	var s Scale
	for _, tp := range tps {
		for _, pr := range tp.Probes {
			s.CostUSD += pr.CostUSD
			s.LatencyS += pr.LatencyS
		}
	}
	n := float64(max(1, len(tps)))
	s.CostUSD /= n
	s.LatencyS /= n
	return s
}
