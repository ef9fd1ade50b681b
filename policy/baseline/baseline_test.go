package baseline_test

import (
	"context"
	"errors"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/baseline"
	"github.com/batonhq/baton/tool"
)

type promptArgs struct {
	Prompt string `json:"prompt"`
}

func model(name, price string, fail bool) tool.Tool {
	return tool.MustFunc(tool.Spec{Name: name, Price: money.Price{PerCall: money.MustParse(price)}},
		func(_ context.Context, a promptArgs) (string, error) {
			if fail {
				return "", errors.New("down")
			}
			return name + " says hi", nil
		})
}

func TestBaselines(t *testing.T) {
	code := tool.MustFunc(tool.Spec{Name: "code"}, func(context.Context, struct {
		Code string `json:"code"`
	}) (string, error) {
		return "ran", nil
	})
	tests := []struct {
		name      string
		p         policy.Policy
		tools     []tool.Tool
		wantCalls []string
		answer    string
	}{
		{"cheapest", baseline.New("c", baseline.ByCost(false)), []tool.Tool{model("big", "0.01", false), model("small", "0.001", false), code}, []string{"small"}, "small says hi"},
		{"strongest", baseline.New("s", baseline.ByCost(true)), []tool.Tool{model("big", "0.01", false), model("small", "0.001", false)}, []string{"big"}, "big says hi"},
		{"cascade past a failure", baseline.New("f", baseline.Fixed("small", "big")), []tool.Tool{model("big", "0.01", false), model("small", "0.001", true)}, []string{"small", "big"}, "big says hi"},
		{"all fail", baseline.New("c", baseline.ByCost(false)), []tool.Tool{model("a", "0.01", true)}, []string{"a"}, "a: down"},
		{"code tools are not candidates", baseline.New("c", baseline.ByCost(false)), []tool.Tool{code}, nil, "no tool could answer this task"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, err := tool.NewSet(tc.tools...)
			if err != nil {
				t.Fatal(err)
			}
			ep, err := orchestrator.Run(context.Background(), episode.Task{Prompt: "hello"}, tc.p, set)
			if err != nil {
				t.Fatal(err)
			}
			var calls []string
			for _, s := range ep.Steps {
				if s.Result != nil {
					calls = append(calls, s.Action.Tool)
				}
			}
			if len(calls) != len(tc.wantCalls) {
				t.Fatalf("calls %v, want %v", calls, tc.wantCalls)
			}
			for i := range calls {
				if calls[i] != tc.wantCalls[i] {
					t.Fatalf("calls %v, want %v", calls, tc.wantCalls)
				}
			}
			if ep.Answer != tc.answer || ep.Status != episode.StatusAnswered {
				t.Fatalf("answer %q (%s), want %q", ep.Answer, ep.Status, tc.answer)
			}
		})
	}
}

func TestRandomIsSeeded(t *testing.T) {
	var specs []tool.Spec
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		specs = append(specs, model(n, "0.001", false).Spec())
	}
	order := func(seed int64) string {
		o := baseline.Random(seed)
		s := ""
		for i := 0; i < 5; i++ {
			for _, sp := range o(nil, specs) {
				s += sp.Name
			}
		}
		return s
	}
	if order(7) != order(7) {
		t.Fatal("same seed, different orders")
	}
	if order(7) == order(8) {
		t.Fatal("different seeds gave the same 25 draws")
	}
}
