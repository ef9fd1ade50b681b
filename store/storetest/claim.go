package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/store"
)

// runClaimUnjudged: the answered runs without feedback of a replica that
// died are claimed by the next, each by exactly one replica, oldest first;
// runs with feedback, runs not answered, runs older than the window and a
// live replica's own runs are never claimed.
func runClaimUnjudged(t *testing.T, newURL func(t *testing.T) string, open URLOpener, exclusive bool) {
	t.Run("ClaimUnjudged", func(t *testing.T) {
		ctx := context.Background()
		url := newURL(t)
		dead, err := open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		add := func(s store.Store, id string, created time.Time, status episode.Status) {
			t.Helper()
			if err := s.CreateRun(ctx, store.Run{ID: id, Task: sampleTask(), Created: created, Updated: created}); err != nil {
				t.Fatalf("CreateRun %s: %v", id, err)
			}
			if err := s.FinishRun(ctx, id, &episode.Episode{RunID: id, Status: status, Answer: "4"}); err != nil {
				t.Fatalf("FinishRun %s: %v", id, err)
			}
		}
		var want []string
		for i := range 3 {
			id := fmt.Sprintf("answered-%d", i)
			add(dead, id, now.Add(time.Duration(i-10)*time.Minute), episode.StatusAnswered)
			want = append(want, id)
		}
		add(dead, "judged", now.Add(-9*time.Minute), episode.StatusAnswered)
		if _, _, err := dead.SetFeedback(ctx, store.Feedback{RunID: "judged", Score: 1}); err != nil {
			t.Fatal(err)
		}
		add(dead, "failed", now.Add(-9*time.Minute), episode.StatusFailed)
		add(dead, "too-old", now.Add(-48*time.Hour), episode.StatusAnswered)
		if ids, err := dead.ClaimUnjudged(ctx, now.Add(-24*time.Hour), 10); err != nil || len(ids) != 0 {
			t.Fatalf("a live replica claimed its own runs: %v %v", ids, err)
		}
		if err := dead.Close(); err != nil {
			t.Fatal(err)
		}
		if !exclusive {
			// Its heartbeat must expire before it counts as dead.
			sweepLater(t, url, open)
		}
		since := now.Add(-24 * time.Hour)
		if exclusive {
			a, err := open(ctx, url) // opening proves the last owner dead
			if err != nil {
				t.Fatal(err)
			}
			first, err := a.ClaimUnjudged(ctx, since, 2)
			if err != nil || !slices.Equal(first, want[:2]) {
				t.Fatalf("first claim = %v, %v; want the oldest two of %v", first, err, want)
			}
			rest, err := a.ClaimUnjudged(ctx, since, 10)
			if err != nil || !slices.Equal(rest, want[2:]) {
				t.Fatalf("second claim = %v, %v; want %v", rest, err, want[2:])
			}
			if again, err := a.ClaimUnjudged(ctx, since, 10); err != nil || len(again) != 0 {
				t.Fatalf("claimed again while alive: %v, %v", again, err)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			// a closed without judging them: the next owner claims them.
			b, err := open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if got, err := b.ClaimUnjudged(ctx, since, 10); err != nil || !slices.Equal(got, want) {
				t.Fatalf("claim after the claimer died = %v, %v; want %v", got, err, want)
			}
			return
		}
		// Live replicas racing: every run claimed exactly once.
		var (
			mu  sync.Mutex
			got []string
			wg  sync.WaitGroup
		)
		for range 4 {
			r, err := open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids, err := r.ClaimUnjudged(ctx, since, 10)
				if err != nil {
					t.Errorf("ClaimUnjudged: %v", err)
				}
				mu.Lock()
				got = append(got, ids...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("claimed %v across racing replicas; want each of %v exactly once", got, want)
		}
	})
}
