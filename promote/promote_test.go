package promote

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/tool"
)

type in struct {
	Prompt string `json:"prompt"`
}

func tools(t *testing.T) *tool.Set {
	mk := func(name, answer, price string) tool.Tool {
		pr, _ := money.Parse(price)
		return tool.MustFunc(tool.Spec{Name: name, Description: "a language model", Tags: []string{tool.TagLLM},
			Parameters: json.RawMessage(`{"type":"object","properties":{"prompt":{"type":"string"}},"required":["prompt"]}`),
			Price:      money.Price{InputPerM: pr, OutputPerM: pr, PerCall: pr / 1000}},
			func(_ context.Context, a in) (string, error) { return answer + " to " + a.Prompt, nil })
	}
	set, err := tool.NewSet(mk("small", "small answer", "0.1"), mk("large", "large answer", "10"))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func save(t *testing.T, p *learned.Policy, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := p.Save(f); err != nil {
		t.Fatal(err)
	}
}

// rollouts runs p greedily on the prompts and logs each step at
// probability 0.5, scored score.
func rollouts(t *testing.T, p *learned.Policy, prompts []string, score float64) []offpolicy.Logged {
	set := tools(t)
	var out []offpolicy.Logged
	for _, q := range prompts {
		ep, err := orchestrator.Run(context.Background(), episode.Task{Prompt: q, Budget: episode.Budget{MaxTurns: 4}}, p, set)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ep.Steps {
			ep.Steps[i].Prob = 0.5
		}
		ep.RunID = q
		out = append(out, offpolicy.Logged{Episode: ep, Tools: set.Specs(), Score: score})
	}
	return out
}

func actions(ep *episode.Episode) string {
	var b strings.Builder
	for _, s := range ep.Steps {
		b.WriteString(s.Action.Tool + "|" + s.Action.Answer + ";")
	}
	return b.String()
}

// TestPromotion: with logs where the candidate's own choices were judged
// 1 and the serving policy's 0, the candidate is promoted and then serves;
// a worse candidate and the serving policy itself are refused with the
// reason; every decision is in promotions.jsonl and survives a reopen.
func TestPromotion(t *testing.T) {
	ctx := context.Background()
	serving, err := learned.DefaultFor("llmrouter")
	if err != nil {
		t.Fatal(err)
	}
	better, err := learned.DefaultFor(learned.DefaultSource)
	if err != nil {
		t.Fatal(err)
	}
	var prompts []string
	for _, q := range []string{"What is 17 times 23?", "Name the capital of France.", "Prove that there are infinitely many primes.", "hi", "Translate 'cat' to German.",
		"Solve x^2 - 5x + 6 = 0.", "A train leaves at 3pm going 60 mph; when does it arrive 180 miles away?", "Spell 'banana' backwards.", "Is 97 prime?", "What is 2+2?"} {
		for i := range 4 {
			prompts = append(prompts, q+strings.Repeat(" ", i))
		}
	}
	good := rollouts(t, better, prompts, 1)
	bad := rollouts(t, serving, prompts, 0)
	differ := 0
	for i := range good {
		if actions(good[i].Episode) != actions(bad[i].Episode) {
			differ++
		}
	}
	if differ < len(prompts)/2 {
		t.Fatalf("the two shipped policies act alike on %d of %d prompts: the test needs policies that differ", len(prompts)-differ, len(prompts))
	}
	logs := append(good, bad...)
	dir := t.TempDir()
	// Start from the worse policy: promote it first (no logs needed: a
	// fresh dir serves the default, so write the history by hand through
	// a first promotion of "serving" against an empty log → refused).
	d, err := Open(dir, DefaultMargin, 0, func(context.Context) ([]offpolicy.Logged, error) { return logs, nil })
	if err != nil {
		t.Fatal(err)
	}
	// Make "serving" the serving policy: record its promotion as baton
	// would have.
	save(t, serving, filepath.Join(dir, "promoted", "0-serving.ckpt"))
	if err := d.record(Decision{Candidate: "0-serving.ckpt", Promoted: true, Reason: "test setup"}); err != nil {
		t.Fatal(err)
	}
	save(t, serving, filepath.Join(dir, "candidates", "1-same.ckpt"))
	save(t, better, filepath.Join(dir, "candidates", "2-better.ckpt"))
	save(t, serving, filepath.Join(dir, "candidates", "3-worse.ckpt"))
	if err := os.WriteFile(filepath.Join(dir, "candidates", "4-garbage.ckpt"), []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	decs, name, _, err := d.Reload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(decs) != 4 {
		t.Fatalf("decisions %+v", decs)
	}
	want := []struct {
		promoted bool
		reason   string
	}{
		{false, "does not beat the serving"},
		{true, "promoted: estimated accuracy"},
		{false, "does not beat the serving"},
		{false, "does not load"},
	}
	for i, w := range want {
		if decs[i].Promoted != w.promoted || !strings.Contains(decs[i].Reason, w.reason) {
			t.Errorf("decision %d: %+v, want promoted=%v with %q", i, decs[i], w.promoted, w.reason)
		}
	}
	if name != "2-better.ckpt" {
		t.Errorf("serving %q after reload, want 2-better.ckpt", name)
	}
	if decs[1].New.Lo <= decs[1].Current.Mean {
		t.Errorf("promoted with lower bound %v not above %v", decs[1].New.Lo, decs[1].Current.Mean)
	}
	// Reopen: the history is durable and the promoted one still serves.
	d2, err := Open(dir, DefaultMargin, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := d2.History()
	if err != nil || len(h) != 5 {
		t.Fatalf("history %d %v", len(h), err)
	}
	if n, _, err := d2.Serving(); err != nil || n != "2-better.ckpt" {
		t.Errorf("serving after reopen: %q %v", n, err)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, "candidates")); len(ents) != 0 {
		t.Errorf("candidates left: %v", ents)
	}
}

// TestUnproven: a candidate better on too few runs is refused as unproven.
func TestUnproven(t *testing.T) {
	serving, _ := learned.DefaultFor("llmrouter")
	better, _ := learned.DefaultFor(learned.DefaultSource)
	logs := append(rollouts(t, better, []string{"What is 17 times 23?", "Is 97 prime?"}, 1), rollouts(t, serving, []string{"What is 17 times 23?", "Is 97 prime?"}, 0.9)...)
	dir := t.TempDir()
	d, err := Open(dir, DefaultMargin, 0, func(context.Context) ([]offpolicy.Logged, error) { return logs, nil })
	if err != nil {
		t.Fatal(err)
	}
	save(t, serving, filepath.Join(dir, "promoted", "0.ckpt"))
	d.record(Decision{Candidate: "0.ckpt", Promoted: true})
	save(t, better, filepath.Join(dir, "candidates", "1.ckpt"))
	decs, name, _, err := d.Reload(context.Background())
	if err != nil || len(decs) != 1 {
		t.Fatal(decs, err)
	}
	if decs[0].Promoted || name != "0.ckpt" || !strings.Contains(decs[0].Reason, "refused: unproven") {
		t.Errorf("%+v serving %q", decs[0], name)
	}
	t.Logf("reason: %s", decs[0].Reason)
}

func TestOpenBadMargin(t *testing.T) {
	if _, err := Open(t.TempDir(), -1, 0, nil); err == nil {
		t.Error("a negative margin was accepted")
	}
}
