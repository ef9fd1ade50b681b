package replay

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

func TestTinyFixture(t *testing.T) {
	e := tiny(t, "train")
	if e.Len() != 12 || e.Name() != "llmrouter:train" {
		t.Fatalf("%s: %d tasks, want 12", e.Name(), e.Len())
	}
	var names []string
	for _, s := range e.Specs() {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "alpha-8b,beta-13b,gamma-70b" {
		t.Errorf("models %s: want the three scored ones, not delta-3b", got)
	}
	if c := e.Category("llmrouter:train:6"); c != "gsm8k" {
		t.Errorf("category %q, want gsm8k", c)
	}
	if c := e.Category("nope"); c != "" {
		t.Errorf("category of unknown task %q", c)
	}
	if test := tiny(t, "test"); test.Len() != 4 {
		t.Errorf("test split has %d tasks, want 4", test.Len())
	}
}

func TestCallResult(t *testing.T) {
	e := tiny(t, "train")
	task := e.Tasks()[6] // "Tom has 3 boxes..." (97 bytes)
	set, err := e.Tools(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 3 {
		t.Fatalf("%d tools, want 3", set.Len())
	}
	for _, args := range []string{``, `{}`, `{"prompt":"ignored"}`} {
		res, err := set.Call(context.Background(), "gamma-70b", json.RawMessage(args))
		if err != nil || res.IsError {
			t.Fatalf("args %q: %v %+v", args, err, res)
		}
		wantIn := tool.EstimateTokens(task.Prompt)
		if res.Usage != (tool.Usage{InputTokens: wantIn, OutputTokens: DefaultOutputTokens, Estimated: true}) {
			t.Errorf("usage %+v", res.Usage)
		}
		// $1.20/M × in + $2.40/M × 65, each rounded up to the nanodollar.
		want := money.Amount(1200*wantIn + 2400*DefaultOutputTokens)
		if res.Cost != want {
			t.Errorf("cost %s, want %s", res.Cost, want)
		}
		if res.Content != "gamma-70b answer #llmrouter:train:6" {
			t.Errorf("content %q", res.Content)
		}
		if o, _ := e.Outcome(task.ID, "gamma-70b"); res.Latency != o.Latency || o.Latency != SimulatedLatency(SpeedOfSize(70), DefaultOutputTokens) {
			t.Errorf("latency %s, want the simulated %s", res.Latency, o.Latency)
		}
		if strings.Contains(string(res.Data), "score") {
			t.Errorf("data %s leaks the score", res.Data)
		}
	}
	if res, _ := set.Call(context.Background(), "gamma-70b", json.RawMessage(`{"model":"x"}`)); !res.IsError {
		t.Error("unknown argument accepted")
	}
	g, _ := set.Get("gamma-70b")
	bound, err := tool.WorstCase(g, json.RawMessage(`{}`))
	o, _ := e.Outcome(task.ID, "gamma-70b")
	if err != nil || bound != o.Cost {
		t.Errorf("worst case %s, %v; want the recorded cost %s", bound, err, o.Cost)
	}
}

func TestRouterArenaCallCarriesRecordedAnswer(t *testing.T) {
	e := load(t, "routerarena", "")
	task := e.Tasks()[0]
	set, err := e.Tools(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	res, err := set.Call(context.Background(), "claude-3-haiku-20240307", nil)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Model        string `json:"model"`
		Answer       string `json:"answer"`
		InputTokens  int64  `json:"input_tokens"`
		OutputTokens int64  `json:"output_tokens"`
	}
	if err := json.Unmarshal(res.Data, &d); err != nil {
		t.Fatal(err)
	}
	if d.Answer != res.Content || !strings.Contains(res.Content, "boxed{{982}}") || d.InputTokens != 349 || d.OutputTokens != 120 {
		t.Errorf("data %+v / content %.40q", d, res.Content)
	}
	if res.Cost != money.MustParse("0.00023725") || res.Usage.Estimated {
		t.Errorf("cost %s usage %+v, want the recorded $0.00023725", res.Cost, res.Usage)
	}
}

func TestToolsCachedAndConcurrent(t *testing.T) {
	e := tiny(t, "train")
	var wg sync.WaitGroup
	sets := make([]*tool.Set, 8)
	for i := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := e.Tools(context.Background(), e.Tasks()[3])
			if err != nil {
				t.Error(err)
			}
			sets[i] = s
		}()
	}
	wg.Wait()
	for _, s := range sets {
		if s != sets[0] {
			t.Fatal("Tools built two sets for one task")
		}
	}
	if _, err := e.Tools(context.Background(), episode.Task{ID: "nope"}); err == nil || !strings.Contains(err.Error(), `unknown task "nope"`) {
		t.Errorf("err = %v, want unknown task", err)
	}
}

// step is a successful call of tool that returned content.
func step(turn int, toolName, content string) episode.Step {
	return episode.Step{Turn: turn, Action: episode.Action{Tool: toolName}, Result: &tool.Result{Content: content}}
}

func TestScore(t *testing.T) {
	e := tiny(t, "train")
	task := e.Tasks()[1] // Red Planet: alpha 1, beta 0, gamma 1
	a, b, g := "alpha-8b answer #"+task.ID, "beta-13b answer #"+task.ID, "gamma-70b answer #"+task.ID
	failed := step(3, "gamma-70b", g)
	failed.Result.IsError = true
	tests := []struct {
		name    string
		steps   []episode.Step
		answer  string
		outcome float64
		correct bool
		detail  string
	}{
		{"answer of the only call", []episode.Step{step(1, "beta-13b", b)}, b, 0, false, "beta-13b's result of turn 1"},
		{"answer of an earlier call", []episode.Step{step(1, "alpha-8b", a), step(2, "beta-13b", b)}, a, 1, true, "alpha-8b's result of turn 1"},
		{"latest matching call wins", []episode.Step{step(1, "alpha-8b", b), step(2, "beta-13b", b)}, b, 0, false, "turn 2"},
		{"white space ignored", []episode.Step{step(1, "gamma-70b", g)}, "  " + g + "\n", 1, true, "gamma-70b"},
		{"answer held by no call", []episode.Step{step(1, "alpha-8b", a)}, "Mars", 0, false, "matches no successful model result"},
		{"answer of a model never called", []episode.Step{step(1, "beta-13b", b)}, g, 0, false, "matches no"},
		{"failed call does not count", []episode.Step{step(1, "beta-13b", b), failed}, g, 0, false, "matches no"},
		{"unknown tool does not count", []episode.Step{step(1, "calculator", g)}, g, 0, false, "matches no"},
		{"empty answer", []episode.Step{step(1, "alpha-8b", a)}, "", 0, false, "no final answer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ep := &episode.Episode{Task: task, Steps: tc.steps, Answer: tc.answer, Status: episode.StatusAnswered}
			s, err := e.Score(context.Background(), task, ep)
			if err != nil {
				t.Fatal(err)
			}
			if s.Outcome != tc.outcome || s.Correct != tc.correct || !strings.Contains(s.Detail, tc.detail) {
				t.Errorf("score %+v, want outcome %g correct %v detail ~%q", s, tc.outcome, tc.correct, tc.detail)
			}
		})
	}
	if _, err := e.Score(context.Background(), episode.Task{ID: "nope"}, &episode.Episode{}); err == nil {
		t.Error("scored an unknown task")
	}
	if _, err := e.Score(context.Background(), task, nil); err == nil {
		t.Error("scored a nil episode")
	}
}

func TestScoreFractional(t *testing.T) {
	e := tiny(t, "train")
	task := e.Tasks()[4] // alpha 0.4, beta 0.5, gamma 1
	for _, tc := range []struct {
		tool    string
		outcome float64
		correct bool
	}{{"alpha-8b", 0.4, false}, {"beta-13b", 0.5, true}} {
		ans := tc.tool + " answer #" + task.ID
		s, err := e.Score(context.Background(), task, &episode.Episode{Steps: []episode.Step{step(1, tc.tool, ans)}, Answer: ans})
		if err != nil || s.Outcome != tc.outcome || s.Correct != tc.correct {
			t.Errorf("%s: %+v %v, want %g/%v", tc.tool, s, err, tc.outcome, tc.correct)
		}
	}
}

func TestOracle(t *testing.T) {
	e := tiny(t, "train")
	tests := []struct {
		task string
		want string
	}{
		{"llmrouter:train:0", "alpha-8b"},   // all correct: cheapest
		{"llmrouter:train:3", "beta-13b"},   // alpha wrong
		{"llmrouter:train:10", "gamma-70b"}, // only gamma
		{"llmrouter:train:11", ""},          // nobody
		{"llmrouter:train:4", "beta-13b"},   // 0.4 is not correct, 0.5 is
	}
	for _, tc := range tests {
		o, ok := e.Oracle(tc.task)
		if got := map[bool]string{true: o.Tool}[ok]; got != tc.want {
			t.Errorf("%s: oracle %q, want %q", tc.task, got, tc.want)
		}
	}
	if e.Outcomes("nope") != nil {
		t.Error("outcomes for an unknown task")
	}
}

func TestToolName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"gpt-4-1106-preview", "gpt-4-1106-preview"},
		{"mistralai/Mixtral-8x7B-Instruct-v0.1", "Mixtral-8x7B-Instruct-v0.1"},
		{"org/model name:v1", "model_name_v1"},
		{"trailing/", "trailing_"},
		{"", "model"},
		{strings.Repeat("x", 80), strings.Repeat("x", 64)},
	}
	for _, tc := range tests {
		if got := ToolName(tc.in); got != tc.want {
			t.Errorf("ToolName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSimulatedLatency(t *testing.T) {
	tests := []struct {
		size float64
		out  int64
		want string
	}{
		{7, 0, "300ms"},
		{7, 100, "1.3s"},
		{51, 100, "2.8s"},
		{141, 100, "5.3s"},
		{7, -5, "300ms"},
	}
	for _, tc := range tests {
		if got := SimulatedLatency(SpeedOfSize(tc.size), tc.out).String(); got != tc.want {
			t.Errorf("SimulatedLatency(%g, %d) = %s, want %s", tc.size, tc.out, got, tc.want)
		}
	}
}
