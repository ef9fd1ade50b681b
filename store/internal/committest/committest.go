package committest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// Run checks CommitRun on the holds of the stores open returns (a fresh,
// empty store per call).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	const held = 100 * money.Microdollar
	tests := []struct {
		name string
		// before runs on the fresh hold and store, before CommitRun.
		before  func(t *testing.T, s store.Store, h budget.Hold)
		actual  money.Amount
		runID   string
		wantErr string // "" for success
		// Spent total and held after CommitRun.
		wantTotal, wantHeld money.Amount
		wantRun             bool
	}{
		{name: "commits and records", actual: 40 * money.Microdollar, runID: "run-a",
			wantTotal: 40 * money.Microdollar, wantRun: true},
		{name: "overrun is charged in full and recorded", actual: 150 * money.Microdollar, runID: "run-b",
			wantErr: "exceeded the reserved bound", wantTotal: 150 * money.Microdollar, wantRun: true},
		{name: "duplicate run id keeps the commit", actual: 40 * money.Microdollar, runID: "run-c",
			before: func(t *testing.T, s store.Store, _ budget.Hold) {
				if err := s.CreateRun(context.Background(), store.Run{ID: "run-c"}); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "already exists", wantTotal: 40 * money.Microdollar, wantRun: true},
		{name: "settled hold is not charged twice", actual: 40 * money.Microdollar, runID: "run-d",
			before: func(t *testing.T, _ store.Store, h budget.Hold) {
				if err := h.Commit(context.Background(), 30*money.Microdollar); err != nil {
					t.Fatal(err)
				}
			},
			wantTotal: 30 * money.Microdollar, wantRun: true},
		{name: "invalid run changes nothing", actual: 40 * money.Microdollar, runID: "",
			wantErr: "run id", wantHeld: held},
		{name: "invalid amount changes nothing", actual: -1, runID: "run-f",
			wantErr: "negative", wantHeld: held},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			k, _, err := s.CreateKey(ctx, store.NewKey{Name: "commit-run"})
			if err != nil {
				t.Fatal(err)
			}
			h, err := s.Account(k.ID).Reserve(ctx, held)
			if err != nil {
				t.Fatal(err)
			}
			rc, ok := h.(store.RunCommitter)
			if !ok {
				t.Fatalf("hold %T does not implement store.RunCommitter", h)
			}
			if tc.before != nil {
				tc.before(t, s, h)
			}
			ep := &episode.Episode{RunID: tc.runID, Status: episode.StatusAnswered, Answer: "42", Cost: tc.actual}
			err = rc.CommitRun(ctx, tc.actual, store.Run{ID: tc.runID, KeyID: k.ID, Status: string(ep.Status), Episode: ep})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("CommitRun: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("CommitRun: %v; want an error containing %q", err, tc.wantErr)
			}
			sp, err := s.Spent(ctx, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sp.Total != tc.wantTotal || sp.Held != tc.wantHeld {
				t.Errorf("Spent = %+v; want total %s, held %s", sp, tc.wantTotal, tc.wantHeld)
			}
			if tc.runID == "" {
				return
			}
			run, err := s.GetRun(ctx, tc.runID)
			if !tc.wantRun {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("GetRun = %+v, %v; want not found", run, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetRun: %v", err)
			}
			if tc.before == nil && (run.Status != "answered" || run.KeyID != k.ID || run.Episode == nil || run.Episode.Answer != "42") {
				t.Errorf("run = %+v; want the answered episode of key %s", run, k.ID)
			}
		})
	}
}
