package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// BenchmarkReserveCommit measures one reservation and its commit on one
// key, from b.RunParallel's goroutines, on a store s that the caller opened.
func BenchmarkReserveCommit(b *testing.B, s store.Store) {
	ctx := context.Background()
	k, _, err := s.CreateKey(ctx, store.NewKey{Name: "bench", Budget: store.KeyBudget{Total: 1000 * money.Dollar}})
	if err != nil {
		b.Fatal(err)
	}
	a := s.Account(k.ID)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h, err := a.Reserve(ctx, money.Microdollar)
			if err != nil {
				b.Error(err)
				return
			}
			if err := h.Commit(ctx, money.Microdollar); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLeasedReserveCommit is [BenchmarkReserveCommit] through a
// budget.Leased account: the store sees one reservation and one commit per
// lease (here of 1,000 calls) instead of per call.
func BenchmarkLeasedReserveCommit(b *testing.B, s store.Store) {
	ctx := context.Background()
	k, _, err := s.CreateKey(ctx, store.NewKey{Name: "bench", Budget: store.KeyBudget{Total: 1000 * money.Dollar}})
	if err != nil {
		b.Fatal(err)
	}
	a := budget.NewLeased(s.Account(k.ID), 1000*money.Microdollar, 200*time.Millisecond, nil)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h, err := a.Reserve(ctx, money.Microdollar)
			if err != nil {
				b.Error(err)
				return
			}
			if err := h.Commit(ctx, money.Microdollar); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	_ = a.Close()
	sp, err := s.Spent(ctx, k.ID)
	if err != nil {
		b.Fatal(err)
	}
	if sp.Held != 0 || sp.Total != money.Microdollar.Scale(int64(b.N)) {
		b.Fatalf("after %d calls: %+v, want exactly %d µ$ spent", b.N, sp, b.N)
	}
}
