package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

func testKeyLifecycle(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	b := store.KeyBudget{PerDay: money.Dollar, PerMonth: 10 * money.Dollar, Total: 100 * money.Dollar}
	k, secret, err := s.CreateKey(ctx, store.NewKey{Name: "alice", Budget: b, RatePerMinute: 60})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	if !strings.HasPrefix(secret, "bk_") || len(secret) < 40 {
		t.Errorf("secret %q: want bk_ and at least 40 characters", secret)
	}
	if k.Prefix == "" || !strings.HasPrefix(secret, k.Prefix) || len(k.Prefix) >= len(secret)/2 {
		t.Errorf("prefix %q must be a short prefix of the secret", k.Prefix)
	}
	if k.ID == "" || k.Name != "alice" || k.Budget != b || k.RatePerMinute != 60 || k.Revoked || !k.Created.Equal(c.Now()) {
		t.Errorf("CreateKey returned %+v", k)
	}
	got, err := s.GetKey(ctx, k.ID)
	if err != nil {
		t.Fatalf("GetKey: %v", err)
	}
	if !sameKey(got, k) {
		t.Errorf("GetKey = %+v, want %+v", got, k)
	}

	c.Add(time.Second) // stored times have microsecond precision
	k2, secret2, err := s.CreateKey(ctx, store.NewKey{Name: "bob"})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	if secret2 == secret || k2.ID == k.ID {
		t.Fatal("two keys share a secret or an id")
	}
	list, err := s.ListKeys(ctx)
	if err != nil {
		t.Fatalf("ListKeys: %v", err)
	}
	if len(list) != 2 || list[0].ID != k.ID || list[1].ID != k2.ID {
		t.Fatalf("ListKeys = %+v, want alice then bob", list)
	}

	nb := store.KeyBudget{Total: 5 * money.Dollar}
	if err := s.SetBudget(ctx, k.ID, nb); err != nil {
		t.Fatalf("SetBudget: %v", err)
	}
	if got, _ := s.GetKey(ctx, k.ID); got.Budget != nb {
		t.Errorf("after SetBudget the budget is %+v, want %+v", got.Budget, nb)
	}
	if err := s.RevokeKey(ctx, k.ID); err != nil {
		t.Fatalf("RevokeKey: %v", err)
	}
	if err := s.RevokeKey(ctx, k.ID); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if got, _ := s.GetKey(ctx, k.ID); !got.Revoked {
		t.Error("GetKey after RevokeKey: not revoked")
	}
	if got, _ := s.GetKey(ctx, k2.ID); got.Revoked {
		t.Error("revoking one key revoked another")
	}

	for name, err := range map[string]error{
		"GetKey":    func() error { _, err := s.GetKey(ctx, "key_missing"); return err }(),
		"RevokeKey": s.RevokeKey(ctx, "key_missing"),
		"SetBudget": s.SetBudget(ctx, "key_missing", nb),
		"Spent":     func() error { _, err := s.Spent(ctx, "key_missing"); return err }(),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s of an unknown key = %v, want store.ErrNotFound", name, err)
		}
	}
}

func sameKey(a, b store.Key) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Prefix == b.Prefix && a.Budget == b.Budget &&
		a.RatePerMinute == b.RatePerMinute && a.Created.Equal(b.Created) && a.Revoked == b.Revoked
}

func testAuthenticate(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	k, secret, err := s.CreateKey(ctx, store.NewKey{Name: "auth"})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	other, otherSecret, err := s.CreateKey(ctx, store.NewKey{Name: "other"})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	got, err := s.Authenticate(ctx, secret)
	if err != nil || got.ID != k.ID {
		t.Fatalf("Authenticate(secret) = %+v, %v; want key %s", got, err, k.ID)
	}
	tests := []struct {
		name, secret string
	}{
		{"empty", ""},
		{"prefix only", k.Prefix},
		{"one character changed", secret[:len(secret)-1] + flip(secret[len(secret)-1])},
		{"truncated", secret[:len(secret)-1]},
		{"extended", secret + "a"},
		{"no bk_ prefix", strings.TrimPrefix(secret, "bk_")},
		{"upper case", strings.ToUpper(secret)},
		{"key id", k.ID},
	}
	for _, tc := range tests {
		if _, err := s.Authenticate(ctx, tc.secret); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: Authenticate = %v, want store.ErrNotFound", tc.name, err)
		}
	}
	if err := s.RevokeKey(ctx, k.ID); err != nil {
		t.Fatalf("RevokeKey: %v", err)
	}
	if _, err := s.Authenticate(ctx, secret); !errors.Is(err, store.ErrRevoked) {
		t.Errorf("Authenticate(revoked) = %v, want store.ErrRevoked", err)
	}
	if got, err := s.Authenticate(ctx, otherSecret); err != nil || got.ID != other.ID {
		t.Errorf("the other key no longer authenticates: %+v, %v", got, err)
	}
	if _, err := s.Account(k.ID).Reserve(ctx, 1); !errors.Is(err, store.ErrRevoked) {
		t.Errorf("Reserve on a revoked key = %v, want store.ErrRevoked", err)
	}
}

func flip(b byte) string {
	if b == 'a' {
		return "b"
	}
	return "a"
}

func testKeyValidation(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	tests := []struct {
		name string
		key  store.NewKey
	}{
		{"negative per day", store.NewKey{Name: "x", Budget: store.KeyBudget{PerDay: -1}}},
		{"negative per month", store.NewKey{Name: "x", Budget: store.KeyBudget{PerMonth: -1}}},
		{"negative total", store.NewKey{Name: "x", Budget: store.KeyBudget{Total: -1}}},
		{"negative rate", store.NewKey{Name: "x", RatePerMinute: -1}},
		{"long name", store.NewKey{Name: strings.Repeat("x", 201)}},
		{"invalid utf-8", store.NewKey{Name: "\xff"}},
	}
	for _, tc := range tests {
		if _, _, err := s.CreateKey(ctx, tc.key); err == nil {
			t.Errorf("%s: CreateKey succeeded, want an error", tc.name)
		}
	}
	k := newKey(t, s, store.KeyBudget{})
	if err := s.SetBudget(ctx, k.ID, store.KeyBudget{Total: -5}); err == nil {
		t.Error("SetBudget with a negative total succeeded")
	}
	if list, _ := s.ListKeys(ctx); len(list) != 1 {
		t.Errorf("invalid keys were stored: %d keys", len(list))
	}
}
