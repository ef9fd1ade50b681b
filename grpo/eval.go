package grpo

import (
	"context"
	"fmt"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/reward"
)

// EvalStats is a greedy policy's performance on an env under one preset.
type EvalStats struct {
	Preset   string  `json:"preset"`   // preset name, e.g. "balanced"
	Tasks    int     `json:"tasks"`    // tasks evaluated
	Accuracy float64 `json:"accuracy"` // share of tasks solved
	// MeanCostUSD is the mean episode cost in dollars, for display.
	MeanCostUSD float64 `json:"mean_cost_usd"`
	// MeanLatencyS is the mean nominal latency (sum of the called tools'
	// Spec.Latency) in seconds.
	MeanLatencyS float64 `json:"mean_latency_s"`
	MeanCalls    float64 `json:"mean_calls"` // mean tool calls per episode
}

// Eval is one validation: per-preset stats and the score training
// maximises.
type Eval struct {
	Step    int         `json:"step"`    // the optimisation step it followed; 0 outside Train
	Presets []EvalStats `json:"presets"` // one per preset
	// Score is the mean over presets p of
	//   w_acc·accuracy − w_cost·cost/CostScale − w_lat·latency/LatencyScale
	// with w the preset's weights normalised to sum 1 and the scales the
	// mean cost and latency of calling every tool once (see [Scales]).
	Score float64 `json:"score"`
}

// Scale is what "expensive" and "slow" mean on an env: the mean cost and
// nominal latency of an episode that calls every tool once.
type Scale struct {
	CostUSD  float64 `json:"cost_usd"`  // mean episode cost, dollars
	LatencyS float64 `json:"latency_s"` // mean nominal latency, seconds
}

// callAll calls each tool once in name order, then answers with the last
// successful result: the most expensive sensible episode.
var callAll = policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
	called := map[string]bool{}
	last := ""
	for _, st := range s.Steps {
		called[st.Action.Tool] = true
		if st.Result != nil && !st.Failed() {
			if a, ok := st.Result.Answer(); ok {
				last = a
			}
		}
	}
	for _, t := range s.Tools {
		if !called[t.Name] {
			return episode.Action{Tool: t.Name, Args: []byte(`{}`)}, nil
		}
	}
	return episode.Action{Final: true, Answer: last}, nil
})

// Scales measures the env's [Scale] over its tasks.
func Scales(ctx context.Context, e env.Env, workers int) (Scale, error) {
	tasks := e.Tasks()
	if len(tasks) == 0 {
		return Scale{}, fmt.Errorf("grpo: env %s has no tasks", e.Name())
	}
	cost := make([]float64, len(tasks))
	lat := make([]float64, len(tasks))
	err := parallel(ctx, len(tasks), workers, func(i int) error {
		t := tasks[i]
		t.Budget.MaxTurns = 0
		ep, specs, _, err := episodeOf(ctx, e, t, callAll)
		if err != nil {
			return err
		}
		cost[i], lat[i] = ep.Cost.USD(), nominalLatency(ep, specs).Seconds()
		return nil
	})
	if err != nil {
		return Scale{}, err
	}
	var s Scale
	for i := range tasks {
		s.CostUSD += cost[i] / float64(len(tasks))
		s.LatencyS += lat[i] / float64(len(tasks))
	}
	return s, nil
}

// Evaluate runs p on every task of e under each of [Presets] (replacing
// the tasks' preferences; tasks without a turn budget get maxTurns) and
// scores the result against scale.
func Evaluate(ctx context.Context, p policy.Policy, e env.Env, scale Scale, maxTurns, workers int) (Eval, error) {
	tasks := e.Tasks()
	if len(tasks) == 0 {
		return Eval{}, fmt.Errorf("grpo: env %s has no tasks", e.Name())
	}
	var ev Eval
	for _, pr := range Presets {
		acc := make([]float64, len(tasks))
		cost := make([]float64, len(tasks))
		lat := make([]float64, len(tasks))
		calls := make([]float64, len(tasks))
		err := parallel(ctx, len(tasks), workers, func(i int) error {
			t := tasks[i]
			t.Preferences = pr.Pref
			if t.Budget.MaxTurns == 0 {
				t.Budget.MaxTurns = maxTurns
			}
			ep, specs, sc, err := episodeOf(ctx, e, t, p)
			if err != nil {
				return err
			}
			r := reward.FromEpisode(ep, sc)
			acc[i] = b2f(r.Solved())
			cost[i] = ep.Cost.USD()
			lat[i] = nominalLatency(ep, specs).Seconds()
			for _, n := range r.Calls {
				calls[i] += float64(n)
			}
			return nil
		})
		if err != nil {
			return Eval{}, err
		}
		st := EvalStats{Preset: pr.Name, Tasks: len(tasks)}
		n := float64(len(tasks))
		for i := range tasks {
			st.Accuracy += acc[i] / n
			st.MeanCostUSD += cost[i] / n
			st.MeanLatencyS += lat[i] / n
			st.MeanCalls += calls[i] / n
		}
		ev.Presets = append(ev.Presets, st)
		w := pr.Pref.Accuracy + pr.Pref.Cost + pr.Pref.Latency
		u := pr.Pref.Accuracy / w * st.Accuracy
		if scale.CostUSD > 0 {
			u -= pr.Pref.Cost / w * st.MeanCostUSD / scale.CostUSD
		}
		if scale.LatencyS > 0 {
			u -= pr.Pref.Latency / w * st.MeanLatencyS / scale.LatencyS
		}
		ev.Score += u / float64(len(Presets))
	}
	return ev, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
