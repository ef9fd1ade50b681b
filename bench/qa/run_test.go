package qa

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/bench"
	"github.com/batonhq/baton/chat/chattest"
	envqa "github.com/batonhq/baton/env/qa"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
	toolllm "github.com/batonhq/baton/tool/llm"
)

func echoSet(t *testing.T) *tool.Set {
	t.Helper()
	echo := tool.MustFunc(tool.Spec{Name: "echo", Description: "echo", Price: money.Price{PerCall: money.MustParse("0.01")}},
		func(_ context.Context, in struct {
			Prompt string `json:"prompt"`
		}) (string, error) {
			return in.Prompt, nil
		})
	set, err := tool.NewSet(echo)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// answerWith calls echo once with the answer, then answers with what it
// returned.
func answerWith(ans func(id string) string) policy.Policy {
	return policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
		if len(s.Steps) == 0 {
			return episode.Action{Tool: "echo", Args: []byte(`{"prompt":"` + ans(s.Task.ID) + `"}`)}, nil
		}
		return episode.Action{Final: true, Answer: s.Steps[0].Result.Content}, nil
	})
}

func TestRunRowsJudgeCostAndProblems(t *testing.T) {
	calls := 0
	judge := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		calls++
		if calls == 1 {
			return chattest.Reply{Content: "<correct>True</correct>", Usage: chattest.Usage{PromptTokens: 1000, CompletionTokens: 0}}
		}
		return chattest.Reply{Status: 400, Raw: `{"error":{"message":"judge down"}}`}
	})
	defer judge.Close()
	j := &envqa.Judge{Client: toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: judge.BaseURL(), MaxRetries: -1}), Price: money.Price{InputPerM: money.Dollar}}
	items := []envqa.Item{{ID: "a", Question: "qa", Answer: "Paris"}, {ID: "b", Question: "qb", Answer: "42"}, {ID: "c", Question: "qc", Answer: "Jane Ballou"}}
	e, err := envqa.New(envqa.Options{Name: "t", Items: items, Tools: echoSet(t), Judge: j})
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{"a": "paris", "b": "Jane", "c": "J. Ballou"}
	never := policy.Func(func(context.Context, *policy.State) (episode.Action, error) {
		return episode.Action{Tool: "echo", Args: []byte(`{"prompt":"x"}`)}, nil
	})
	entries := []Entry{
		{Entry: bench.Entry{Name: "good", Policy: answerWith(func(id string) string { return answers[id] })}},
		{Entry: bench.Entry{Name: "silent", Policy: never}, MaxTurns: 2},
	}
	sum, err := Run(context.Background(), e, entries, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := sum.Results.Row("good")
	// a: exact; b: "Jane" vs 42 goes to the judge, which says True (its
	// first call); c: the judge fails, so c is ungraded and wrong.
	if good.Accuracy != 2.0/3 || good.Answered != 1 || good.CostUSD != 0.01 {
		t.Fatalf("good row = %+v", good)
	}
	if got := sum.JudgeCost["good"]; got != money.MustParse("0.001") {
		t.Fatalf("judge cost %s, want $0.001 (1000 tokens at $1/M), kept out of the row", got)
	}
	silent, _ := sum.Results.Row("silent")
	if silent.Answered != 0 || silent.Accuracy != 0 || silent.CallsPerTask != 2 {
		t.Fatalf("silent row = %+v", silent)
	}
	if len(sum.Problems) != 2 || !strings.Contains(sum.Problems[0], "good: 1 answers ungraded") || !strings.Contains(sum.Problems[1], "silent: no question was answered") {
		t.Fatalf("problems = %q", sum.Problems)
	}
	dir := t.TempDir()
	if err := WriteReport(dir, sum); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"results.json", "index.html", "pareto.png", "questions.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
}
