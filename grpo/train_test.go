package grpo

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy/learned"
)

func smallPolicy(t testing.TB, seed int64) *learned.Policy {
	t.Helper()
	p, err := learned.New(learned.Config{TextBuckets: 1024, ToolBuckets: 64, Dim: 8, Hidden: 16}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConvergesOnBandit trains on the synthetic bandit and checks that the
// greedy policy, under the balanced preference, calls the cheapest right
// model first and answers correctly on held-out tasks.
func TestConvergesOnBandit(t *testing.T) {
	train, val := newBandit(60, 1, "tr"), newBandit(30, 2, "va")
	var log strings.Builder
	cfg := Config{Seed: 1, Steps: 40, BatchTasks: 8, Group: 8, Epochs: 2, LR: 1e-2, EvalEvery: 20, Progress: &log}
	p, stats, err := Train(context.Background(), cfg, train, val, smallPolicy(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(stats.Evals) == 0 || stats.Best == nil {
		t.Fatalf("no evaluations: %+v", stats)
	}
	want := map[int]string{0: "cheap", 1: "mid", 2: "big"}
	good := 0
	for _, task := range val.Tasks() {
		task.Preferences = episode.PreferBalanced
		task.Budget.MaxTurns = 5
		set, _ := val.Tools(context.Background(), task)
		ep, err := orchestrator.Run(context.Background(), task, p, set)
		if err != nil {
			t.Fatal(err)
		}
		sc, _ := val.Score(context.Background(), task, ep)
		first := ""
		if len(ep.Steps) > 0 {
			first = ep.Steps[0].Action.Tool
		}
		if sc.Correct && first == want[val.cat[task.ID]] && len(ep.Steps) == 2 {
			good++
		} else {
			t.Logf("%s (cat %d): steps %d first %s correct %v", task.ID, val.cat[task.ID], len(ep.Steps), first, sc.Correct)
		}
	}
	if frac := float64(good) / float64(len(val.Tasks())); frac < 0.9 {
		last := stats.Steps[len(stats.Steps)-1]
		t.Errorf("optimal on %.0f%% of validation tasks, want ≥ 90%%; last step %+v", 100*frac, last)
	}
	if log.Len() == 0 {
		t.Error("no progress written")
	}
}

func TestDeterministic(t *testing.T) {
	run := func(workers int) []byte {
		train, val := newBandit(12, 3, "tr"), newBandit(6, 4, "va")
		var export bytes.Buffer
		cfg := Config{Seed: 42, Steps: 4, BatchTasks: 3, Group: 4, Workers: workers, EvalEvery: 2, Export: &export}
		p, _, err := Train(context.Background(), cfg, train, val, smallPolicy(t, 9))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := p.Save(&b); err != nil {
			t.Fatal(err)
		}
		return append(b.Bytes(), export.Bytes()...)
	}
	a, b, c := run(1), run(2), run(1)
	if !bytes.Equal(a, b) || !bytes.Equal(a, c) {
		t.Error("same seed gave different checkpoints or exports")
	}
}

func TestTrainErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"group of one", Config{Group: 1}, "group"},
		{"negative lr", Config{LR: -1}, "lr"},
		{"clip low too big", Config{ClipLow: 1.5}, "clip_low"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Train(context.Background(), c.cfg, newBandit(3, 1, "x"), nil, smallPolicy(t, 1))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want mention of %q", err, c.want)
			}
		})
	}
	if _, _, err := Train(context.Background(), Config{}, &bandit{}, nil, nil); err == nil {
		t.Error("env without tasks: want an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Train(ctx, Config{Steps: 2}, newBandit(3, 1, "x"), nil, smallPolicy(t, 1)); err == nil {
		t.Error("cancelled: want an error")
	}
}

var _ = episode.Task{}
