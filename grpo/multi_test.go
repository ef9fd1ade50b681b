package grpo

import (
	"context"
	"testing"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/replay"
)

// zeroevalSplits loads zeroeval's GSM8K replays from ../shared/data and
// carves train and validation by replay.SplitOf, as bench's protocol
// does; the test split is never read here.
func zeroevalSplits(t *testing.T, keepTrain int) (train, val env.Env) {
	t.Helper()
	all, err := replay.LoadZeroEval("../../shared/data/zeroeval", "gsm")
	if err != nil {
		t.Fatalf("zeroeval data (../shared/data beside the checkout): %v", err)
	}
	n := 0
	train = all.Subset(all.Name()+":train", func(id string) bool {
		if replay.SplitOf(id) != "train" || n >= keepTrain {
			return false
		}
		n++
		return true
	})
	val = all.Subset(all.Name()+":val", func(id string) bool { return replay.SplitOf(id) == "val" })
	return train, val
}

// TestMultiTurnGRPOBeatsWarmStart trains the multi-turn policy on real
// recorded completions (a fixed seed, part of zeroeval:gsm's training
// split) and checks what the product claims: the warm start is the
// cascade clone, it orchestrates (more than one call per task on
// average), and GRPO's policy scores higher on the validation split
// than the warm start it began from.
func TestMultiTurnGRPOBeatsWarmStart(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real data; skipped with -short")
	}
	train, val := zeroevalSplits(t, 400)
	cfg := FitConfig{Multi: true, Warm: WarmConfig{Seed: 1}, GRPO: Config{Seed: 1, Steps: 30}}
	p, st, err := Fit(context.Background(), cfg, train, val)
	if err != nil {
		t.Fatal(err)
	}
	if st.WarmStart != "cascade-clone" || st.WarmPolicy == nil || st.Chosen != "grpo" {
		t.Fatalf("warm start %q (policy %v), chosen %q; want the cascade clone and GRPO's policy", st.WarmStart, st.WarmPolicy != nil, st.Chosen)
	}
	if st.CloneAgreement < 0.9 {
		t.Errorf("the clone reproduces %.3f of the teacher's decisions, want ≥ 0.9", st.CloneAgreement)
	}
	if st.WarmEval == nil || st.GRPO.Best == nil {
		t.Fatal("no validation of the warm start or of GRPO")
	}
	calls := 0.0
	for _, pr := range st.WarmEval.Presets {
		calls += pr.MeanCalls / float64(len(st.WarmEval.Presets))
	}
	if calls <= 1.2 {
		t.Errorf("the warm start makes %.2f calls per task: it does not orchestrate", calls)
	}
	t.Logf("validation score: warm %.4f, GRPO %.4f at step %d", st.WarmEval.Score, st.GRPO.Best.Score, st.GRPO.Best.Step)
	if st.GRPO.Best.Score <= st.WarmEval.Score {
		t.Errorf("GRPO's validation score %.4f does not beat its warm start's %.4f", st.GRPO.Best.Score, st.WarmEval.Score)
	}
	if p.DeciderWeights() == nil {
		t.Error("the trained policy has no decider")
	}
}

// TestParallelZeroWorkers: a zero worker count runs the jobs on one
// worker instead of waiting forever.
func TestParallelZeroWorkers(t *testing.T) {
	done := make([]bool, 5)
	if err := parallel(context.Background(), len(done), 0, func(i int) error { done[i] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	for i, d := range done {
		if !d {
			t.Errorf("job %d did not run", i)
		}
	}
}
