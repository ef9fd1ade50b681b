package learned

import (
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/orchestrator"
)

// shuffledGold writes a copy of zeroeval's GSM8K files into a temporary
// directory with the gold answers permuted across questions (the same
// permutation in every model's file), everything else unchanged.
func shuffledGold(t *testing.T, src string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(src, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("zeroeval data (../shared/data beside the checkout): %v, %d files", err, len(files))
	}
	dst := filepath.Join(t.TempDir(), "gsm")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	var perm []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var recs []map[string]json.RawMessage
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatal(err)
		}
		if perm == nil {
			perm = rand.New(rand.NewSource(7)).Perm(len(recs))
		}
		gold := make([]json.RawMessage, len(recs))
		for i, r := range recs {
			gold[i] = r["answer"]
		}
		for i := range recs {
			recs[i]["answer"] = gold[perm[i]]
		}
		out, err := json.Marshal(recs)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// TestDecisionsIgnoreGold is the guard that nothing encoding the gold
// answer or a model's recorded correctness reaches the policy: with the
// gold answers shuffled across questions, the shipped multi-turn policy
// makes exactly the same calls and picks exactly the same answers under
// every preset, while the verifier's scores do change.
func TestDecisionsIgnoreGold(t *testing.T) {
	src := "../../../shared/data/zeroeval/result_dirs/gsm"
	real, err := replay.LoadZeroEval(src, "gsm")
	if err != nil {
		t.Fatalf("zeroeval data (../shared/data beside the checkout): %v", err)
	}
	fake, err := replay.LoadZeroEval(shuffledGold(t, src), "gsm")
	if err != nil {
		t.Fatal(err)
	}
	p, err := DefaultFor("zeroeval:gsm")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	trace := func(ep *episode.Episode) string {
		var b strings.Builder
		for _, st := range ep.Steps {
			if st.Action.Final {
				b.WriteString("answer:" + st.Action.Answer)
			} else {
				b.WriteString(st.Action.Tool + ";")
			}
		}
		return b.String()
	}
	prefs := []episode.Preferences{{Accuracy: 1, Cost: 0.1}, {Accuracy: 1, Cost: 1, Latency: 1}, {Accuracy: 1, Cost: 3, Latency: 1}}
	tasks := real.Tasks()[:60]
	scoresDiffer, multi := 0, 0
	for _, task := range tasks {
		for _, pr := range prefs {
			task := task
			task.Preferences, task.Budget = pr, episode.Budget{MaxTurns: 6}
			var eps [2]*episode.Episode
			var outcome [2]float64
			for k, e := range []*replay.Env{real, fake} {
				set, err := e.Tools(ctx, task)
				if err != nil {
					t.Fatal(err)
				}
				ep, err := orchestrator.Run(ctx, task, p, set)
				if err != nil {
					t.Fatal(err)
				}
				sc, err := e.Score(ctx, task, ep)
				if err != nil {
					t.Fatal(err)
				}
				eps[k], outcome[k] = ep, sc.Outcome
			}
			if a, b := trace(eps[0]), trace(eps[1]); a != b {
				t.Fatalf("task %s: decisions changed with the gold answers:\nreal:     %s\nshuffled: %s", task.ID, a, b)
			}
			if outcome[0] != outcome[1] {
				scoresDiffer++
			}
			if len(eps[0].Steps) > 2 {
				multi++
			}
		}
	}
	if scoresDiffer == 0 {
		t.Error("shuffling the gold answers changed no score: the test compares nothing")
	}
	if multi == 0 {
		t.Error("no episode made more than one call: the shipped policy does not orchestrate")
	}
	t.Logf("%d episodes: same decisions; %d scored differently; %d with several calls", len(tasks)*len(prefs), scoresDiffer, multi)
}
