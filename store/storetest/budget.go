package storetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

const c1 = money.Cent

func testBudgetLimits(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	tests := []struct {
		name   string
		budget store.KeyBudget
		word   string // the error names the limit
	}{
		{"per day", store.KeyBudget{PerDay: 10 * c1}, "daily"},
		{"per month", store.KeyBudget{PerMonth: 10 * c1}, "monthly"},
		{"total", store.KeyBudget{Total: 10 * c1}, "total"},
		{"tightest of three", store.KeyBudget{PerDay: 30 * c1, PerMonth: 20 * c1, Total: 10 * c1}, "total"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := newKey(t, s, tc.budget)
			a := reserve(t, s, k.ID, 6*c1)
			_, err := s.Account(k.ID).Reserve(ctx, 5*c1) // held money counts
			if !errors.Is(err, budget.ErrExceeded) || !strings.Contains(err.Error(), tc.word) {
				t.Fatalf("Reserve over the limit = %v, want budget.ErrExceeded naming the %s budget", err, tc.word)
			}
			b := reserve(t, s, k.ID, 4*c1) // exactly the limit
			if sp := spent(t, s, k.ID); sp.Held != 10*c1 || sp.Total != 0 {
				t.Fatalf("Spent = %+v, want 10¢ held, nothing spent", sp)
			}
			if err := a.Commit(ctx, 3*c1); err != nil {
				t.Fatalf("Commit: %v", err)
			}
			c := reserve(t, s, k.ID, 3*c1) // 3 spent + 4 held + 3
			wantExceeded(t, s, k.ID, 1)
			for _, h := range []budget.Hold{b, c} {
				if err := h.Release(ctx); err != nil {
					t.Fatalf("Release: %v", err)
				}
			}
			sp := spent(t, s, k.ID)
			if sp.Held != 0 || sp.Total != 3*c1 || sp.Day != 3*c1 || sp.Month != 3*c1 {
				t.Fatalf("Spent = %+v, want 3¢ spent in day, month and total, nothing held", sp)
			}
			wantExceeded(t, s, k.ID, 7*c1+1)
			if err := reserve(t, s, k.ID, 7*c1).Release(ctx); err != nil {
				t.Fatalf("Release: %v", err)
			}
		})
	}

	t.Run("unlimited", func(t *testing.T) {
		k := newKey(t, s, store.KeyBudget{})
		for range 3 {
			if err := reserve(t, s, k.ID, 1000*money.Dollar).Commit(ctx, 1000*money.Dollar); err != nil {
				t.Fatalf("Commit: %v", err)
			}
		}
		if sp := spent(t, s, k.ID); sp.Total != 3000*money.Dollar {
			t.Fatalf("Spent = %+v, want $3000", sp)
		}
	})

	t.Run("lowered budget", func(t *testing.T) {
		k := newKey(t, s, store.KeyBudget{Total: 10 * c1})
		h := reserve(t, s, k.ID, 8*c1)
		if err := s.SetBudget(ctx, k.ID, store.KeyBudget{Total: 5 * c1}); err != nil {
			t.Fatalf("SetBudget: %v", err)
		}
		wantExceeded(t, s, k.ID, 1) // the granted hold stands, and uses it all
		if err := h.Commit(ctx, 2*c1); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		wantExceeded(t, s, k.ID, 3*c1+1)
		reserve(t, s, k.ID, 3*c1)
	})
}

// testBudgetPeriods walks the clock across day and month boundaries.
func testBudgetPeriods(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	k := newKey(t, s, store.KeyBudget{PerDay: 10 * c1, PerMonth: 15 * c1, Total: 40 * c1})
	charge := func(amount money.Amount) {
		t.Helper()
		if err := reserve(t, s, k.ID, amount).Commit(ctx, amount); err != nil {
			t.Fatalf("Commit(%s): %v", amount, err)
		}
	}
	want := func(day, month, total money.Amount) {
		t.Helper()
		sp := spent(t, s, k.ID)
		if sp.Day != day || sp.Month != month || sp.Total != total || sp.Held != 0 {
			t.Fatalf("at %s Spent = %+v, want day %s, month %s, total %s", c.Now(), sp, day, month, total)
		}
	}
	day := func(y int, m time.Month, d int) { c.Set(time.Date(y, m, d, 12, 0, 0, 0, time.UTC)) }

	day(2026, 3, 30)
	charge(10 * c1)
	want(10*c1, 10*c1, 10*c1)
	wantExceeded(t, s, k.ID, 1) // daily

	c.Set(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)) // midnight UTC starts a new day
	want(0, 10*c1, 10*c1)
	if _, err := s.Account(k.ID).Reserve(ctx, 6*c1); !errors.Is(err, budget.ErrExceeded) || !strings.Contains(err.Error(), "monthly") {
		t.Fatalf("Reserve beyond the month = %v, want the monthly budget exceeded", err)
	}
	charge(5 * c1)
	want(5*c1, 15*c1, 15*c1)

	day(2026, 4, 1)
	want(0, 0, 15*c1)
	charge(10 * c1)
	day(2026, 4, 2)
	charge(5 * c1)
	want(5*c1, 15*c1, 30*c1)

	day(2026, 5, 1)
	charge(10 * c1)
	want(10*c1, 10*c1, 40*c1)
	day(2026, 5, 2)
	if _, err := s.Account(k.ID).Reserve(ctx, 1); !errors.Is(err, budget.ErrExceeded) || !strings.Contains(err.Error(), "total") {
		t.Fatalf("Reserve beyond the total = %v, want the total budget exceeded", err)
	}

	// A hold reserved on one day and committed on the next is charged to
	// the day of the commit.
	k2 := newKey(t, s, store.KeyBudget{PerDay: 10 * c1})
	h := reserve(t, s, k2.ID, 4*c1)
	day(2026, 5, 3)
	if err := h.Commit(ctx, 4*c1); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if sp := spent(t, s, k2.ID); sp.Day != 4*c1 {
		t.Fatalf("Spent = %+v, want 4¢ today", sp)
	}
}

func testExactlyOnce(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	commit := func(a money.Amount) func(budget.Hold) error {
		return func(h budget.Hold) error { return h.Commit(ctx, a) }
	}
	release := func(h budget.Hold) error { return h.Release(ctx) }
	tests := []struct {
		name  string
		steps []func(budget.Hold) error
		want  money.Amount
	}{
		{"commit", []func(budget.Hold) error{commit(3 * c1)}, 3 * c1},
		{"commit twice", []func(budget.Hold) error{commit(3 * c1), commit(3 * c1)}, 3 * c1},
		{"commit, commit other amount", []func(budget.Hold) error{commit(3 * c1), commit(5 * c1)}, 3 * c1},
		{"commit then release", []func(budget.Hold) error{commit(4 * c1), release}, 4 * c1},
		{"release", []func(budget.Hold) error{release}, 0},
		{"release twice", []func(budget.Hold) error{release, release}, 0},
		{"release then commit", []func(budget.Hold) error{release, commit(4 * c1)}, 0},
		{"commit zero", []func(budget.Hold) error{commit(0), commit(5 * c1)}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := newKey(t, s, store.KeyBudget{Total: 10 * c1})
			h := reserve(t, s, k.ID, 5*c1)
			for i, step := range tc.steps {
				if err := step(h); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			if sp := spent(t, s, k.ID); sp.Total != tc.want || sp.Held != 0 {
				t.Fatalf("Spent = %+v, want %s spent and nothing held", sp, tc.want)
			}
		})
	}

	t.Run("concurrent retries", func(t *testing.T) {
		k := newKey(t, s, store.KeyBudget{Total: 10 * c1})
		h := reserve(t, s, k.ID, 5*c1)
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				var err error
				if i%4 == 3 {
					err = h.Release(ctx)
				} else {
					err = h.Commit(ctx, 2*c1)
				}
				if err != nil {
					t.Errorf("settle %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		sp := spent(t, s, k.ID)
		if sp.Held != 0 || (sp.Total != 0 && sp.Total != 2*c1) {
			t.Fatalf("Spent = %+v, want nothing held and 0 or 2¢ spent once", sp)
		}
	})
}

func testOverrun(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	k := newKey(t, s, store.KeyBudget{Total: 10 * c1})
	h := reserve(t, s, k.ID, 5*c1)
	err := h.Commit(ctx, 12*c1)
	if err == nil || !strings.Contains(err.Error(), "bound") {
		t.Fatalf("Commit above the hold = %v, want an error about the broken bound", err)
	}
	if errors.Is(err, budget.ErrExceeded) {
		t.Errorf("an overrun is not a refusal, but the error wraps budget.ErrExceeded: %v", err)
	}
	if err := h.Commit(ctx, 12*c1); err != nil {
		t.Errorf("retried commit after an overrun: %v", err)
	}
	if sp := spent(t, s, k.ID); sp.Total != 12*c1 || sp.Held != 0 {
		t.Fatalf("Spent = %+v, want the full 12¢ charged once", sp)
	}
	wantExceeded(t, s, k.ID, 1)
}

func testReserveErrors(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	k := newKey(t, s, store.KeyBudget{Total: 10 * c1})
	tests := []struct {
		name   string
		key    string
		amount money.Amount
		want   error // nil: any error but ErrExceeded
	}{
		{"negative", k.ID, -1, nil},
		{"absurd", k.ID, 1 << 62, nil},
		{"unknown key", "key_missing", 1, store.ErrNotFound},
	}
	for _, tc := range tests {
		_, err := s.Account(tc.key).Reserve(ctx, tc.amount)
		switch {
		case err == nil:
			t.Errorf("%s: Reserve succeeded", tc.name)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: Reserve = %v, want %v", tc.name, err, tc.want)
		case tc.want == nil && errors.Is(err, budget.ErrExceeded):
			t.Errorf("%s: Reserve = %v, want a plain error", tc.name, err)
		}
	}
	h := reserve(t, s, k.ID, 0)
	if err := h.Commit(ctx, -1); err == nil {
		t.Error("Commit of a negative cost succeeded")
	}
	if err := h.Commit(ctx, 0); err != nil {
		t.Errorf("Commit(0): %v", err)
	}
	if sp := spent(t, s, k.ID); sp != (store.Spending{}) {
		t.Errorf("Spent = %+v, want nothing", sp)
	}
}

// testOverage: through a budget.Guard, a call billed beyond its
// reservation is charged its reservation only; the excess is recorded as
// overage on the key, which is then refused every reservation until its
// budget is set again. An upstream that over-bills can therefore never
// drive the key's spending past its budget.
func testOverage(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	k := newKey(t, s, store.KeyBudget{Total: 10 * c1})
	g := budget.Guard{Account: s.Account(k.ID)}
	r, err := g.Reserve(ctx, 5*c1)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Commit(ctx, 1600*c1) // billed $16 on a 5¢ bound
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if out.Charged != 5*c1 || out.Overage != 1595*c1 {
		t.Fatalf("outcome %+v, want 5¢ charged and $15.95 overage", out)
	}
	sp := spent(t, s, k.ID)
	if sp.Total != 5*c1 || sp.Held != 0 || sp.Overage != 1595*c1 || sp.OpenOverage != 1595*c1 {
		t.Fatalf("Spent = %+v, want 5¢ spent and $15.95 of open overage", sp)
	}
	_, err = s.Account(k.ID).Reserve(ctx, 1)
	if !errors.Is(err, budget.ErrExceeded) || !strings.Contains(err.Error(), "set-budget") {
		t.Fatalf("Reserve on a frozen key = %v, want budget.ErrExceeded telling the operator what to do", err)
	}
	// Setting the budget (here: the same one) is the acknowledgement.
	if err := s.SetBudget(ctx, k.ID, store.KeyBudget{Total: 10 * c1}); err != nil {
		t.Fatal(err)
	}
	if sp := spent(t, s, k.ID); sp.Overage != 1595*c1 || sp.OpenOverage != 0 || sp.Total != 5*c1 {
		t.Fatalf("after set-budget Spent = %+v, want the overage kept and none open", sp)
	}
	h := reserve(t, s, k.ID, 5*c1)
	_ = h.Release(ctx)
	wantExceeded(t, s, k.ID, 5*c1+1)

	rec, ok := s.Account(k.ID).(budget.OverageRecorder)
	if !ok {
		t.Fatal("the store's account does not record overage")
	}
	for _, bad := range []money.Amount{0, -1, 1 << 62} {
		if err := rec.RecordOverage(ctx, bad); err == nil {
			t.Errorf("RecordOverage(%d) succeeded", bad)
		}
	}
	if err := s.Account("key_missing").(budget.OverageRecorder).RecordOverage(ctx, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RecordOverage on a missing key = %v, want ErrNotFound", err)
	}
}

// testOverbillingNeverPassesBudget: many concurrent calls, each bounded at
// 1¢ and billed $1 by the upstream, on a key with a 10¢ budget: the key
// never spends more than 10¢, whatever the interleaving.
func testOverbillingNeverPassesBudget(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	k := newKey(t, s, store.KeyBudget{Total: 10 * c1})
	g := budget.Guard{Account: s.Account(k.ID)}
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := g.Reserve(ctx, c1)
			if err != nil {
				return
			}
			_, _ = r.Commit(ctx, 100*c1)
		}()
	}
	wg.Wait()
	sp := spent(t, s, k.ID)
	if sp.Total > 10*c1 || sp.Held != 0 {
		t.Fatalf("Spent = %+v on a 10¢ budget", sp)
	}
	if sp.Overage == 0 || sp.Overage%(99*c1) != 0 {
		t.Fatalf("overage %s, want a multiple of 99¢", sp.Overage)
	}
}
