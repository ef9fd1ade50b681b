package storetest

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

func testFeedback(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	for _, id := range []string{"run-b", "run-a", "run-c"} {
		if err := s.CreateRun(ctx, store.Run{ID: id, KeyID: "key_x", Task: sampleTask()}); err != nil {
			t.Fatalf("CreateRun: %v", err)
		}
	}
	if _, err := s.GetFeedback(ctx, "run-a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetFeedback before any: %v, want ErrNotFound", err)
	}
	if got, err := s.ListFeedback(ctx, "", 0); err != nil || len(got) != 0 {
		t.Fatalf("ListFeedback before any: %v %v", got, err)
	}
	first := c.Now()
	f, replaced, err := s.SetFeedback(ctx, store.Feedback{RunID: "run-a", Score: 0.25, Text: "close, wrong unit ✓"})
	if err != nil || replaced || !f.Created.Equal(first) {
		t.Fatalf("first SetFeedback = %+v replaced=%v err=%v", f, replaced, err)
	}
	got, err := s.GetFeedback(ctx, "run-a")
	if err != nil || got.Score != 0.25 || got.Text != "close, wrong unit ✓" || !got.Created.Equal(first) || got.Source != store.SourceUser || got.JudgeCost != 0 {
		t.Fatalf("GetFeedback = %+v, %v", got, err)
	}
	c.Add(time.Second)
	if _, replaced, err := s.SetFeedback(ctx, store.Feedback{RunID: "run-a", Score: 1}); err != nil || !replaced {
		t.Fatalf("second SetFeedback: replaced=%v err=%v; want replaced", replaced, err)
	}
	got, _ = s.GetFeedback(ctx, "run-a")
	if got.Score != 1 || got.Text != "" || !got.Created.Equal(c.Now()) {
		t.Fatalf("after replacing: %+v", got)
	}
	if _, _, err := s.SetFeedback(ctx, store.Feedback{RunID: "run-c", Score: 0}); err != nil {
		t.Fatalf("score 0: %v", err)
	}
	if _, _, err := s.SetFeedback(ctx, store.Feedback{RunID: "nope", Score: 1}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("feedback on an unknown run: %v, want ErrNotFound", err)
	}
	for _, bad := range []store.Feedback{
		{RunID: "run-b", Score: math.NaN()},
		{RunID: "run-b", Score: math.Inf(1)},
		{RunID: "run-b", Score: -0.01},
		{RunID: "run-b", Score: 1.0001},
		{RunID: "run-b", Score: 0.5, Text: strings.Repeat("x", store.MaxFeedbackText+1)},
		{RunID: "run-b", Score: 0.5, Text: "\xff"},
		{Score: 0.5},
		{RunID: "run-b", Score: 0.5, Source: "admin"},
		{RunID: "run-b", Score: 0.5, Source: store.SourceJudge, JudgeCost: -1},
		{RunID: "run-b", Score: 0.5, Source: store.SourceUser, JudgeCost: 1},
		{RunID: "run-b", Score: 0.5, JudgeCost: 1},
	} {
		if _, _, err := s.SetFeedback(ctx, bad); !errors.Is(err, store.ErrInvalidFeedback) {
			t.Errorf("SetFeedback(%v, %d bytes) = %v, want ErrInvalidFeedback", bad.Score, len(bad.Text), err)
		}
	}
	if _, err := s.GetFeedback(ctx, "run-b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("rejected feedback was stored: %v", err)
	}
	all, err := s.ListFeedback(ctx, "", 0)
	if err != nil || len(all) != 2 || all[0].RunID != "run-a" || all[1].RunID != "run-c" || all[1].Score != 0 || all[0].Source != store.SourceUser {
		t.Fatalf("ListFeedback = %+v, %v", all, err)
	}
	page, err := s.ListFeedback(ctx, "run-a", 1)
	if err != nil || len(page) != 1 || page[0].RunID != "run-c" {
		t.Fatalf("ListFeedback(after run-a, 1) = %+v, %v", page, err)
	}
}

func testJudgeFeedback(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	for _, id := range []string{"run-j", "run-u", "run-race"} {
		if err := s.CreateRun(ctx, store.Run{ID: id, KeyID: "key_x", Task: sampleTask()}); err != nil {
			t.Fatalf("CreateRun: %v", err)
		}
	}
	cost := 1234 * money.Nanodollar

	// A judge's feedback on a run without any is stored, with its cost.
	f, replaced, err := s.SetFeedback(ctx, store.Feedback{RunID: "run-j", Score: 0.5, Source: store.SourceJudge, JudgeCost: cost})
	if err != nil || replaced || f.Source != store.SourceJudge || f.JudgeCost != cost || f.Score != 0.5 {
		t.Fatalf("judge on a fresh run = %+v replaced=%v err=%v", f, replaced, err)
	}
	if got, err := s.GetFeedback(ctx, "run-j"); err != nil || got.Source != store.SourceJudge || got.JudgeCost != cost || got.Score != 0.5 {
		t.Fatalf("GetFeedback after a judge = %+v, %v", got, err)
	}
	// A second judgment does not replace the first; its cost adds up.
	f, replaced, err = s.SetFeedback(ctx, store.Feedback{RunID: "run-j", Score: 1, Source: store.SourceJudge, JudgeCost: cost})
	if !errors.Is(err, store.ErrFeedbackExists) || replaced || f.Score != 0.5 || f.JudgeCost != 2*cost {
		t.Fatalf("second judge = %+v replaced=%v err=%v; want ErrFeedbackExists and the first kept", f, replaced, err)
	}
	// A user's feedback replaces the judge's and keeps what judging cost.
	c.Add(time.Second)
	f, replaced, err = s.SetFeedback(ctx, store.Feedback{RunID: "run-j", Score: 0, Text: "wrong"})
	if err != nil || !replaced || f.Source != store.SourceUser || f.JudgeCost != 2*cost {
		t.Fatalf("user after judge = %+v replaced=%v err=%v", f, replaced, err)
	}
	got, err := s.GetFeedback(ctx, "run-j")
	if err != nil || got.Source != store.SourceUser || got.Score != 0 || got.Text != "wrong" || got.JudgeCost != 2*cost || !got.Created.Equal(c.Now()) {
		t.Fatalf("GetFeedback after the user's = %+v, %v", got, err)
	}

	// A late judge never replaces a user's feedback.
	if _, _, err := s.SetFeedback(ctx, store.Feedback{RunID: "run-u", Score: 1, Source: store.SourceUser}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SetFeedback(ctx, store.Feedback{RunID: "run-u", Score: 0, Source: store.SourceJudge, JudgeCost: cost}); !errors.Is(err, store.ErrFeedbackExists) {
		t.Fatalf("late judge: %v, want ErrFeedbackExists", err)
	}
	if got, _ := s.GetFeedback(ctx, "run-u"); got.Source != store.SourceUser || got.Score != 1 || got.JudgeCost != cost {
		t.Fatalf("after a late judge: %+v; want the user's score with the judge's cost recorded", got)
	}
	if _, _, err := s.SetFeedback(ctx, store.Feedback{RunID: "nope", Score: 1, Source: store.SourceJudge}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("judge on an unknown run: %v, want ErrNotFound", err)
	}

	// A judge racing a user: whatever the order, the user's score stands.
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 10 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, _, err := s.SetFeedback(ctx, store.Feedback{RunID: "run-race", Score: 0.75, Source: store.SourceUser})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, _, err := s.SetFeedback(ctx, store.Feedback{RunID: "run-race", Score: float64(i) / 100, Source: store.SourceJudge, JudgeCost: money.Nanodollar})
			if errors.Is(err, store.ErrFeedbackExists) {
				err = nil
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("racing feedback: %v", err)
		}
	}
	if got, _ := s.GetFeedback(ctx, "run-race"); got.Source != store.SourceUser || got.Score != 0.75 || got.JudgeCost != 10*money.Nanodollar {
		t.Fatalf("after the race: %+v; want the user's 0.75 and 10 judgments' cost", got)
	}
	all, err := s.ListFeedback(ctx, "", 0)
	if err != nil || len(all) != 3 {
		t.Fatalf("ListFeedback = %+v, %v", all, err)
	}
	for _, f := range all {
		if f.Source != store.SourceUser && f.Source != store.SourceJudge {
			t.Errorf("listed feedback without a source: %+v", f)
		}
	}
}
