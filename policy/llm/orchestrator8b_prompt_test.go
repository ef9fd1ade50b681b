package llm

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

func TestDeriveAliases(t *testing.T) {
	got := resolveAliases(nil, testTools())
	var lines []string
	for _, a := range got {
		lines = append(lines, a.Func+" "+a.Name+"="+a.Spec.Name)
	}
	want := []string{
		"answer answer-1=gpt-5",
		"answer answer-2=gpt-5-mini",
		"enhance_reasoning reasoner-1=gpt-5",
		"enhance_reasoning reasoner-2=gpt-5-mini",
		"enhance_reasoning reasoner-3=sandbox.python",
		"search search-1=retrieval.bm25",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("derived aliases:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestConfiguredAliases(t *testing.T) {
	conf := map[string]string{
		"answer-1": "gpt-5-mini", "answer-10": "gpt-5", "answer-math-1": "math.eval",
		"search-1": "retrieval.bm25", "reasoner-1": "gone", // not in this run: dropped
	}
	var lines []string
	for _, a := range resolveAliases(conf, testTools()) {
		lines = append(lines, a.Name+"="+a.Spec.Name)
	}
	want := "answer-1=gpt-5-mini answer-10=gpt-5 answer-math-1=math.eval search-1=retrieval.bm25"
	if got := strings.Join(lines, " "); got != want {
		t.Errorf("aliases = %s, want %s", got, want)
	}
}

func TestCheckAliases(t *testing.T) {
	tests := []struct {
		name    string
		m       map[string]string
		wantErr string
	}{
		{name: "ok", m: map[string]string{"search-1": "a", "reasoner-2": "b", "answer-math-1": "c"}},
		{name: "bad prefix", m: map[string]string{"coder-1": "a"}, wantErr: `alias "coder-1" must start with`},
		{name: "bare prefix", m: map[string]string{"answer-": "a"}, wantErr: "must start with"},
		{name: "empty tool", m: map[string]string{"answer-1": " "}, wantErr: "empty tool name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkAliases(tc.m)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("checkAliases = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// toolsJSON mirrors ToolOrchestra's evaluation/tools.json entries.
type toolsJSON []struct {
	Type     string       `json:"type"`
	Function chat.ToolDef `json:"function"`
}

// TestTools8BMatchToolOrchestra builds the aliases of ToolOrchestra's own
// expert table and checks that the function definitions have the shape of
// its tools.json: same functions, order, parameter schema, choices list and
// price table rows.
func TestTools8BMatchToolOrchestra(t *testing.T) {
	raw, err := os.ReadFile("../../../shared/data/toolorchestra/tools.json")
	if err != nil {
		t.Skipf("ToolOrchestra's tools.json not available: %v", err)
	}
	var ref toolsJSON
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	spec := func(name, in, out string, lat time.Duration) tool.Spec {
		return tool.Spec{Name: name, Price: money.Price{InputPerM: money.MustParse(in), OutputPerM: money.MustParse(out)}, Latency: lat, Tags: []string{tool.TagLLM}}
	}
	specs := []tool.Spec{
		spec("gpt-5", "1.25", "10", 31*time.Second),
		spec("gpt-5-mini", "0.25", "2", 25*time.Second),
		spec("qwen-coder", "0.8", "0.8", 9*time.Second),
	}
	aliases := resolveAliases(map[string]string{"reasoner-1": "gpt-5", "reasoner-2": "gpt-5-mini", "reasoner-3": "qwen-coder", "answer-1": "gpt-5", "search-1": "gpt-5"}, specs)
	defs := tools8B(aliases, nil)
	if len(defs) != len(ref) {
		t.Fatalf("%d functions, tools.json has %d", len(defs), len(ref))
	}
	for i, d := range defs {
		r := ref[i].Function
		if d.Name != r.Name || d.Description != r.Description {
			t.Errorf("function %d = %q %q, want %q %q", i, d.Name, d.Description, r.Name, r.Description)
		}
		var got, want map[string]any
		_ = json.Unmarshal(d.Parameters, &got)
		_ = json.Unmarshal(r.Parameters, &want)
		gm := got["properties"].(map[string]any)["model"].(map[string]any)
		wm := want["properties"].(map[string]any)["model"].(map[string]any)
		delete(gm, "description")
		delete(wm, "description")
		if g, w := mustJSONString(got), mustJSONString(want); g != w {
			t.Errorf("%s parameters = %s, want %s", d.Name, g, w)
		}
	}
	// reasoner rows must equal ToolOrchestra's exactly.
	var params struct {
		Properties struct {
			Model struct{ Description string } `json:"model"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(defs[0].Parameters, &params)
	for _, row := range []string{
		"Choices: ['reasoner-1', 'reasoner-2', 'reasoner-3'].",
		"\nModel | price per million input tokens | price per million output tokens | average latency\nreasoner-1 | $1.25 | $10 | 31s\nreasoner-2 | $0.25 | $2 | 25s\nreasoner-3 | $0.8 | $0.8 | 9s",
	} {
		if !strings.Contains(params.Properties.Model.Description, row) {
			t.Errorf("enhance_reasoning model description lacks %q:\n%s", row, params.Properties.Model.Description)
		}
	}
}

func mustJSONString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// state8B is a run after a search, a code run written by a reasoner, an
// analysis, a failed answer attempt and an unreadable reply.
func state8B() *policy.State {
	s := &policy.State{Task: testTask(), Tools: testTools(), Turn: 7, Spent: money.MustParse("0.003")}
	s.Steps = []episode.Step{
		{Turn: 1, Action: episode.Action{Tool: "retrieval.bm25", Args: json.RawMessage(`{"query":"x"}`), Thought: "orchestrator8b: search search-1 search"},
			Result: &tool.Result{Content: "The Eiffel Tower opened on 31 March 1889."}},
		{Turn: 2, Action: episode.Action{Tool: "gpt-5-mini", Args: json.RawMessage(`{"prompt":"..."}`), Thought: "orchestrator8b: enhance_reasoning reasoner-2 code"},
			Result: &tool.Result{Content: "```python\nprint(1889 - 1887)\n```"}},
		{Turn: 3, Action: episode.Action{Tool: "sandbox.python", Args: json.RawMessage(`{"code":"print(1889 - 1887)"}`), Thought: "orchestrator8b: enhance_reasoning reasoner-2 run"},
			Result: &tool.Result{Content: "2\n"}},
		{Turn: 4, Action: episode.Action{Tool: "gpt-5", Args: json.RawMessage(`{"prompt":"..."}`), Thought: "<think>hmm</think>\norchestrator8b: enhance_reasoning reasoner-1 reason"},
			Result: &tool.Result{Content: "Sadi Carnot was president from 1887 to 1894."}},
		{Turn: 5, Action: episode.Action{Tool: "gpt-5", Args: json.RawMessage(`{"prompt":"..."}`), Thought: "orchestrator8b: answer answer-1 answer"},
			Result: &tool.Result{Content: "rate limited", IsError: true}},
		{Turn: 6, Action: episode.Action{Thought: "garbage"}, Error: "policy: invalid action: no tool was called"},
	}
	return s
}

func TestPrompt8BGolden(t *testing.T) {
	tests := []struct {
		name  string
		state *policy.State
		file  string
	}{
		{name: "first turn", state: &policy.State{Task: testTask(), Tools: testTools(), Turn: 1}, file: "orchestrator8b_turn1.json"},
		{name: "gathered context", state: state8B(), file: "orchestrator8b_context.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := &Orchestrator8B{}
			req := o.request8B(tc.state, resolveAliases(nil, tc.state.Tools))
			golden(t, tc.file, mustJSON(t, req))
		})
	}
}

func TestPrompt8BFirstTurnIsToolOrchestras(t *testing.T) {
	s := &policy.State{Task: &episode.Task{Prompt: "What is 2+2?"}}
	for _, tc := range []struct{ context, want string }{
		// eval_hle.py: no code, no documents: an empty context, and the
		// stray quote after the instruction.
		{ContextHLE, "Problem: What is 2+2?\n\n\n\nChoose an appropriate tool.'"},
		// eval_frames.py always writes the code header.
		{ContextFRAMES, "Problem: What is 2+2?\n\n\npython code and execution outputs:\n\n\nChoose an appropriate tool."},
	} {
		if got := styleOf(tc.context).userPrompt(s.Task.Prompt, gather(s)); got != tc.want {
			t.Errorf("%s user prompt = %q, want %q", tc.context, got, tc.want)
		}
	}
}

func TestExtractAnswer(t *testing.T) {
	tests := map[string]string{
		"<think>x</think>\n<answer>\nSadi Carnot\n</answer>": "Sadi Carnot",
		`so \boxed{\frac{1}{2}} done`:                        `\frac{1}{2}`,
		"  plain reply \n":                                   "plain reply",
		"<answer></answer> fallback":                         "<answer></answer> fallback",
	}
	for in, want := range tests {
		if got := extractAnswer(in); got != want {
			t.Errorf("extractAnswer(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkerRoundTrip(t *testing.T) {
	m := marker{fn: fnAnswer, alias: "answer-2", stage: stageAnswer}
	got, ok := parseMarker("some thought\n" + m.String())
	if !ok || got != m {
		t.Errorf("parseMarker = %+v, %v; want %+v", got, ok, m)
	}
	for _, bad := range []string{"", "orchestrator8b: a b", "text orchestrator8b: a b c", "orchestrator8b: a b c d"} {
		if _, ok := parseMarker(bad); ok {
			t.Errorf("parseMarker(%q) found a marker", bad)
		}
	}
}
