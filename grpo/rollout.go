package grpo

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"time"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/reward"
	"github.com/batonhq/baton/tool"
)

// rollout is one sampled episode with what training needs from it.
type rollout struct {
	ep     *episode.Episode
	tools  []tool.Spec
	traces []*learned.Trace
	// logp maps a turn to the sampling log-probability of its action.
	logp  map[int]float64
	score env.Score
	r     reward.Rollout
	// rew and adv are the reward and advantage; skip marks a skipped group.
	rew, adv float64
	skip     bool
}

// nominalLatency sums the typical latency (Spec.Latency) of the episode's
// calls. Training uses it instead of wall time so that runs are
// reproducible and a replay is not judged on the simulator's speed.
func nominalLatency(ep *episode.Episode, specs []tool.Spec) time.Duration {
	var d time.Duration
	for _, st := range ep.Steps {
		if st.Action.Final || st.Result == nil {
			continue
		}
		for _, s := range specs {
			if s.Name == st.Action.Tool {
				d += s.Latency
			}
		}
	}
	return d
}

// episodeOf runs task once with p and scores it.
func episodeOf(ctx context.Context, e env.Env, task episode.Task, p policy.Policy) (*episode.Episode, []tool.Spec, env.Score, error) {
	set, err := e.Tools(ctx, task)
	if err != nil {
		return nil, nil, env.Score{}, fmt.Errorf("grpo: tools of task %q: %w", task.ID, err)
	}
	// The set is not closed: envs may hand out one shared set per task
	// (replay does), and its owner is the env.
	ep, err := orchestrator.Run(ctx, task, p, set, orchestrator.WithRunID("grpo"))
	if err != nil {
		return nil, nil, env.Score{}, fmt.Errorf("grpo: run task %q: %w", task.ID, err)
	}
	if ep.Status == episode.StatusFailed {
		return nil, nil, env.Score{}, fmt.Errorf("grpo: task %q: policy failed: %s", task.ID, ep.Error)
	}
	sc, err := e.Score(ctx, task, ep)
	if err != nil {
		return nil, nil, env.Score{}, fmt.Errorf("grpo: score task %q: %w", task.ID, err)
	}
	return ep, set.Specs(), sc, nil
}

// sampleRollout runs task with p sampling at temp from its own rng.
func sampleRollout(ctx context.Context, e env.Env, task episode.Task, p *learned.Policy, seed int64, temp float64) (*rollout, error) {
	rng := rand.New(rand.NewSource(seed))
	ro := &rollout{logp: map[int]float64{}}
	pol := policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
		a, tr, err := p.Sample(s, rng, temp)
		if tr != nil {
			ro.traces = append(ro.traces, tr)
			ro.logp[s.Turn] = tr.LogProb
		}
		return a, err
	})
	ep, specs, sc, err := episodeOf(ctx, e, task, pol)
	if err != nil {
		return nil, err
	}
	ro.ep, ro.tools, ro.score = ep, specs, sc
	ro.r = reward.FromEpisode(ep, sc)
	ro.r.Latency = nominalLatency(ep, specs)
	return ro, nil
}

// parallel runs job(i) for i in [0, n) on up to workers goroutines and
// returns the first error by index; each job writes only its own slot, so
// results do not depend on scheduling.
func parallel(ctx context.Context, n, workers int, job func(i int) error) error {
	if workers < 1 {
		workers = 1 // zero workers would leave every job unsent, forever
	}
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = job(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("grpo: %w", err)
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
