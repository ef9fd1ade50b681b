package llm

import (
	"context"
	"testing"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/money"
)

// FuzzModelArgs feeds arbitrary arguments to MaxCost and Call: neither may
// panic, and MaxCost is never below the cost of the estimated usage Call
// would bill if the provider reported none.
func FuzzModelArgs(f *testing.F) {
	for _, s := range []string{`{"prompt":"hi"}`, `{"prompt":"x","system":"s","max_tokens":5}`, `{"prompt":"x","max_tokens":-4}`,
		`{"prompt":"x","max_tokens":99999999999}`, `{}`, `null`, `[]`, `{"prompt":1}`, ``} {
		f.Add([]byte(s))
	}
	price := money.Price{InputPerM: money.MustParse("3"), OutputPerM: money.MustParse("15")}
	f.Fuzz(func(t *testing.T, args []byte) {
		m, err := NewModel(scriptedClient{&chat.Response{Message: chat.Message{Content: "ok ok ok"}}}, ModelConfig{Model: "m", Price: price, MaxTokens: 512})
		if err != nil {
			t.Fatal(err)
		}
		bound, berr := m.MaxCost(args)
		res, err := m.Call(context.Background(), args)
		if err != nil {
			t.Fatalf("Call returned a Go error: %v", err)
		}
		if berr != nil {
			if !res.IsError {
				t.Fatalf("MaxCost rejected %q but Call accepted it", args)
			}
			return
		}
		if res.IsError {
			t.Fatalf("Call rejected %q: %s", args, res.Content)
		}
		if c := m.Spec().Cost(res.Usage, m.Spec().Timeout); c > bound {
			t.Fatalf("cost %v > MaxCost %v for %q", c, bound, args)
		}
	})
}
