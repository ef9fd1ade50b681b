package bench

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/episode"
)

// TestPlanZeroEvalHoldout runs the protocol users run (`baton bench
// --source zeroeval:gsm --checkpoint default --holdout-models ...`) on the
// real data: the splits are disjoint and fixed, every reference row is
// there, held-out models are absent from every fitted reference yet
// present at evaluation, and the report says so.
func TestPlanZeroEvalHoldout(t *testing.T) {
	ctx := context.Background()
	holdout := []string{"gpt-4o-2024-08-06", "gemini-1.5-flash", "Qwen2-72B-Instruct"}
	var log bytes.Buffer
	p := Plan{Source: "zeroeval:gsm", Data: SplitOptions{Offline: true}, Checkpoint: "default", Holdout: holdout, Seed: 1, Log: &log}
	res, err := p.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := LoadSplits(ctx, "zeroeval:gsm", SplitOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for name, e := range map[string][]string{"train": ids(sp.Train.Tasks()), "val": ids(sp.Val.Tasks()), "test": ids(sp.Test.Tasks())} {
		for _, id := range e {
			if prev, dup := seen[id]; dup {
				t.Fatalf("task %s in both %s and %s", id, prev, name)
			}
			seen[id] = name
		}
	}
	if len(seen) != len(sp.Records.Tasks()) || res.NEval != len(sp.Test.Tasks()) || res.NTrain == 0 || res.NVal == 0 {
		t.Fatalf("splits cover %d of %d tasks; n_eval %d n_train %d n_val %d", len(seen), len(sp.Records.Tasks()), res.NEval, res.NTrain, res.NVal)
	}
	for _, want := range []string{"oracle", "cascade:agree2", "cascade:agree3", "frugal", "vote:3", "vote:5", "knn:0.5",
		"learned:balanced", "single:gpt-4o-2024-08-06", "single:gemini-1.5-flash"} {
		if _, ok := res.Row(want); !ok {
			t.Errorf("no row %s", want)
		}
	}
	oracle, _ := res.Row("oracle")
	for _, r := range res.Rows {
		if r.Accuracy > oracle.Accuracy+1e-9 {
			t.Errorf("%s beats the oracle: %.3f > %.3f", r.Policy, r.Accuracy, oracle.Accuracy)
		}
		fam, _, _ := strings.Cut(r.Policy, ":")
		if fam == "cascade" || fam == "vote" || fam == "frugal" {
			// Cascades are fixed rules over price, fitted on nothing: they
			// may call a held-out model. Votes and frugal are fitted on
			// train, where those models are hidden.
			for _, h := range holdout {
				if fam == "cascade" {
					break
				}
				if r.ToolShare[h] > 0 {
					t.Errorf("%s calls held-out %s (share %.3f)", r.Policy, h, r.ToolShare[h])
				}
			}
			if r.Example == nil || len(r.Example.Calls) == 0 {
				t.Errorf("%s has no example episode", r.Policy)
			}
		}
	}
	if c, _ := res.Row("cascade:agree2"); c.CallsDist == nil || c.CallsPerTask <= 1 {
		t.Errorf("cascade:agree2 calls %.2f dist %v", c.CallsPerTask, c.CallsDist)
	}
	for _, fam := range []string{"learned", "cascade", "frugal", "vote", "knn"} {
		if _, ok := res.AUC[fam]; !ok {
			t.Errorf("no AUC for %s: %v", fam, res.AUC)
		}
	}
	if !res.UsageEstimated || strings.Join(res.Holdout, ",") != strings.Join(holdout, ",") {
		t.Errorf("usage_estimated %v holdout %v", res.UsageEstimated, res.Holdout)
	}
	if !strings.Contains(log.String(), "bench: zeroeval:gsm: evaluating") {
		t.Errorf("no phase lines without a terminal:\n%s", log.String())
	}
	dir := t.TempDir()
	if err := WriteReport(dir, res); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Unseen models", "gemini-1.5-flash", "One episode per policy", "cascade:agree2", "estimated"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	var table bytes.Buffer
	if err := PrintTable(&table, res); err != nil {
		t.Fatal(err)
	}
	best, _ := res.BestSingle()
	if !strings.Contains(table.String(), "Against the best single model on these tasks, "+strings.TrimPrefix(best.Policy, "single:")) {
		t.Errorf("table does not compare with the best single model %s:\n%s", best.Policy, table.String())
	}
	t.Log(table.String())
	if !strings.Contains(table.String(), "Held out of training, present at evaluation: gpt-4o-2024-08-06") {
		t.Errorf("table does not name the held-out models:\n%s", table.String())
	}
}

func ids(ts []episode.Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func TestPlanInvalid(t *testing.T) {
	ctx := context.Background()
	for name, p := range map[string]Plan{
		"unknown source":         {Source: "nosuch"},
		"unknown held-out model": {Source: "zeroeval:gsm", Data: SplitOptions{Offline: true}, Checkpoint: "default", Holdout: []string{"gpt-5"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := p.Run(ctx); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err %v, want ErrInvalid", err)
			}
		})
	}
}

// TestZeroEvalEvalDir: --eval DIR makes DIR the test split, minus any
// question the training side holds, so a folder of new questions is all
// test and the public folder itself gives back exactly the fixed test
// split.
func TestZeroEvalEvalDir(t *testing.T) {
	ctx := context.Background()
	fixed, err := LoadSplits(ctx, "zeroeval:gsm", SplitOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := LoadSplits(ctx, "zeroeval:gsm", SplitOptions{Offline: true, Eval: "testdata/tiny-zeroeval"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(fresh.Test.Tasks()); strings.Join(got, ",") != "q1,q2,q3,q4" {
		t.Errorf("new questions as test: %v", got)
	}
	if len(fresh.Train.Tasks()) != len(fixed.Train.Tasks()) || len(fresh.Val.Tasks()) != len(fixed.Val.Tasks()) {
		t.Errorf("--eval changed the training side: %d/%d vs %d/%d", len(fresh.Train.Tasks()), len(fresh.Val.Tasks()), len(fixed.Train.Tasks()), len(fixed.Val.Tasks()))
	}
	dir := filepath.Join("..", "..", "shared", "data", "zeroeval")
	same, err := LoadSplits(ctx, "zeroeval:gsm", SplitOptions{Offline: true, Eval: dir})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := ids(same.Test.Tasks()), ids(fixed.Test.Tasks()); strings.Join(a, ",") != strings.Join(b, ",") {
		t.Errorf("the public folder as --eval gives %d test tasks, the fixed split %d", len(a), len(b))
	}
}

func TestZeroEvalEvalDirAllFitted(t *testing.T) {
	ctx := context.Background()
	fixed, err := LoadSplits(ctx, "zeroeval:gsm", SplitOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	id := fixed.Train.Tasks()[0].ID
	dir := t.TempDir()
	rec := `[{"id": "` + id + `", "question": "q", "answer": "# 1", "output": ["{\"answer\": \"1\"}"]}]`
	if err := os.WriteFile(filepath.Join(dir, "gemma-2-2b-it.json"), []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadSplits(ctx, "zeroeval:gsm", SplitOptions{Offline: true, Eval: dir})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "also in the training") {
		t.Fatalf("an --eval folder of training questions: err %v", err)
	}
}
