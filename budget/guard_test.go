package budget_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// fixed is a tool whose worst case is bound and whose result is res (or
// which blocks until its context ends when block is set).
type fixed struct {
	spec  tool.Spec
	bound money.Amount
	res   tool.Result
	block bool
	calls *int
}

func (f fixed) Spec() tool.Spec { return f.spec }

func (f fixed) MaxCost(json.RawMessage) (money.Amount, error) { return f.bound, nil }

func (f fixed) Call(ctx context.Context, _ json.RawMessage) (*tool.Result, error) {
	*f.calls++
	if f.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	r := f.res
	return &r, nil
}

func TestGuardCall(t *testing.T) {
	tests := []struct {
		name                  string
		limit, bound          money.Amount
		res                   tool.Result
		cancel                bool
		wantStarted           bool
		wantCharged, wantOver money.Amount
		wantErr               error
		wantHeld              money.Amount
	}{
		{name: "within bound", limit: 100, bound: 10, res: tool.Result{Cost: 7}, wantStarted: true, wantCharged: 7},
		{name: "exactly the bound", limit: 100, bound: 10, res: tool.Result{Cost: 10}, wantStarted: true, wantCharged: 10},
		{name: "over the bound is capped", limit: 100, bound: 10, res: tool.Result{Cost: 25}, wantStarted: true, wantCharged: 10, wantOver: 15},
		{name: "unbilled is released", limit: 100, bound: 10, res: tool.Result{IsError: true, Unbilled: true}, wantStarted: true},
		{name: "refused before running", limit: 5, bound: 10, wantErr: budget.ErrExceeded},
		{name: "cancelled mid-call pays the worst case", limit: 100, bound: 10, cancel: true, wantStarted: true, wantCharged: 10, wantErr: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := budget.NewMeter(tc.limit)
			calls := 0
			f := fixed{spec: tool.Spec{Name: "f"}, bound: tc.bound, res: tc.res, block: tc.cancel, calls: &calls}
			out, err := budget.Guard{Account: m}.Call(ctx, f, nil, func(money.Amount) {
				if tc.cancel {
					go func() { time.Sleep(10 * time.Millisecond); cancel() }()
				}
			})
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && err != nil {
				t.Fatalf("err %v", err)
			}
			if out.Started != tc.wantStarted || (calls > 0) != tc.wantStarted {
				t.Fatalf("started %t after %d calls, want %t", out.Started, calls, tc.wantStarted)
			}
			if out.Charged != tc.wantCharged || out.Overage != tc.wantOver {
				t.Fatalf("charged %s overage %s, want %s and %s", out.Charged, out.Overage, tc.wantCharged, tc.wantOver)
			}
			if m.Spent() != tc.wantCharged || m.Overage() != tc.wantOver || m.Held() != 0 {
				t.Fatalf("meter spent %s overage %s held %s", m.Spent(), m.Overage(), m.Held())
			}
			if m.Spent() > tc.limit {
				t.Fatalf("meter spent %s over its limit %s", m.Spent(), tc.limit)
			}
		})
	}
}

// TestGuardPricesTheEnforcedTimeout: a per-second tool without a timeout
// is bounded over tool.DefaultTimeout (plus the slack), the limit Invoke
// enforces, not over 0 seconds.
func TestGuardPricesTheEnforcedTimeout(t *testing.T) {
	spec := tool.Spec{Name: "meter", Price: money.Price{PerSecond: money.Dollar}}
	calls := 0
	f := struct{ fixedNoBound }{fixedNoBound{spec: spec, calls: &calls}}
	worst, err := tool.WorstCase(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := money.Price{PerSecond: money.Dollar}.Cost(money.Usage{Duration: tool.DefaultTimeout + tool.TimeoutSlack})
	if worst != want {
		t.Fatalf("worst case %s, want %s", worst, want)
	}
	m := budget.NewMeter(money.MustParse("0.01"))
	if _, err := (budget.Guard{Account: m}).Call(context.Background(), f, nil, nil); !errors.Is(err, budget.ErrExceeded) || calls != 0 {
		t.Fatalf("err %v after %d calls; want a refusal before the call", err, calls)
	}
}

type fixedNoBound struct {
	spec  tool.Spec
	calls *int
}

func (f fixedNoBound) Spec() tool.Spec { return f.spec }
func (f fixedNoBound) Call(context.Context, json.RawMessage) (*tool.Result, error) {
	*f.calls++
	return tool.Text("ok"), nil
}

func TestMultiRecordsOverageOnEveryRecorder(t *testing.T) {
	ctx := context.Background()
	run, key := budget.NewMeter(100), budget.NewMeter(100)
	r, err := budget.Guard{Account: budget.Multi{run, key}}.Reserve(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Commit(ctx, 30)
	if err != nil || out.Charged != 10 || out.Overage != 20 {
		t.Fatalf("%+v, %v", out, err)
	}
	if _, err := r.Commit(ctx, 30); err != nil { // a second commit is a no-op
		t.Fatal(err)
	}
	for name, m := range map[string]*budget.Meter{"run": run, "key": key} {
		if m.Spent() != 10 || m.Overage() != 20 || m.Held() != 0 {
			t.Fatalf("%s: spent %s overage %s held %s", name, m.Spent(), m.Overage(), m.Held())
		}
	}
	// Overage counts against the limit: 10+20 used, 71 no longer fits.
	if _, err := run.Reserve(ctx, 71); !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("err %v", err)
	}
}

func TestWrapRefusesAsAToolResult(t *testing.T) {
	calls := 0
	f := fixed{spec: tool.Spec{Name: "f"}, bound: 50, res: tool.Result{Content: "hi", Cost: 40}, calls: &calls}
	m := budget.NewMeter(60)
	w := budget.Wrap(f, m)
	for i, want := range []struct {
		isErr bool
		cost  money.Amount
	}{{false, 40}, {true, 0}} {
		res, err := w.Call(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.IsError != want.isErr || res.Cost != want.cost {
			t.Fatalf("call %d: %+v", i, res)
		}
	}
	if calls != 1 || m.Spent() != 40 {
		t.Fatalf("calls %d spent %s", calls, m.Spent())
	}
}
