package replay

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// readmeAccuracies parses the model table of shared/data/zeroeval/README.md:
// model → [$/1M in, $/1M out, gsm accuracy, math-l5 accuracy].
func readmeAccuracies(t *testing.T, dir string) map[string][4]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][4]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		c := strings.Split(strings.Trim(line, "| "), "|")
		if len(c) != 5 {
			t.Fatalf("README row %q: want 5 cells", line)
		}
		for i := range c {
			c[i] = strings.TrimSpace(c[i])
		}
		out[strings.Trim(c[0], "`")] = [4]string{c[1], c[2], c[3], c[4]}
	}
	if len(out) != 17 {
		t.Fatalf("README table has %d models, want 17", len(out))
	}
	return out
}

// TestZeroEvalREADMEAccuracies reproduces every accuracy of the README's
// table through the production loader: 17 models × 2 tasks, 3 decimals.
func TestZeroEvalREADMEAccuracies(t *testing.T) {
	dir := shared(t, "zeroeval")
	table := readmeAccuracies(t, dir)
	for ti, task := range ZeroEvalTasks {
		e := load(t, "zeroeval", task)
		wantLen := map[string]int{"gsm": 1064, "math-l5": 595}[task]
		if e.Name() != "zeroeval:"+task || e.Len() != wantLen || len(e.Specs()) != 17 {
			t.Fatalf("%s: got %s with %d tasks, %d models", task, e.Name(), e.Len(), len(e.Specs()))
		}
		correct := map[string]int{}
		for _, task := range e.Tasks() {
			for name, o := range e.Outcomes(task.ID) {
				if o.Correct {
					correct[name]++
				}
			}
		}
		for m, row := range table {
			got := fmt.Sprintf("%.3f", float64(correct[ToolName(m)])/float64(e.Len()))
			if want := row[2+ti]; got != want {
				t.Errorf("%s %s: accuracy %s, README says %s", task, m, got, want)
			}
		}
	}
}

// TestZeroEvalPrices checks each model's price against the README's table,
// read exactly through the catalog.
func TestZeroEvalPrices(t *testing.T) {
	dir := shared(t, "zeroeval")
	table := readmeAccuracies(t, dir)
	e := load(t, "zeroeval", "gsm")
	specs := map[string]tool.Spec{}
	for _, s := range e.Specs() {
		specs[s.Name] = s
	}
	for m, row := range table {
		s, ok := specs[ToolName(m)]
		if !ok {
			t.Errorf("no tool for %s", m)
			continue
		}
		in, _ := money.Parse(row[0])
		out, _ := money.Parse(row[1])
		if s.Price.InputPerM != in || s.Price.OutputPerM != out {
			t.Errorf("%s: price %s/%s, README %s/%s", m, s.Price.InputPerM.Decimal(), s.Price.OutputPerM.Decimal(), row[0], row[1])
		}
		if !strings.Contains(s.Description, "$") || len(s.Tags) != 2 || s.Latency <= LatencyOverhead {
			t.Errorf("%s: spec %+v", m, s)
		}
	}
}

// TestZeroEvalCallAndScore calls real recorded models and scores episodes
// that answer with what they saw, with something else, and with nothing.
func TestZeroEvalCallAndScore(t *testing.T) {
	e := load(t, "zeroeval", "gsm")
	ctx := context.Background()
	task := e.Tasks()[0] // gsm8k-main-test-#1, gold "# 3"
	if task.ID != "gsm8k-main-test-#1" || e.Category(task.ID) != "gsm" {
		t.Fatalf("first task %+v category %q", task, e.Category(task.ID))
	}
	set, err := e.Tools(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := set.Get("gpt-4o-2024-08-06")
	if err != nil {
		t.Fatal(err)
	}
	res, err := tl.Call(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Model        string `json:"model"`
		Answer       string `json:"answer"`
		Parsed       bool   `json:"parsed"`
		Chars        int    `json:"chars"`
		InputTokens  int64  `json:"input_tokens"`
		OutputTokens int64  `json:"output_tokens"`
	}
	if err := json.Unmarshal(res.Data, &d); err != nil {
		t.Fatal(err)
	}
	if d.Model != "gpt-4o-2024-08-06" || d.Answer != "3" || !d.Parsed || d.Chars != utf8.RuneCountInString(res.Content) || !strings.Contains(res.Content, `"answer": "3"`) {
		t.Errorf("result %+v content %q", d, res.Content)
	}
	if !res.Usage.Estimated || res.Usage.InputTokens != tool.EstimateTokens(task.Prompt) || res.Usage.OutputTokens != tool.EstimateTokens(res.Content) || d.OutputTokens != res.Usage.OutputTokens {
		t.Errorf("usage %+v", res.Usage)
	}
	p := tl.Spec().Price
	if want := p.Cost(money.Usage{InputTokens: res.Usage.InputTokens, OutputTokens: res.Usage.OutputTokens}); res.Cost != want || want <= 0 {
		t.Errorf("cost %s, want %s", res.Cost, want)
	}
	if want := SimulatedLatency(80, res.Usage.OutputTokens); res.Latency != want {
		t.Errorf("latency %s, want %s", res.Latency, want)
	}
	if strings.Contains(string(res.Data), "score") || strings.Contains(string(res.Data), "correct") {
		t.Errorf("data %s leaks the score", res.Data)
	}
	step := episode.Step{Turn: 1, Action: episode.Action{Tool: "gpt-4o-2024-08-06"}, Result: res}
	tests := []struct {
		name, answer string
		steps        []episode.Step
		outcome      float64
		detail       string
	}{
		{"seen answer", "3", []episode.Step{step}, 1, "correct"},
		{"same number, other form", "$3.0", []episode.Step{step}, 1, "correct"},
		{"whole completion forwarded", res.Content, []episode.Step{step}, 1, "correct"},
		{"invented answer", "4", []episode.Step{step}, 0, "no answer extracted"},
		{"completion of a call not held", res.Content, nil, 0, "no answer extracted"},
		{"right answer never seen", "3", nil, 0, "no answer extracted"},
		{"no answer", "", []episode.Step{step}, 0, "no final answer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ep := &episode.Episode{Answer: tc.answer, Steps: tc.steps}
			s, err := e.Score(ctx, task, ep)
			if err != nil {
				t.Fatal(err)
			}
			if s.Outcome != tc.outcome || s.Correct != (tc.outcome == 1) || !strings.Contains(s.Detail, tc.detail) {
				t.Errorf("score %+v, want outcome %g and detail with %q", s, tc.outcome, tc.detail)
			}
		})
	}
	o, ok := e.Outcome(task.ID, "gpt-4o-2024-08-06")
	if !ok || o.Answer != "3" || !o.Correct || o.Score != 1 || o.Cost != res.Cost {
		t.Errorf("outcome %+v", o)
	}
	if or, ok := e.Oracle(task.ID); !ok || !or.Correct {
		t.Errorf("oracle %+v %v", or, ok)
	}
}

// TestZeroEvalLayouts loads the task folder itself (upstream's layout)
// through Load and finds the same tasks as from the source root; a folder
// holding <task>/ resolves too.
func TestZeroEvalLayouts(t *testing.T) {
	dir := shared(t, "zeroeval")
	root := load(t, "zeroeval", "math-l5")
	e, err := Load(context.Background(), "zeroeval", filepath.Join(dir, "result_dirs", "math-l5"), "math-l5")
	if err != nil {
		t.Fatal(err)
	}
	if e.Len() != 595 || e.Tasks()[0].ID != "2" || e.Len() != root.Len() || e.Tasks()[594].ID != root.Tasks()[594].ID || e.Tasks()[594].Prompt != root.Tasks()[594].Prompt {
		t.Errorf("task folder: %d tasks, first %q", e.Len(), e.Tasks()[0].ID)
	}
	if got, err := zeroEvalFolder(filepath.Join(dir, "result_dirs"), "gsm"); err != nil || got != filepath.Join(dir, "result_dirs", "gsm") {
		t.Errorf("result_dirs resolves to %q, %v", got, err)
	}
	if _, err := Load(context.Background(), "zeroeval", dir, "mmlu"); err == nil || !strings.Contains(err.Error(), "math-l5") {
		t.Errorf("unknown task: %v", err)
	}
}

// TestSplitOf checks the split rule's proportions on the real task IDs and
// on synthetic ones, and that it does not follow upstream's hold-out rule.
func TestSplitOf(t *testing.T) {
	n := map[string]int{}
	const total = 20000
	for i := range total {
		n[SplitOf(fmt.Sprintf("task-%d", i))]++
	}
	for split, want := range map[string]float64{SplitTrain: 0.65, SplitVal: 0.15, SplitTest: 0.20} {
		if got := float64(n[split]) / total; got < want-0.015 || got > want+0.015 {
			t.Errorf("%s: %.3f of tasks, want %.2f", split, got, want)
		}
	}
	if len(n) != 3 {
		t.Errorf("splits %v", n)
	}
	// The rule is pinned: a change to it would move questions between
	// train and test and void every number measured on the old split.
	for id, want := range map[string]string{"gsm8k-main-test-#1": SplitTrain, "gsm8k-main-test-#2": SplitTest, "gsm8k-main-test-#3": SplitVal} {
		if got := SplitOf(id); got != want {
			t.Errorf("SplitOf(%q) = %s, want %s: the split rule changed", id, got, want)
		}
	}
	e := load(t, "zeroeval", "gsm")
	parts := map[string]int{}
	for _, s := range []string{SplitTrain, SplitVal, SplitTest} {
		v := e.Subset(e.Name()+":"+s, func(id string) bool { return SplitOf(id) == s })
		parts[s] = len(v.Tasks())
		if v.Name() != e.Name()+":"+s {
			t.Errorf("name %s", v.Name())
		}
		for _, task := range v.Tasks() {
			if SplitOf(task.ID) != s {
				t.Fatalf("task %s in %s", task.ID, s)
			}
		}
	}
	if parts[SplitTrain]+parts[SplitVal]+parts[SplitTest] != e.Len() || parts[SplitTest] < 170 || parts[SplitTest] > 260 {
		t.Errorf("parts %v of %d", parts, e.Len())
	}

	// Independence from upstream's hold-out rule (sha256(id) as an integer
	// mod 5; residue 0 is held out, so the shipped questions have 1-4): on
	// the real IDs of both tasks, every residue sends about 20% to test.
	var all []episode.Task
	all = append(all, e.Tasks()...)
	all = append(all, load(t, "zeroeval", "math-l5").Tasks()...)
	test, residues := map[int64]int{}, map[int64]int{}
	for _, task := range all {
		sum := sha256.Sum256([]byte(task.ID))
		r := new(big.Int).Mod(new(big.Int).SetBytes(sum[:]), big.NewInt(5)).Int64()
		residues[r]++
		if SplitOf(task.ID) == SplitTest {
			test[r]++
		}
	}
	if residues[0] != 0 || len(residues) != 4 {
		t.Fatalf("upstream residues %v: the data should hold only residues 1-4", residues)
	}
	for r, n := range residues {
		if f := float64(test[r]) / float64(n); f < 0.13 || f > 0.27 {
			t.Errorf("upstream residue %d: %.3f of %d tasks in test, want about 0.20", r, f, n)
		}
	}
}
