package replay

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// writeTree writes files (relative path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const (
	goodLLM   = `{"m1": {"size": "7B", "feature": "one", "input_price": 0.20, "output_price": 0.20}, "m2": {"size": "70B", "feature": "two", "input_price": 0.90, "output_price": 1.10}}`
	goodQuery = `{"task_name": "gsm8k", "query": "q0"}` + "\n" + `{"task_name": "mmlu", "query": "q1"}` + "\n"
	goodScore = `[{"question": "q0", "scores": {"m1": 1.0, "m2": 0.0}}, {"question": "q1", "scores": {"m1": 0.5, "m2": 1}}]`
)

func TestLLMRouterMalformed(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"non-numeric score", map[string]string{
			"dcrouter_train.json": `[{"question": "q0", "scores": {"m1": 1}}, {"question": "q1", "scores": {"m1": 1, "m2": "x"}}]`,
		}, []string{"llmrouter/dcrouter_train.json", "record 1", `field "m2"`, `score "x" is not a number`}},
		{"score out of range", map[string]string{
			"dcrouter_train.json": `[{"question": "q0", "scores": {"m1": 1.5}}]`,
		}, []string{"record 0", `field "m1"`, "outside [0, 1]"}},
		{"missing question", map[string]string{
			"dcrouter_train.json": `[{"scores": {"m1": 1}}]`,
		}, []string{"record 0", `field "question": missing`}},
		{"missing scores", map[string]string{
			"dcrouter_train.json": `[{"question": "q0"}]`,
		}, []string{"record 0", `field "scores"`}},
		{"unknown model", map[string]string{
			"dcrouter_train.json": `[{"question": "q0", "scores": {"m9": 1}}]`,
		}, []string{"record 0", `field "m9"`, "not listed in default_llm.json"}},
		{"truncated array", map[string]string{
			"dcrouter_train.json": `[{"question": "q0", "scores": {"m1": 1}}, {"question": `,
		}, []string{"llmrouter/dcrouter_train.json", "record 1", "invalid JSON"}},
		{"not an array", map[string]string{
			"dcrouter_train.json": `{"question": "q0"}`,
		}, []string{"JSON array"}},
		{"bad JSON line", map[string]string{
			"default_query_train.jsonl": goodQuery + "{not json}\n",
		}, []string{"llmrouter/default_query_train.jsonl", "line 3", "invalid JSON"}},
		{"query line missing field", map[string]string{
			"default_query_train.jsonl": `{"task_name": "gsm8k"}` + "\n",
		}, []string{"default_query_train.jsonl", "line 1", `field "query": missing`}},
		{"price not a number", map[string]string{
			"default_llm.json": `{"m1": {"size": "7B", "input_price": "cheap", "output_price": 0.2}}`,
		}, []string{"llmrouter/default_llm.json", `model "m1"`, "invalid JSON"}},
		{"price missing", map[string]string{
			"default_llm.json": `{"m1": {"size": "7B", "output_price": 0.2}}`,
		}, []string{`model "m1"`, `field "input_price": missing`}},
		{"price below a nanodollar", map[string]string{
			"default_llm.json": `{"m1": {"size": "7B", "input_price": 0.0000000001, "output_price": 0.2}}`,
		}, []string{`field "input_price"`, "nanodollar"}},
		{"negative price", map[string]string{
			"default_llm.json": `{"m1": {"size": "7B", "input_price": -1, "output_price": 0.2}}`,
		}, []string{`field "input_price"`, "negative"}},
		{"bad size", map[string]string{
			"default_llm.json": `{"m1": {"size": "huge", "input_price": 1, "output_price": 0.2}}`,
		}, []string{`field "size"`, `"huge"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "llmrouter")
			files := map[string]string{"default_llm.json": goodLLM, "default_query_train.jsonl": goodQuery, "dcrouter_train.json": goodScore}
			for k, v := range tc.files {
				files[k] = v
			}
			writeTree(t, dir, files)
			_, err := LoadLLMRouter(dir, "train")
			if err == nil {
				t.Fatal("loaded malformed data")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error does not wrap ErrMalformed: %v", err)
			}
			for _, w := range tc.want {
				if !contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLLMRouterGoodFixture(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "llmrouter")
	writeTree(t, dir, map[string]string{"default_llm.json": goodLLM, "default_query_train.jsonl": goodQuery, "dcrouter_train.json": goodScore})
	e, err := LoadLLMRouter(dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	if e.Len() != 2 || e.Category("llmrouter:train:1") != "mmlu" {
		t.Fatalf("got %d tasks, category %q", e.Len(), e.Category("llmrouter:train:1"))
	}
	if o, _ := e.Outcome("llmrouter:train:1", "m1"); o.Score != 0.5 || o.Correct != true {
		t.Errorf("m1 on q1: %+v, want score 0.5, correct", o)
	}
}

const goodArena = `{"global_index": "AIME_1", "question": "q", "llm_selected": "m1", "generated_answer": "a", "token_usage": {"input_tokens": 10, "output_tokens": 20}, "success": true, "provider": "p", "evaluation_result": {"score": 1.0, "inference_cost": 0.000025}}`

func TestRouterArenaMalformed(t *testing.T) {
	tests := []struct {
		name string
		line string
		cost string
		want []string
	}{
		{"bad JSON line", `{"global_index": `, "", []string{"routerarena/cached_results/m1.jsonl", "line 2", "invalid JSON"}},
		{"missing evaluation", strings.Replace(goodArena, `"evaluation_result"`, `"x"`, 1), "", []string{"line 2", `field "evaluation_result"`}},
		{"non-numeric score", strings.Replace(goodArena, `"score": 1.0`, `"score": "high"`, 1), "", []string{"line 2", `field "evaluation_result.score"`, `"high" is not a number`}},
		{"bad tokens", strings.Replace(goodArena, `"input_tokens": 10`, `"input_tokens": 1.5`, 1), "", []string{"line 2", `field "token_usage.input_tokens"`}},
		{"missing usage", strings.Replace(goodArena, `"token_usage"`, `"usage"`, 1), "", []string{"line 2", `field "token_usage"`}},
		{"wrong model", strings.Replace(goodArena, `"llm_selected": "m1"`, `"llm_selected": "m2"`, 1), "", []string{"line 2", `field "llm_selected"`}},
		{"no price", goodArena, `{"m2": {"input_token_price_per_million": 1, "output_token_price_per_million": 1}}`, []string{"line 1", "no price in cost.json"}},
		{"bad cost table", goodArena, `{"m1": {"input_token_price_per_million": 1}}`, []string{"routerarena/cost.json", `model "m1"`, `field "output_token_price_per_million": missing`}},
		{"negative cost", strings.Replace(goodArena, `0.000025`, `-0.5`, 1), "", []string{"line 2", "negative"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "routerarena")
			cost := tc.cost
			if cost == "" {
				cost = `{"m1": {"input_token_price_per_million": 0.5, "output_token_price_per_million": 1.0}}`
			}
			body := goodArena + "\n" + tc.line + "\n"
			if tc.cost != "" {
				body = tc.line + "\n"
			}
			writeTree(t, dir, map[string]string{"cost.json": cost, "cached_results/m1.jsonl": body})
			_, err := LoadRouterArena(dir)
			if err == nil {
				t.Fatal("loaded malformed data")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error does not wrap ErrMalformed: %v", err)
			}
			for _, w := range tc.want {
				if !contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestRouteLLMMalformed(t *testing.T) {
	const header = "prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview\n"
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{"not a bool", header + "q0,True,False\n\"q1\nsecond line\",True,Maybe\n", []string{"routellm/gsm8k/gsm8k_responses.csv", "row 1 (line 3)", `field "gpt-4-1106-preview"`, `"Maybe" is not True or False`}},
		{"short row", header + "q0,True\n", []string{"row 0", "wrong number of fields"}},
		{"no prompt column", "question,gpt-4-1106-preview\nq,True\n", []string{"header", `field "prompt"`}},
		{"unknown model", "prompt,gpt-5\nq,True\n", []string{"header", `field "gpt-5"`, "no price"}},
		{"empty prompt", header + " ,True,True\n", []string{"row 0 (line 2)", `field "prompt": empty`}},
		{"bad quote", header + "\"q0,True,True\n", []string{"row 0", "quote"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "routellm")
			writeTree(t, dir, map[string]string{"gsm8k/gsm8k_responses.csv": tc.csv})
			_, err := LoadRouteLLM(dir, "gsm8k")
			if err == nil {
				t.Fatal("loaded malformed data")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error does not wrap ErrMalformed: %v", err)
			}
			for _, w := range tc.want {
				if !contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}
