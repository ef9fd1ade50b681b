package storetest

import (
	"context"
	"testing"

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
