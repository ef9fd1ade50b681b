package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/policy/learned"
)

// saveDefault writes the shipped checkpoint to name.
func saveDefault(t *testing.T, name string) {
	t.Helper()
	p, err := learned.DefaultFor(learned.DefaultSource)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := p.Save(f); err != nil {
		t.Fatal(err)
	}
}

func sendFeedback(t *testing.T, base, key, id string, score float64) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/v1/runs/"+id+"/feedback", strings.NewReader(fmt.Sprintf(`{"score": %v}`, score)))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("feedback: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestTrainFromStore: runs a real baton serve recorded in SQLite, with
// feedback, train a checkpoint that loads, holds out a tenth of the runs,
// and that baton eval can estimate from the same logs.
func TestTrainFromStore(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "baton.db")
	s := startExploringServe(t, db)
	const n = 20
	for i := range n {
		id := postRun(t, s.base, s.key, fmt.Sprintf("Question %d: what is %d times 7?", i, i))
		sendFeedback(t, s.base, s.key, id, float64(i%2))
	}
	// One run without feedback: not a task.
	postRun(t, s.base, s.key, "unjudged")
	s.stop()
	saveDefault(t, "start.ckpt")

	code, out, errs := run(t, nil, "train", "--from-store", db, "--checkpoint", "start.ckpt", "--config", "baton.yaml", "--out", "new.ckpt", "--steps", "4", "--json", "train.json")
	if code != 0 {
		t.Fatalf("train: exit %d\n%s\n%s", code, out, errs)
	}
	var rep TrainStoreReport
	b, _ := os.ReadFile("train.json")
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("train.json: %v %s", err, b)
	}
	held := 0
	for _, sk := range rep.Skipped {
		if sk.Reason == "question held out" {
			held++
		}
	}
	// Every question was asked once: a run is a question; those
	// logenv.Holdout keeps for promotion are never trained on.
	if rep.Runs+held != n || rep.Questions != rep.Runs || rep.Train+rep.Validate != rep.Questions || rep.Validate < 1 || rep.Steps == 0 {
		t.Fatalf("report %+v\n%s", rep, out)
	}
	t.Logf("baton train --from-store:\n%s", out)
	if want := fmt.Sprintf("Trained on %d judged runs pooled into %d questions (%d to train, %d to validate", rep.Runs, rep.Runs, rep.Train, rep.Validate); !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	if _, err := learned.Open(learned.Options{Checkpoint: "new.ckpt"}); err != nil {
		t.Fatalf("the written checkpoint does not load: %v", err)
	}
	if code, out, errs := run(t, nil, "eval", "--from-store", db, "--checkpoint", "new.ckpt", "--config", "baton.yaml"); code != 0 || !strings.Contains(out, "runs with feedback: 20") {
		t.Errorf("eval of the trained checkpoint: exit %d\n%s\n%s", code, out, errs)
	}
	// Questions first asked after the training are ones the candidate
	// never saw: eval --serving judges its gain on them (and the
	// held-out ones), as promotion does.
	s = startExploringServe(t, db, "--explore", "0.1")
	const fresh = 10
	for i := range fresh {
		sendFeedback(t, s.base, s.key, postRun(t, s.base, s.key, fmt.Sprintf("Fresh question %d: what is %d plus 5?", i, i)), 1)
	}
	s.stop()
	code, out, errs = run(t, nil, "eval", "--from-store", db, "--checkpoint", "new.ckpt", "--config", "baton.yaml", "--serving", "embedded:zeroeval:gsm", "--json", "eval.json")
	if code != 0 || !strings.Contains(out, "gain over embedded:zeroeval:gsm") {
		t.Fatalf("eval --serving: exit %d\n%s\n%s", code, out, errs)
	}
	var ev EvalReport
	b, _ = os.ReadFile("eval.json")
	if err := json.Unmarshal(b, &ev); err != nil || ev.Gain == nil || ev.Gain.Runs < fresh || ev.Gain.Runs > fresh+n {
		t.Errorf("eval.json gain %+v (%v), want it over the %d fresh runs and the held-out ones", ev.Gain, err, fresh)
	}
}

// TestTrainFromStoreMisuse: bad flags exit 2, a store without feedback
// exits 1 saying what to do, and nothing is written either way.
func TestTrainFromStoreMisuse(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "baton.db")
	s := startExploringServe(t, db)
	postRun(t, s.base, s.key, "no feedback on this one")
	s.stop()
	saveDefault(t, "start.ckpt")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"train", "--from-store", db, "--config", "baton.yaml"}, 2, "needs --checkpoint"},
		{[]string{"train", "--checkpoint", "start.ckpt"}, 2, "go with --from-store"},
		{[]string{"train", "--from-store", "missing.db", "--checkpoint", "start.ckpt"}, 1, "missing.db"},
		{[]string{"train", "--from-store", db, "--checkpoint", "nope.ckpt", "--config", "baton.yaml"}, 1, "checkpoint"},
		{[]string{"train", "--from-store", db, "--checkpoint", "start.ckpt", "--config", "baton.yaml"}, 1, "feedback"},
	}
	for _, tc := range tests {
		code, out, errs := run(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s\n%s", tc.args, code, tc.code, tc.want, out, errs)
		}
	}
	if _, err := os.Stat("baton.ckpt"); err == nil {
		t.Error("a failed train wrote a checkpoint")
	}
}
