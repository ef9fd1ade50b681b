package replay

import (
	"context"
	"testing"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

func TestLoadSharedCounts(t *testing.T) {
	tests := []struct {
		source, split string
		name          string
		tasks, models int
	}{
		{"llmrouter", "train", "llmrouter:train", 4465, 9},
		{"llmrouter", "test", "llmrouter:test", 380, 9},
		{"routerarena", "", "routerarena", 648, 2},
		{"routellm", "gsm8k", "routellm:gsm8k", 1056, 2},
		{"routellm", "mmlu", "routellm:mmlu", 11250, 2},
		{"routellm", "", "routellm", 1056 + 11250, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := load(t, tc.source, tc.split)
			if e.Name() != tc.name || e.Len() != tc.tasks || len(e.Specs()) != tc.models {
				t.Errorf("got %s with %d tasks, %d models; want %s, %d, %d", e.Name(), e.Len(), len(e.Specs()), tc.name, tc.tasks, tc.models)
			}
			seen := map[string]bool{}
			for _, task := range e.Tasks() {
				if seen[task.ID] {
					t.Fatalf("duplicate task ID %s", task.ID)
				}
				seen[task.ID] = true
			}
			for i, row := range e.rec {
				n := 0
				for _, r := range row {
					if r.present {
						n++
					}
				}
				if n != tc.models {
					t.Fatalf("task %s has %d outcomes, want %d", e.tasks[i].ID, n, tc.models)
				}
			}
		})
	}
}

// TestLLMRouterPrices checks the prices against default_llm.json's decimal
// text (also listed in shared/data/llmrouter/README.md).
func TestLLMRouterPrices(t *testing.T) {
	e := load(t, "llmrouter", "test")
	want := map[string]string{
		"qwen2.5-7b-instruct": "0.20", "codegemma-7b": "0.20", "gemma-2-9b-it": "0.10",
		"llama-3.1-8b-instruct": "0.20", "llama3-chatqa-1.5-8b": "0.20", "mistral-7b-instruct-v0.3": "0.20",
		"llama-3.3-nemotron-super-49b-v1": "0.90", "llama-3.1-nemotron-51b-instruct": "0.90", "llama3-chatqa-1.5-70b": "0.90",
	}
	specs := e.Specs()
	if len(specs) != len(want) {
		t.Fatalf("%d models, want %d", len(specs), len(want))
	}
	for _, s := range specs {
		w, ok := want[s.Name]
		if !ok {
			t.Errorf("unexpected model %s", s.Name)
			continue
		}
		p := money.MustParse(w)
		if s.Price != (money.Price{InputPerM: p, OutputPerM: p}) {
			t.Errorf("%s: price %+v, want %s in and out", s.Name, s.Price, w)
		}
		if !s.HasTag(tool.TagLLM) || !s.HasTag(tool.TagRemote) || s.Description == "" || s.Latency <= 0 {
			t.Errorf("%s: spec %+v lacks tags, description or latency", s.Name, s)
		}
	}
}

func TestKnownRows(t *testing.T) {
	type want struct {
		tool     string
		score    float64
		category string
		usage    *tool.Usage
		cost     string
		answer   string // prefix
	}
	tests := []struct {
		name, source, split, task string
		want                      []want
	}{
		{"llmrouter test record 0", "llmrouter", "test", "llmrouter:test:0", []want{
			{tool: "gemma-2-9b-it", score: 1, category: "agentverse-logicgrid", answer: "gemma-2-9b-it answer #llmrouter:test:0"},
			{tool: "mistral-7b-instruct-v0.3", score: 1},
			{tool: "llama3-chatqa-1.5-70b", score: 0},
		}},
		{"routerarena AIME_112", "routerarena", "", "routerarena:AIME_112", []want{
			{tool: "claude-3-haiku-20240307", score: 0, category: "AIME", usage: &tool.Usage{InputTokens: 349, OutputTokens: 120}, cost: "0.00023725", answer: "To solve this problem, we can use a dynamic programming"},
			{tool: "gemini-2.0-flash-001", score: 0, usage: &tool.Usage{InputTokens: 296, OutputTokens: 686}, cost: "0.000304"},
		}},
		{"routellm gsm8k row 0", "routellm", "gsm8k", "routellm:gsm8k:0", []want{
			{tool: "gpt-4-1106-preview", score: 1, category: "gsm8k", answer: "Janet uses 3 eggs for breakfast"},
			{tool: "Mixtral-8x7B-Instruct-v0.1", score: 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := load(t, tc.source, tc.split)
			for _, w := range tc.want {
				o, ok := e.Outcome(tc.task, w.tool)
				if !ok {
					t.Fatalf("no outcome for %s on %s", w.tool, tc.task)
				}
				if o.Score != w.score {
					t.Errorf("%s: score %g, want %g", w.tool, o.Score, w.score)
				}
				if w.category != "" && e.Category(tc.task) != w.category {
					t.Errorf("category %q, want %q", e.Category(tc.task), w.category)
				}
				if w.usage != nil && o.Usage != *w.usage {
					t.Errorf("%s: usage %+v, want %+v", w.tool, o.Usage, *w.usage)
				}
				if w.cost != "" && o.Cost != money.MustParse(w.cost) {
					t.Errorf("%s: cost %s, want $%s", w.tool, o.Cost, w.cost)
				}
				if len(o.Answer) < len(w.answer) || o.Answer[:len(w.answer)] != w.answer {
					t.Errorf("%s: answer %.60q, want prefix %q", w.tool, o.Answer, w.answer)
				}
			}
		})
	}
}

// TestRouterArenaCostIsPriceTimesTokens checks that the recorded cost,
// rounded to the nanodollar, is exactly list price × recorded tokens.
func TestRouterArenaCostIsPriceTimesTokens(t *testing.T) {
	e := load(t, "routerarena", "")
	prices := map[string]money.Price{}
	for _, s := range e.Specs() {
		prices[s.Name] = s.Price
	}
	if prices["claude-3-haiku-20240307"] != (money.Price{InputPerM: money.MustParse("0.25"), OutputPerM: money.MustParse("1.25")}) {
		t.Errorf("claude price %+v, want 0.25/1.25", prices["claude-3-haiku-20240307"])
	}
	var total money.Amount
	for _, task := range e.Tasks() {
		for name, o := range e.Outcomes(task.ID) {
			want := prices[name].Cost(money.Usage{InputTokens: o.Usage.InputTokens, OutputTokens: o.Usage.OutputTokens})
			if o.Cost != want || o.Usage.Estimated {
				t.Fatalf("%s %s: cost %s, want %s (usage %+v)", task.ID, name, o.Cost, want, o.Usage)
			}
			total = total.Add(o.Cost)
		}
	}
	if total <= 0 {
		t.Error("no cost recorded")
	}
}

func TestRouteLLMCorrectCounts(t *testing.T) {
	e := load(t, "routellm", "gsm8k")
	n := map[string]int{}
	for _, task := range e.Tasks() {
		for name, o := range e.Outcomes(task.ID) {
			if o.Correct {
				n[name]++
			}
			if !o.Usage.Estimated || o.Usage.OutputTokens != tool.EstimateTokens(o.Answer) {
				t.Fatalf("%s %s: usage %+v not estimated from the answer text", task.ID, name, o.Usage)
			}
		}
	}
	// Counted in the shared gsm8k_responses.csv (1,056 rows).
	if n["gpt-4-1106-preview"] != 899 {
		t.Errorf("gpt-4 correct on %d, want 899", n["gpt-4-1106-preview"])
	}
	gpt, _ := e.Outcome("routellm:gsm8k:0", "gpt-4-1106-preview")
	want := money.Price{InputPerM: money.MustParse("10"), OutputPerM: money.MustParse("30")}.
		Cost(money.Usage{InputTokens: gpt.Usage.InputTokens, OutputTokens: gpt.Usage.OutputTokens})
	if gpt.Cost != want {
		t.Errorf("gpt-4 cost %s, want %s at $10/$30", gpt.Cost, want)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, source, dir, split, want string
	}{
		{"unknown source", "nope", "testdata", "", `unknown source "nope"`},
		{"routerarena split", "routerarena", "testdata", "x", "no split"},
		{"routellm subset", "routellm", "testdata", "mt_bench", `subset "mt_bench"`},
		{"llmrouter bad split", "llmrouter", "testdata/tiny-llmrouter", "../x", `split "../x"`},
		{"llmrouter missing split", "llmrouter", "testdata/tiny-llmrouter", "valid", "_valid.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), tc.source, tc.dir, tc.split)
			if err == nil || !contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
