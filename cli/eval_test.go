package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/policy/learned"
)

// TestEvalFromStore: runs served with --explore 1 and given feedback are
// evaluated for the serving checkpoint exploring at 1: every weight is 1,
// so the IPS estimate equals the logged means exactly; greedy gets an
// estimate too; a store without feedback exits 1.
func TestEvalFromStore(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "baton.db")
	secret := startExploringServe(t, db)
	for i, prompt := range []string{"What is six times seven?", "Name the capital of France.", "2+2?", "Spell 'cat' backwards.", "What is 10/4?", "Largest planet?"} {
		id := postRun(t, secret.base, secret.key, prompt)
		score := []string{"1", "0", "0.5"}[i%3]
		req, _ := http.NewRequest("POST", secret.base+"/v1/runs/"+id+"/feedback", strings.NewReader(`{"score": `+score+`}`))
		req.Header.Set("Authorization", "Bearer "+secret.key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("feedback: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	secret.stop()

	p, err := learned.DefaultFor(learned.DefaultSource)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create("cand.ckpt")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Save(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out, errs := run(t, nil, "eval", "--from-store", db, "--checkpoint", "cand.ckpt", "--config", "baton.yaml", "--explore", "1", "--json", "est.json")
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s\n%s", code, out, errs)
	}
	var rep EvalReport
	b, _ := os.ReadFile("est.json")
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("est.json: %v: %s", err, b)
	}
	if rep.Runs != 6 || rep.Candidate.Episodes != 6 || rep.Candidate.MeanWeight != 1 || rep.Serving.Accuracy != 0.5 {
		t.Fatalf("report %+v\n%s", rep, out)
	}
	if d := rep.Candidate.Accuracy.Mean - rep.Serving.Accuracy; d > 1e-12 || d < -1e-12 {
		t.Errorf("the serving policy's own estimate %v differs from its logged mean %v", rep.Candidate.Accuracy.Mean, rep.Serving.Accuracy)
	}
	if !strings.Contains(out, "candidate (IPS, 95% CI): accuracy 0.5000") {
		t.Errorf("output:\n%s", out)
	}
	if code, out, errs := run(t, nil, "eval", "--from-store", db, "--checkpoint", "cand.ckpt", "--config", "baton.yaml"); code != 0 || !strings.Contains(out, "candidate (IPS") {
		t.Errorf("greedy candidate: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestEvalMisuseAndNothingToEvaluate(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"eval"}, 2, "--from-store is required"},
		{[]string{"eval", "--from-store", "x.db"}, 2, "--checkpoint is required"},
		{[]string{"eval", "--from-store", "x.db", "--checkpoint", "c", "--explore", "2"}, 2, "--explore"},
		{[]string{"eval", "--from-store", "missing.db", "--checkpoint", "c"}, 1, "missing.db"},
	} {
		code, _, errs := run(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.says) {
			t.Errorf("%v: exit %d %q; want %d saying %q", tc.args, code, errs, tc.code, tc.says)
		}
	}
	// A store with runs but no feedback: nothing to evaluate is a failure.
	db := filepath.Join(t.TempDir(), "baton.db")
	s := startExploringServe(t, db)
	postRun(t, s.base, s.key, "What is six times seven?")
	s.stop()
	p, _ := learned.DefaultFor(learned.DefaultSource)
	f, _ := os.Create("cand.ckpt")
	_ = p.Save(f)
	f.Close()
	code, out, errs := run(t, nil, "eval", "--from-store", db, "--checkpoint", "cand.ckpt", "--config", "baton.yaml")
	if code != 1 || !strings.Contains(errs, "no usable logged episode") {
		t.Errorf("no feedback: exit %d\n%s\n%s", code, out, errs)
	}
}
