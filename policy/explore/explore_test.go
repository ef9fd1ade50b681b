package explore

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/sqlite"
)

var (
	gsmOnce sync.Once
	gsm     *replay.Env
	gsmErr  error
)

func loadGSM(t *testing.T) *replay.Env {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "zeroeval")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no %s beside the checkout", dir)
	}
	gsmOnce.Do(func() { gsm, gsmErr = replay.LoadZeroEval(dir, "gsm") })
	if gsmErr != nil {
		t.Fatal(gsmErr)
	}
	return gsm
}

func defaultPolicy(t *testing.T) *learned.Policy {
	t.Helper()
	p, err := learned.DefaultFor("zeroeval:gsm")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// states returns real zeroeval states: turn 1 of a task, and turn 2 after
// the greedy first call was made.
func states(t *testing.T, e *replay.Env, p *learned.Policy, i int) []*policy.State {
	t.Helper()
	ctx := context.Background()
	task := e.Tasks()[i]
	task.Budget.MaxTurns = 4
	set, err := e.Tools(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	s1 := &policy.State{Task: &task, Tools: set.Specs(), Turn: 1}
	act, err := p.Decide(ctx, s1)
	if err != nil || act.Final {
		t.Fatalf("greedy first action %+v, %v; want a call", act, err)
	}
	tl, err := set.Get(act.Tool)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tl.Call(ctx, act.Args)
	if err != nil {
		t.Fatal(err)
	}
	step := episode.Step{Turn: 1, Action: act, Result: res, Cost: res.Cost, Latency: res.Latency}
	s2 := &policy.State{Task: &task, Tools: set.Specs(), Steps: []episode.Step{step}, Turn: 2, Spent: res.Cost}
	return []*policy.State{s1, s2}
}

func TestDistributionOnZeroEvalState(t *testing.T) {
	e := loadGSM(t)
	p := defaultPolicy(t)
	ctx := context.Background()
	for _, s := range states(t, e, p, 5) {
		greedy, err := p.Decide(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		acts, _, err := p.Logits(s)
		if err != nil || len(acts) < 2 {
			t.Fatalf("turn %d: %d candidates, %v", s.Turn, len(acts), err)
		}
		for _, eps := range []float64{0, 0.1, 0.5, 1} {
			_, probs, err := Distribution(p, s, eps)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0.0
			for i, pr := range probs {
				if pr < 0 || pr > 1 {
					t.Fatalf("turn %d eps %v: probability %v of candidate %d", s.Turn, eps, pr, i)
				}
				want := eps / float64(len(acts))
				if SameAction(acts[i], greedy) {
					want += 1 - eps
				}
				if math.Abs(pr-want) > 1e-12 {
					t.Errorf("turn %d eps %v: candidate %d has %v, want (1-ε)[greedy]+ε/|candidates| = %v", s.Turn, eps, i, pr, want)
				}
				sum += pr
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("turn %d eps %v: probabilities sum to %v", s.Turn, eps, sum)
			}
			if pg, _ := ProbOf(p, s, eps, greedy); pg < 1-eps {
				t.Errorf("turn %d eps %v: greedy action has %v < 1-ε", s.Turn, eps, pg)
			}
		}
	}
}

// TestSampledFrequencies: over many decisions the chosen actions' empirical
// frequencies match the probabilities returned with them, and each
// returned probability is the candidate's mixture probability.
func TestSampledFrequencies(t *testing.T) {
	e := loadGSM(t)
	p := defaultPolicy(t)
	s := states(t, e, p, 7)[0]
	const eps, n = 0.3, 4000
	x, err := New(p, eps, 42)
	if err != nil {
		t.Fatal(err)
	}
	acts, probs, _ := Distribution(p, s, eps)
	counts := make([]int, len(acts))
	for range n {
		a, pr, err := x.DecideWithProb(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for i, c := range acts {
			if SameAction(c, a) {
				counts[i]++
				found = true
				if pr != probs[i] {
					t.Fatalf("returned probability %v, candidate's is %v", pr, probs[i])
				}
			}
		}
		if !found {
			t.Fatalf("sampled %+v, not a candidate", a)
		}
	}
	for i, c := range counts {
		want := probs[i] * n
		sd := math.Sqrt(n * probs[i] * (1 - probs[i]))
		if math.Abs(float64(c)-want) > 5*sd+1 {
			t.Errorf("candidate %d chosen %d times of %d, expected %.1f ± %.1f", i, c, n, want, sd)
		}
	}
}

func TestNewRejectsBadRate(t *testing.T) {
	p := defaultPolicy(t)
	for _, eps := range []float64{-0.1, 1.1, math.NaN()} {
		if _, err := New(p, eps, 1); err == nil {
			t.Errorf("New(eps=%v) accepted", eps)
		}
	}
	if _, err := New(nil, 0.1, 1); err == nil {
		t.Error("New(nil) accepted")
	}
}

// TestProbSurvivesStore: an orchestrated run with exploration records each
// step's probability, consistent with the states it was decided in, and
// the probabilities survive a SQLite store round trip.
func TestProbSurvivesStore(t *testing.T) {
	e := loadGSM(t)
	p := defaultPolicy(t)
	const eps = 0.5
	x, err := New(p, eps, 7)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	task := e.Tasks()[11]
	task.Budget.MaxTurns = 4
	set, err := e.Tools(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := orchestrator.Run(ctx, task, x, set, orchestrator.WithRunID("run-explore"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ep.Steps) == 0 {
		t.Fatal("no steps")
	}
	spent := money.Amount(0)
	for i, st := range ep.Steps {
		if st.Prob <= 0 || st.Prob > 1 {
			t.Fatalf("step %d: prob %v", i, st.Prob)
		}
		s := &policy.State{Task: &ep.Task, Tools: set.Specs(), Steps: ep.Steps[:i], Turn: i + 1, Spent: spent}
		want, err := ProbOf(p, s, eps, st.Action)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(want-st.Prob) > 1e-12 {
			t.Errorf("step %d: logged prob %v, recomputed from the state %v", i, st.Prob, want)
		}
		spent = spent.Add(st.Cost)
	}

	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "baton.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CreateRun(ctx, store.Run{ID: ep.RunID, KeyID: "k", Task: ep.Task}); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishRun(ctx, ep.RunID, ep); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetRun(ctx, ep.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Episode.Steps) != len(ep.Steps) {
		t.Fatalf("stored %d steps of %d", len(got.Episode.Steps), len(ep.Steps))
	}
	for i := range ep.Steps {
		if got.Episode.Steps[i].Prob != ep.Steps[i].Prob {
			t.Errorf("step %d: stored prob %v, logged %v", i, got.Episode.Steps[i].Prob, ep.Steps[i].Prob)
		}
	}
}

// TestGreedyPolicyLogsNoProb: a policy that is not a Prober leaves Prob 0.
func TestGreedyPolicyLogsNoProb(t *testing.T) {
	e := loadGSM(t)
	p := defaultPolicy(t)
	ctx := context.Background()
	task := e.Tasks()[11]
	set, _ := e.Tools(ctx, task)
	ep, err := orchestrator.Run(ctx, task, p, set)
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range ep.Steps {
		if st.Prob != 0 {
			t.Errorf("step %d of a non-Prober has prob %v", i, st.Prob)
		}
	}
}
