package storetest

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

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
	if err != nil || got.Score != 0.25 || got.Text != "close, wrong unit ✓" || !got.Created.Equal(first) {
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
	} {
		if _, _, err := s.SetFeedback(ctx, bad); !errors.Is(err, store.ErrInvalidFeedback) {
			t.Errorf("SetFeedback(%v, %d bytes) = %v, want ErrInvalidFeedback", bad.Score, len(bad.Text), err)
		}
	}
	if _, err := s.GetFeedback(ctx, "run-b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("rejected feedback was stored: %v", err)
	}
	all, err := s.ListFeedback(ctx, "", 0)
	if err != nil || len(all) != 2 || all[0].RunID != "run-a" || all[1].RunID != "run-c" || all[1].Score != 0 {
		t.Fatalf("ListFeedback = %+v, %v", all, err)
	}
	page, err := s.ListFeedback(ctx, "run-a", 1)
	if err != nil || len(page) != 1 || page[0].RunID != "run-c" {
		t.Fatalf("ListFeedback(after run-a, 1) = %+v, %v", page, err)
	}
}
