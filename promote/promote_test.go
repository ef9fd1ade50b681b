package promote

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/logenv"
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
		ep.RunID = fmt.Sprintf("%s#%v", q, score)
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

// questions are distinct prompts, about a fifth of them held out.
func questions(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("What is %d times %d? Answer with a number.", i+2, 3*i+7))
	}
	return out
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
	prompts := questions(300)
	good := rollouts(t, better, prompts, 1)
	bad := rollouts(t, serving, prompts, 0)
	differ, held := 0, 0
	for i := range good {
		if actions(good[i].Episode) != actions(bad[i].Episode) {
			differ++
		}
		if logenv.Holdout(prompts[i]) {
			held++
		}
	}
	if differ < len(prompts)/2 {
		t.Fatalf("the two shipped policies act alike on %d of %d prompts: the test needs policies that differ", len(prompts)-differ, len(prompts))
	}
	logs := append(good, bad...)
	dir := t.TempDir()
	// The base (before any promotion) is the worse policy.
	d, err := Open(dir, Options{Base: serving, Margin: DefaultMargin, Eps: 0.1, Logs: func(context.Context) ([]offpolicy.Logged, error) { return logs, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if name, p, err := d.Serving(); err != nil || name != "" || p != serving {
		t.Fatalf("a fresh directory serves %q %p %v, want the base", name, p, err)
	}
	save(t, serving, filepath.Join(dir, "candidates", "1-same.ckpt"))
	save(t, better, filepath.Join(dir, "candidates", "2-better.ckpt"))
	save(t, serving, filepath.Join(dir, "candidates", "3-worse.ckpt"))
	if err := os.WriteFile(filepath.Join(dir, "candidates", "4-garbage.ckpt"), []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	decs, st, err := d.Reload(ctx)
	name := st.Serving
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
		{false, "does not beat the serving"}, // the serving policy itself: no gain
		{true, "promoted: estimated accuracy"},
		{false, "does not beat the serving"}, // now worse than the promoted one
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
	p := decs[1]
	if p.Gain == nil || p.GainLower == nil || *p.GainLower <= 0 || p.New.SelfNormalised != 1 || p.Current.SelfNormalised >= 0.5 ||
		p.NewESS < MinCovered || p.CurrentESS < MinCovered || p.Runs != 2*held {
		t.Errorf("promoted on %+v (gain %+v) with %d held-out questions", p, p.Gain, held)
	}
	if p.ReplayNew == nil || *p.ReplayNew != 1 || p.Questions != held || p.Covered != held {
		t.Errorf("replay beside it: %v on %d of %d questions, want 1 on all %d", p.ReplayNew, p.Covered, p.Questions, held)
	}
	// Reopen: the history is durable and the promoted one still serves.
	d2, err := Open(dir, Options{Base: serving, Margin: DefaultMargin})
	if err != nil {
		t.Fatal(err)
	}
	h, err := d2.History()
	if err != nil || len(h) != 4 {
		t.Fatalf("history %d %v", len(h), err)
	}
	if n, _, err := d2.Serving(); err != nil || n != "2-better.ckpt" {
		t.Errorf("serving after reopen: %q %v", n, err)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, "candidates")); len(ents) != 0 {
		t.Errorf("candidates left: %v", ents)
	}
}

// TestUnproven: a candidate better on too few held-out questions, or one
// the logs do not cover, is refused as unproven.
func TestUnproven(t *testing.T) {
	serving, _ := learned.DefaultFor("llmrouter")
	better, _ := learned.DefaultFor(learned.DefaultSource)
	few := questions(40)
	tests := []struct {
		name string
		logs []offpolicy.Logged
	}{
		{"few questions", append(rollouts(t, better, few, 1), rollouts(t, serving, few, 0)...)},
		{"not covered", rollouts(t, serving, questions(300), 0.5)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			d, err := Open(dir, Options{Base: serving, Margin: DefaultMargin, Logs: func(context.Context) ([]offpolicy.Logged, error) { return tc.logs, nil }})
			if err != nil {
				t.Fatal(err)
			}
			save(t, better, filepath.Join(dir, "candidates", "1.ckpt"))
			decs, st, err := d.Reload(context.Background())
			name := st.Serving
			if err != nil || len(decs) != 1 {
				t.Fatal(decs, err)
			}
			if decs[0].Promoted || name != "" || !strings.Contains(decs[0].Reason, "refused: unproven") {
				t.Errorf("%+v serving %q", decs[0], name)
			}
			t.Logf("reason: %s", decs[0].Reason)
		})
	}
}

// TestNothingHeldOut: with no judged run on a held-out question, the
// candidate is refused and nothing else changes.
func TestNothingHeldOut(t *testing.T) {
	serving, _ := learned.DefaultFor("llmrouter")
	var train []string
	for _, q := range questions(60) {
		if !logenv.Holdout(q) {
			train = append(train, q)
		}
	}
	logs := rollouts(t, serving, train, 1)
	dir := t.TempDir()
	d, err := Open(dir, Options{Base: serving, Margin: DefaultMargin, Logs: func(context.Context) ([]offpolicy.Logged, error) { return logs, nil }})
	if err != nil {
		t.Fatal(err)
	}
	save(t, serving, filepath.Join(dir, "candidates", "1.ckpt"))
	decs, _, err := d.Reload(context.Background())
	if err != nil || len(decs) != 1 || decs[0].Promoted || !strings.Contains(decs[0].Reason, "nothing to judge on") {
		t.Fatalf("%+v %v", decs, err)
	}
}

// TestHeldOutFresh: a candidate is judged on the held-out questions and
// on questions first asked after its training, never on one it saw.
func TestHeldOutFresh(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var logs []offpolicy.Logged
	add := func(prompt string, at time.Duration) {
		logs = append(logs, offpolicy.Logged{Episode: &episode.Episode{RunID: fmt.Sprint(len(logs)), Task: episode.Task{Prompt: prompt},
			Status: episode.StatusAnswered, Answer: "1", Steps: []episode.Step{{Action: episode.Action{Final: true, Answer: "1"}, Prob: 1}}},
			Tools: []tool.Spec{{Name: "small"}}, Score: 1, Created: t0.Add(at)})
	}
	var old, fresh, held string
	for i := 0; old == "" || fresh == "" || held == ""; i++ {
		q := fmt.Sprintf("question %d", i)
		switch {
		case logenv.Holdout(q) && held == "":
			held = q
		case !logenv.Holdout(q) && old == "":
			old = q
		case !logenv.Holdout(q) && fresh == "":
			fresh = q
		}
	}
	add(old, 0)
	add(held, time.Minute)
	add(old, 3*time.Hour) // asked again after training: still seen
	add(fresh, 2*time.Hour)
	add(fresh, 4*time.Hour)
	prompts := func(h *Held) string {
		var ps []string
		for _, l := range h.Logs {
			ps = append(ps, l.Episode.Task.Prompt)
		}
		return strings.Join(ps, ",")
	}
	if got, want := prompts(HeldOut(logs, time.Time{})), held; got != want {
		t.Errorf("no watermark: judged on %q, want only the held-out %q", got, want)
	}
	if got, want := prompts(HeldOut(logs, t0.Add(time.Hour))), held+","+fresh+","+fresh; got != want {
		t.Errorf("trained through 1h: judged on %q, want %q", got, want)
	}
}

func TestOpenBadMargin(t *testing.T) {
	if _, err := Open(t.TempDir(), Options{Margin: -1}); err == nil {
		t.Error("a negative margin was accepted")
	}
	if _, err := Open(t.TempDir(), Options{Canary: 1.5}); err == nil {
		t.Error("a canary share above 1 was accepted")
	}
}

// TestCanary: with canaries, a candidate first serves a share of runs
// (canary/), is tried on while the logs cannot tell, is promoted once its
// own runs show the gain; one acting as the serving policy is refused at
// once, one the logs never cover after MaxTries reloads; an unpromising
// one gives way to the newest waiting candidate, which supersedes older
// ones; the tried candidate survives a reopen.
func TestCanary(t *testing.T) {
	ctx := context.Background()
	serving, _ := learned.DefaultFor("llmrouter")
	better, _ := learned.DefaultFor(learned.DefaultSource)
	prompts := questions(300)
	logs := rollouts(t, serving, prompts, 0)
	dir := t.TempDir()
	d, err := Open(dir, Options{Base: serving, Margin: DefaultMargin, Canary: 0.5, Logs: func(context.Context) ([]offpolicy.Logged, error) { return logs, nil }})
	if err != nil {
		t.Fatal(err)
	}
	step := func(wantStatus []string, wantServing, wantCanary string) []Decision {
		t.Helper()
		decs, st, err := d.Reload(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, dec := range decs {
			got = append(got, dec.Candidate+":"+dec.Status)
		}
		if strings.Join(got, ",") != strings.Join(wantStatus, ",") || st.Serving != wantServing || st.Canary != wantCanary || (wantCanary != "") != (st.CanaryPolicy != nil) {
			t.Fatalf("decisions %v serving %q canary %q (%p), want %v %q %q; %+v", got, st.Serving, st.Canary, st.CanaryPolicy, wantStatus, wantServing, wantCanary, decs)
		}
		return decs
	}
	step(nil, "", "")
	save(t, better, filepath.Join(dir, "candidates", "1-better.ckpt"))
	step([]string{"1-better.ckpt:trying"}, "", "1-better.ckpt")
	decs := step([]string{"1-better.ckpt:trying"}, "", "1-better.ckpt") // the logs do not cover it yet
	if !strings.Contains(decs[0].Reason, "still trying: unproven") {
		t.Errorf("reason %q", decs[0].Reason)
	}
	// Its runs (a share of traffic) come in, judged right.
	logs = append(logs, rollouts(t, better, prompts, 1)...)
	step([]string{"1-better.ckpt:promoted"}, "1-better.ckpt", "")

	// A candidate acting as the serving one is refused at once: the runs
	// both would run alike leave no doubt that there is no gain.
	save(t, better, filepath.Join(dir, "candidates", "2-same.ckpt"))
	step([]string{"2-same.ckpt:trying"}, "1-better.ckpt", "2-same.ckpt")
	decs = step([]string{"2-same.ckpt:refused"}, "1-better.ckpt", "")
	if !strings.Contains(decs[0].Reason, "does not beat") || decs[0].Discordant != 0 {
		t.Errorf("refused with %q (%d discordant runs)", decs[0].Reason, decs[0].Discordant)
	}
	// One the logs barely cover (only the serving policy's runs are
	// logged from here on, and its own never come in) is tried MaxTries
	// reloads that bring new runs, then refused; reloads with no new run
	// (a restart) are no tries.
	logs = rollouts(t, better, prompts, 0.5)
	other := serving
	save(t, other, filepath.Join(dir, "candidates", "3-other.ckpt"))
	step([]string{"3-other.ckpt:trying"}, "1-better.ckpt", "3-other.ckpt")
	for i := range MaxTries {
		logs = append(logs, rollouts(t, better, prompts[:50], 0.51+0.01*float64(i))...) // new run IDs
		step([]string{"3-other.ckpt:trying"}, "1-better.ckpt", "3-other.ckpt")
		step([]string{"3-other.ckpt:trying"}, "1-better.ckpt", "3-other.ckpt") // nothing new
	}
	logs = append(logs, rollouts(t, better, prompts[:50], 0.59)...)
	decs = step([]string{"3-other.ckpt:refused"}, "1-better.ckpt", "")
	if !strings.Contains(decs[0].Reason, "no clear gain after") {
		t.Errorf("refused with %q", decs[0].Reason)
	}
	// Tried again while newer candidates wait, unproven and showing no
	// gain, it gives way at once: the newest is tried next, superseding
	// the older.
	save(t, other, filepath.Join(dir, "candidates", "4-other.ckpt"))
	step([]string{"4-other.ckpt:trying"}, "1-better.ckpt", "4-other.ckpt")
	save(t, serving, filepath.Join(dir, "candidates", "5-b.ckpt"))
	save(t, serving, filepath.Join(dir, "candidates", "6-c.ckpt"))
	decs = step([]string{"4-other.ckpt:refused", "5-b.ckpt:refused", "6-c.ckpt:trying"}, "1-better.ckpt", "6-c.ckpt")
	if !strings.Contains(decs[0].Reason, "6-c.ckpt, trained on more traffic, is tried instead") || !strings.Contains(decs[1].Reason, "superseded by 6-c.ckpt") {
		t.Errorf("refused with %q and %q", decs[0].Reason, decs[1].Reason)
	}
	// Reopened (a restart): the same candidate is still being tried.
	d2, err := Open(dir, Options{Base: serving, Canary: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if name, p, err := d2.Canary(); err != nil || name != "6-c.ckpt" || p == nil {
		t.Errorf("canary after reopen: %q %v", name, err)
	}
	if name, _, _ := d2.Serving(); name != "1-better.ckpt" {
		t.Errorf("serving after reopen: %q", name)
	}
}

// TestCanaryUnloadable: a candidate that does not load is refused before
// it serves a single run.
func TestCanaryUnloadable(t *testing.T) {
	serving, _ := learned.DefaultFor("llmrouter")
	dir := t.TempDir()
	d, err := Open(dir, Options{Base: serving, Canary: 0.5, Logs: func(context.Context) ([]offpolicy.Logged, error) { return nil, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "candidates", "bad.ckpt"), []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	decs, st, err := d.Reload(context.Background())
	if err != nil || len(decs) != 1 || decs[0].Status != StatusRefused || !strings.Contains(decs[0].Reason, "does not load") || st.Canary != "" || st.CanaryPolicy != nil {
		t.Fatalf("%+v %+v %v", decs, st, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "refused", "bad.ckpt")); err != nil {
		t.Errorf("not moved to refused/: %v", err)
	}
}

// TestCanaryNothingToJudgeOn: a candidate on trial with no judged run to
// be judged on yet stays on trial and keeps serving its share: it must
// log runs for there ever to be any.
func TestCanaryNothingToJudgeOn(t *testing.T) {
	serving, _ := learned.DefaultFor("llmrouter")
	better, _ := learned.DefaultFor(learned.DefaultSource)
	dir := t.TempDir()
	d, err := Open(dir, Options{Base: serving, Canary: 0.5, Logs: func(context.Context) ([]offpolicy.Logged, error) { return nil, nil }})
	if err != nil {
		t.Fatal(err)
	}
	save(t, better, filepath.Join(dir, "candidates", "c.ckpt"))
	for i, want := range []string{"trying: serves", "still trying: nothing to judge on"} {
		decs, st, err := d.Reload(context.Background())
		if err != nil || len(decs) != 1 || decs[0].Status != StatusTrying || !strings.HasPrefix(decs[0].Reason, want) {
			t.Fatalf("reload %d: %+v %v; want trying, %q", i+1, decs, err, want)
		}
		if st.Canary != "c.ckpt" || st.CanaryPolicy == nil {
			t.Fatalf("reload %d: canary %q policy %p; want c.ckpt serving its share", i+1, st.Canary, st.CanaryPolicy)
		}
	}
}
