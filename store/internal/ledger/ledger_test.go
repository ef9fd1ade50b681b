package ledger

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

func TestNewSecret(t *testing.T) {
	secret, display, hash, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if !PlausibleSecret(secret) || !strings.HasPrefix(secret, display) || hash != HashSecret(secret) ||
		strings.Contains(hash, secret[3:]) || len(hash) != 64 {
		t.Fatalf("secret %q display %q hash %q", secret, display, hash)
	}
	other, _, _, _ := NewSecret()
	if other == secret {
		t.Fatal("two secrets are equal")
	}
}

func TestCheck(t *testing.T) {
	b := store.KeyBudget{PerDay: 10, PerMonth: 20, Total: 30}
	tests := []struct {
		name   string
		s      store.Spending
		amount money.Amount
		want   string // "" fits
	}{
		{"fits", store.Spending{Day: 5, Month: 5, Total: 5}, 5, ""},
		{"day", store.Spending{Day: 5, Month: 5, Total: 5}, 6, "daily"},
		{"held counts", store.Spending{Held: 6}, 5, "daily"},
		{"month", store.Spending{Month: 15, Total: 15}, 6, "monthly"},
		{"total", store.Spending{Total: 25}, 6, "total"},
		{"overspent already", store.Spending{Total: 40}, 0, "$0 of"},
	}
	for _, tc := range tests {
		err := Check("key_x", b, tc.s, tc.amount)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if !errors.Is(err, budget.ErrExceeded) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Check = %v, want ErrExceeded mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestSpendingPeriods(t *testing.T) {
	c := Counters{Held: 1, Total: 9, Day: "2026-03-31", SpentDay: 2, Month: "2026-03", SpentMonth: 5}
	tests := []struct {
		name string
		at   time.Time
		want store.Spending
	}{
		{"same day", time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC), store.Spending{Day: 2, Month: 5, Total: 9, Held: 1}},
		{"next day, next month", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), store.Spending{Total: 9, Held: 1}},
		{"other zone, same UTC day", time.Date(2026, 4, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)).Add(-time.Minute), store.Spending{Day: 2, Month: 5, Total: 9, Held: 1}},
	}
	for _, tc := range tests {
		if got := c.Spending(tc.at); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
