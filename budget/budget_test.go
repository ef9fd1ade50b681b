package budget_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
)

func TestMeter(t *testing.T) {
	ctx := context.Background()
	m := budget.NewMeter(100)
	h1, err := m.Reserve(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Reserve(ctx, 50); !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("second hold fit although 60+50 > 100: %v", err)
	}
	if err := h1.Commit(ctx, 30); err != nil {
		t.Fatal(err)
	}
	_ = h1.Commit(ctx, 30) // a retried commit is billed once
	if m.Spent() != 30 || m.Held() != 0 {
		t.Fatalf("spent %d held %d", m.Spent(), m.Held())
	}
	h2, err := m.Reserve(ctx, 70)
	if err != nil {
		t.Fatal(err)
	}
	_ = h2.Release(ctx)
	_ = h2.Commit(ctx, 70) // after release, a commit is a no-op
	if m.Spent() != 30 {
		t.Fatalf("spent %d after release", m.Spent())
	}
	h3, _ := m.Reserve(ctx, 10)
	if err := h3.Commit(ctx, 20); err == nil || m.Overruns() != 1 || m.Spent() != 50 {
		t.Fatalf("overrun not reported: %v, overruns %d spent %d", err, m.Overruns(), m.Spent())
	}
}

func TestMultiIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	run, key := budget.NewMeter(100), budget.NewMeter(10)
	if _, err := (budget.Multi{run, key}).Reserve(ctx, 20); !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("err = %v", err)
	}
	if run.Held() != 0 {
		t.Fatalf("run meter still holds %d after the key refused", run.Held())
	}
}

func TestMeterConcurrent(t *testing.T) {
	ctx := context.Background()
	const limit = money.Amount(1000)
	m := budget.NewMeter(limit)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				h, err := m.Reserve(ctx, money.Amount(1+(g+i)%7))
				if err != nil {
					continue
				}
				_ = h.Commit(ctx, money.Amount((g+i)%7))
			}
		}(g)
	}
	wg.Wait()
	if m.Spent() > limit || m.Held() != 0 {
		t.Fatalf("spent %d (limit %d), held %d", m.Spent(), limit, m.Held())
	}
}
