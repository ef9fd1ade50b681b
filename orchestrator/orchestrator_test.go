package orchestrator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

type echoArgs struct {
	Text string `json:"text"`
}

// echoTool echoes its text and reports fixed token usage.
type echoTool struct {
	tool.Tool
	usage tool.Usage
	price money.Price
}

// MaxCost bounds a call by its fixed usage: exact, so never below it.
func (e echoTool) MaxCost(json.RawMessage) (money.Amount, error) {
	return e.price.Cost(money.Usage{InputTokens: e.usage.InputTokens, OutputTokens: e.usage.OutputTokens}), nil
}

// echo returns an echo tool; with bounded it bounds its own cost, otherwise
// the default worst case (one token per argument byte) applies.
func echo(name string, price money.Price, usage tool.Usage) tool.Tool {
	return echoTool{Tool: plainEcho(name, price, usage), usage: usage, price: price}
}

func plainEcho(name string, price money.Price, usage tool.Usage) tool.Tool {
	return tool.MustFunc(tool.Spec{Name: name, Description: "echo", Price: price, MaxOutputTokens: usage.OutputTokens},
		func(_ context.Context, a echoArgs) (*tool.Result, error) {
			return &tool.Result{Content: a.Text, Usage: usage}, nil
		})
}

// script is a policy that replays actions in order, then answers "done".
func script(acts ...episode.Action) policy.Policy {
	var mu sync.Mutex
	i := 0
	return policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
		mu.Lock()
		defer mu.Unlock()
		if i >= len(acts) {
			return episode.Action{Final: true, Answer: "done"}, nil
		}
		a := acts[i]
		i++
		if a.Thought == "invalid" {
			return a, fmt.Errorf("%w: scripted garbage", policy.ErrInvalidAction)
		}
		return a, nil
	})
}

func call(name, text string) episode.Action {
	b, _ := json.Marshal(echoArgs{Text: text})
	return episode.Action{Tool: name, Args: b}
}

func TestRun(t *testing.T) {
	cheap := money.Price{PerCall: money.MustParse("0.01")}
	tokens := money.Price{InputPerM: money.MustParse("1.25"), OutputPerM: money.MustParse("10")}
	tests := []struct {
		name       string
		tools      []tool.Tool
		task       episode.Task
		acts       []episode.Action
		wantStatus episode.Status
		wantCost   money.Amount
		wantErrs   []string // substrings of each step's error, "" for none
	}{
		{
			name:       "answer at once",
			tools:      []tool.Tool{echo("echo", cheap, tool.Usage{})},
			wantStatus: episode.StatusAnswered,
			wantErrs:   []string{""},
		},
		{
			name:       "token-priced call costs usage times price exactly",
			tools:      []tool.Tool{echo("gpt", tokens, tool.Usage{InputTokens: 1234, OutputTokens: 567})},
			acts:       []episode.Action{call("gpt", "hi")},
			wantStatus: episode.StatusAnswered,
			// 1234 × $1.25/1M = $0.0015425; 567 × $10/1M = $0.00567.
			wantCost: money.MustParse("0.0072125"),
			wantErrs: []string{"", ""},
		},
		{
			name:       "unknown tool is a failed turn the episode survives",
			tools:      []tool.Tool{echo("echo", cheap, tool.Usage{})},
			acts:       []episode.Action{call("nope", "x"), call("echo", "y")},
			wantStatus: episode.StatusAnswered,
			wantCost:   money.MustParse("0.01"),
			wantErrs:   []string{`unknown tool "nope"; available tools: echo`, "", ""},
		},
		{
			name:       "schema violation names the field",
			tools:      []tool.Tool{echo("echo", cheap, tool.Usage{})},
			acts:       []episode.Action{{Tool: "echo", Args: json.RawMessage(`{"text": 5}`)}},
			wantStatus: episode.StatusAnswered,
			wantErrs:   []string{"/text", ""},
		},
		{
			name:       "malformed action from the policy is a failed turn",
			tools:      []tool.Tool{echo("echo", cheap, tool.Usage{})},
			acts:       []episode.Action{{Thought: "invalid"}},
			wantStatus: episode.StatusAnswered,
			wantErrs:   []string{"scripted garbage", ""},
		},
		{
			name:       "budget refuses the call that would overspend",
			tools:      []tool.Tool{echo("echo", cheap, tool.Usage{})},
			task:       episode.Task{Budget: episode.Budget{MaxCost: money.MustParse("0.025")}},
			acts:       []episode.Action{call("echo", "1"), call("echo", "2"), call("echo", "3")},
			wantStatus: episode.StatusAnswered,
			wantCost:   money.MustParse("0.02"),
			wantErrs:   []string{"", "", "budget: exceeded", ""},
		},
		{
			name:       "turn limit counts failed turns",
			tools:      []tool.Tool{echo("echo", cheap, tool.Usage{})},
			task:       episode.Task{Budget: episode.Budget{MaxTurns: 2}},
			acts:       []episode.Action{call("nope", "1"), call("nope", "2"), call("echo", "3")},
			wantStatus: episode.StatusMaxTurns,
			wantErrs:   []string{"unknown tool", "unknown tool"},
		},
		{
			name:       "a tool outside the task's allowed list is unknown",
			tools:      []tool.Tool{echo("a", cheap, tool.Usage{}), echo("b", cheap, tool.Usage{})},
			task:       episode.Task{Tools: []string{"a"}},
			acts:       []episode.Action{call("b", "x")},
			wantStatus: episode.StatusAnswered,
			wantErrs:   []string{`unknown tool "b"; available tools: a`, ""},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, err := tool.NewSet(tc.tools...)
			if err != nil {
				t.Fatal(err)
			}
			var events []episode.Event
			ep, err := orchestrator.Run(context.Background(), tc.task, script(tc.acts...), set,
				orchestrator.WithTracer(func(e episode.Event) { events = append(events, e) }))
			if err != nil {
				t.Fatal(err)
			}
			if ep.Status != tc.wantStatus {
				t.Fatalf("status = %s (%s), want %s", ep.Status, ep.Error, tc.wantStatus)
			}
			if ep.Cost != tc.wantCost {
				t.Errorf("cost = %s, want %s", ep.Cost, tc.wantCost)
			}
			if len(ep.Steps) != len(tc.wantErrs) {
				t.Fatalf("%d steps, want %d: %+v", len(ep.Steps), len(tc.wantErrs), ep.Steps)
			}
			for i, want := range tc.wantErrs {
				got := ep.Steps[i].Error
				if want == "" && got != "" || !strings.Contains(got, want) {
					t.Errorf("step %d error = %q, want it to contain %q", i+1, got, want)
				}
			}
			if events[0].Type != episode.EventStart || events[len(events)-1].Type != episode.EventEnd {
				t.Errorf("events do not start with start and end with end: %v", events)
			}
			for i, e := range events {
				if e.Seq != i+1 {
					t.Errorf("event %d has seq %d", i, e.Seq)
				}
			}
			if events[len(events)-1].Spent != ep.Cost {
				t.Errorf("last event spent %s, episode cost %s", events[len(events)-1].Spent, ep.Cost)
			}
		})
	}
}

func TestRunPolicySeesFailedTurns(t *testing.T) {
	set, _ := tool.NewSet(echo("echo", money.Price{}, tool.Usage{}))
	var seen string
	p := policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
		if s.Turn == 1 {
			return call("missing", "x"), nil
		}
		seen = s.Steps[0].Error
		return episode.Action{Final: true, Answer: "ok"}, nil
	})
	ep, err := orchestrator.Run(context.Background(), episode.Task{}, p, set)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(seen, "missing") || ep.Answer != "ok" {
		t.Fatalf("policy saw %q, answer %q", seen, ep.Answer)
	}
}

func TestRunTimeBudget(t *testing.T) {
	slow := tool.MustFunc(tool.Spec{Name: "slow"}, func(ctx context.Context, _ struct{}) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	})
	set, _ := tool.NewSet(slow)
	ep, err := orchestrator.Run(context.Background(),
		episode.Task{Budget: episode.Budget{MaxTime: 50 * time.Millisecond}},
		script(episode.Action{Tool: "slow"}), set)
	if err != nil {
		t.Fatal(err)
	}
	if ep.Status != episode.StatusTimeout {
		t.Fatalf("status %s, want timeout", ep.Status)
	}
}

func TestRunPolicyFailureEndsEpisode(t *testing.T) {
	set, _ := tool.NewSet()
	p := policy.Func(func(context.Context, *policy.State) (episode.Action, error) {
		return episode.Action{}, errors.New("model server down")
	})
	ep, err := orchestrator.Run(context.Background(), episode.Task{}, p, set)
	if err != nil {
		t.Fatal(err)
	}
	if ep.Status != episode.StatusFailed || !strings.Contains(ep.Error, "model server down") {
		t.Fatalf("got %s %q", ep.Status, ep.Error)
	}
}

func TestRunRejectsUnconfiguredAllowedTool(t *testing.T) {
	set, _ := tool.NewSet()
	_, err := orchestrator.Run(context.Background(), episode.Task{Tools: []string{"ghost"}}, script(), set)
	if !errors.Is(err, tool.ErrUnknownTool) {
		t.Fatalf("err = %v, want ErrUnknownTool", err)
	}
}

// TestBudgetNeverOverspent is a property test: across random prices, usages
// and budgets, with many episodes running concurrently against one shared
// budget, the total spent never exceeds it.
func TestBudgetNeverOverspent(t *testing.T) {
	for trial := 0; trial < 40; trial++ {
		rng := rand.New(rand.NewPCG(uint64(trial), 7))
		var tools []tool.Tool
		for i := 0; i < 4; i++ {
			price := money.Price{
				PerCall:    money.Amount(rng.Int64N(int64(money.Cent))),
				InputPerM:  money.Amount(rng.Int64N(int64(20 * money.Dollar))),
				OutputPerM: money.Amount(rng.Int64N(int64(80 * money.Dollar))),
			}
			maxOut := 1 + rng.Int64N(4000)
			// Arguments are {"text":"x"}, 12 bytes: the default worst case
			// bounds input at one token per byte.
			usage := tool.Usage{InputTokens: rng.Int64N(13), OutputTokens: rng.Int64N(maxOut + 1)}
			tools = append(tools, plainEcho(fmt.Sprintf("t%d", i), price, usage))
		}
		set, err := tool.NewSet(tools...)
		if err != nil {
			t.Fatal(err)
		}
		shared := budget.NewMeter(money.Amount(rng.Int64N(int64(20 * money.Cent))))
		perTask := money.Amount(rng.Int64N(int64(5 * money.Cent)))
		var wg sync.WaitGroup
		var mu sync.Mutex
		var total money.Amount
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(trial), uint64(g)))
				acts := make([]episode.Action, 10)
				for i := range acts {
					acts[i] = call(fmt.Sprintf("t%d", r.IntN(4)), "x")
				}
				ep, err := orchestrator.Run(context.Background(),
					episode.Task{Budget: episode.Budget{MaxCost: perTask, MaxTurns: 12}},
					script(acts...), set, orchestrator.WithAccount(shared))
				if err != nil {
					t.Error(err)
					return
				}
				if perTask > 0 && ep.Cost > perTask {
					t.Errorf("episode spent %s over its budget %s", ep.Cost, perTask)
				}
				mu.Lock()
				total += ep.Cost
				mu.Unlock()
			}(g)
		}
		wg.Wait()
		if lim := shared.Limit(); lim > 0 && shared.Spent() > lim {
			t.Fatalf("trial %d: shared budget %s overspent: %s", trial, lim, shared.Spent())
		}
		if shared.Spent() != total {
			t.Fatalf("trial %d: meter spent %s, episodes sum %s", trial, shared.Spent(), total)
		}
		if shared.Held() != 0 || shared.Overruns() != 0 {
			t.Fatalf("trial %d: held %s, overruns %d after all runs", trial, shared.Held(), shared.Overruns())
		}
	}
}

type costlyPolicy struct {
	bound, cost money.Amount
	turns       int
}

func (p *costlyPolicy) MaxCost(*policy.State) (money.Amount, error) { return p.bound, nil }
func (p *costlyPolicy) Decide(_ context.Context, s *policy.State) (episode.Action, error) {
	p.turns++
	if s.Turn >= 5 {
		return episode.Action{Final: true, Answer: "x", Cost: p.cost}, nil
	}
	return episode.Action{Tool: "echo", Args: json.RawMessage(`{"text":"a"}`), Cost: p.cost}, nil
}

func TestDecisionCostIsBudgeted(t *testing.T) {
	set, _ := tool.NewSet(echo("echo", money.Price{}, tool.Usage{}))
	p := &costlyPolicy{bound: money.MustParse("0.01"), cost: money.MustParse("0.004")}
	ep, err := orchestrator.Run(context.Background(),
		episode.Task{Budget: episode.Budget{MaxCost: money.MustParse("0.025")}}, p, set)
	if err != nil {
		t.Fatal(err)
	}
	// Each decision holds $0.01 and spends $0.004: after 4 decisions $0.016
	// is spent and the fifth hold ($0.026 total) does not fit.
	if ep.Status != episode.StatusNoBudget || ep.Cost != money.MustParse("0.016") || p.turns != 4 {
		t.Fatalf("status %s cost %s turns %d", ep.Status, ep.Cost, p.turns)
	}
}

// TestUnboundedDecisionCostIsStillBilled: a policy that reports a decision
// cost without implementing policy.CostBounder is billed to every account.
func TestUnboundedDecisionCostIsStillBilled(t *testing.T) {
	set, _ := tool.NewSet(echo("echo", money.Price{}, tool.Usage{}))
	p := policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
		return episode.Action{Final: true, Answer: "x", Cost: money.MustParse("0.003")}, nil
	})
	shared := budget.NewMeter(0)
	ep, err := orchestrator.Run(context.Background(), episode.Task{}, p, set, orchestrator.WithAccount(shared))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing was reserved, so the account records all of it as overage:
	// billed, and never hidden inside a reservation that did not exist.
	if ep.Cost != money.MustParse("0.003") || shared.Spent()+shared.Overage() != ep.Cost || shared.Overage() != ep.Cost {
		t.Fatalf("episode %s, shared account spent %s overage %s; want $0.003 of overage", ep.Cost, shared.Spent(), shared.Overage())
	}
}

// TestPerSecondToolWithoutTimeoutStaysInBudget is issue 10's first
// overspend: a $1/s tool that sets no timeout runs under tool.DefaultTimeout,
// so its worst case is priced over that timeout, not over 0 seconds. Under a
// $0.01 budget it must be refused before it runs, and the episode must not
// end "answered" on an answer made without the call the budget cut.
func TestPerSecondToolWithoutTimeoutStaysInBudget(t *testing.T) {
	var calls int
	var mu sync.Mutex
	slow := tool.MustFunc(tool.Spec{Name: "slow", Description: "bills by the second", Price: money.Price{PerSecond: money.Dollar}},
		func(ctx context.Context, _ echoArgs) (*tool.Result, error) {
			mu.Lock()
			calls++
			mu.Unlock()
			select {
			case <-time.After(300 * time.Millisecond):
			case <-ctx.Done():
			}
			return tool.Text("slow result"), nil
		})
	set, err := tool.NewSet(slow)
	if err != nil {
		t.Fatal(err)
	}
	key := budget.NewMeter(money.MustParse("0.01"))
	ep, err := orchestrator.Run(context.Background(), episode.Task{Budget: episode.Budget{MaxCost: money.MustParse("0.01")}},
		script(call("slow", "x")), set, orchestrator.WithAccount(key))
	if err != nil {
		t.Fatal(err)
	}
	if ep.Cost > money.MustParse("0.01") || key.Spent()+key.Overage() > money.MustParse("0.01") {
		t.Fatalf("a $0.01 budget spent %s (key account %s + overage %s)", ep.Cost, key.Spent(), key.Overage())
	}
	if calls != 0 {
		t.Fatalf("the tool ran %d times; its worst case ($121 over the default timeout) does not fit $0.01", calls)
	}
	if ep.Status == episode.StatusAnswered {
		t.Fatalf("episode %q although the budget refused its only tool call: %+v", ep.Status, ep.Steps)
	}
	if ep.Status != episode.StatusNoBudget {
		t.Fatalf("status %s (%s), want %s", ep.Status, ep.Error, episode.StatusNoBudget)
	}
}

// TestToolBreakingItsBoundIsCappedAtTheReservation: a tool whose real
// charge exceeds its own bound is committed at the bound; the excess is
// overage on the accounts (and in the episode's cost), and the run budget
// refuses what no longer fits.
func TestToolBreakingItsBoundIsCappedAtTheReservation(t *testing.T) {
	liar := overBilling{echo("liar", money.Price{PerCall: money.MustParse("0.001")}, tool.Usage{})}
	set, _ := tool.NewSet(liar)
	key := budget.NewMeter(money.MustParse("0.01"))
	ep, err := orchestrator.Run(context.Background(), episode.Task{Budget: episode.Budget{MaxCost: money.MustParse("0.01")}},
		script(call("liar", "a"), call("liar", "b")), set, orchestrator.WithAccount(key))
	if err != nil {
		t.Fatal(err)
	}
	if key.Spent() != money.MustParse("0.001") {
		t.Fatalf("key charged %s, want the $0.001 reserved", key.Spent())
	}
	if key.Overage() != money.MustParse("0.019") {
		t.Fatalf("key overage %s, want $0.019 (billed $0.02 on a $0.001 bound)", key.Overage())
	}
	if ep.Cost != money.MustParse("0.02") {
		t.Fatalf("episode cost %s, want the true $0.02", ep.Cost)
	}
	if len(ep.Steps) < 2 || !strings.Contains(ep.Steps[1].Error, "refused") {
		t.Fatalf("second call not refused after the overage: %+v", ep.Steps)
	}
}

// overBilling reports a charge of $0.02 whatever it was bounded at.
type overBilling struct{ tool.Tool }

func (o overBilling) MaxCost(args json.RawMessage) (money.Amount, error) {
	return o.Tool.(tool.CostBounder).MaxCost(args)
}

func (o overBilling) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	r, err := o.Tool.Call(ctx, args)
	if r != nil {
		r.Cost = money.MustParse("0.02")
	}
	return r, err
}

func TestRunEmptyAnswerIsNoAnswer(t *testing.T) {
	set, _ := tool.NewSet()
	for _, answer := range []string{"", "  \n\t"} {
		p := policy.Func(func(context.Context, *policy.State) (episode.Action, error) {
			return episode.Action{Final: true, Answer: answer, Thought: "nothing left to try"}, nil
		})
		ep, err := orchestrator.Run(context.Background(), episode.Task{Prompt: "q"}, p, set)
		if err != nil {
			t.Fatal(err)
		}
		if ep.Status != episode.StatusNoAnswer || ep.Answer != "" || !strings.Contains(ep.Error, "nothing left to try") {
			t.Fatalf("answer %q: got status %s, answer %q, error %q; want no_answer with the policy's reason", answer, ep.Status, ep.Answer, ep.Error)
		}
	}
}
