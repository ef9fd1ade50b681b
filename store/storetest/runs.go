package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

func sampleTask() episode.Task {
	return episode.Task{
		ID:          "task-1",
		Prompt:      "What is 2+2? ünïcode ✓",
		Preferences: episode.Preferences{Accuracy: 1, Cost: 0.5, Tools: map[string]float64{"math": 2}},
		Budget:      episode.Budget{MaxCost: 3 * c1, MaxTime: time.Minute, MaxTurns: 5},
		Tools:       []string{"math", "search"},
	}
}

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s = %s\nwant %s", what, g, w)
	}
}

func testRuns(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	created := c.Now()
	r := store.Run{ID: "run-1", KeyID: "key_x", Task: sampleTask()}
	if err := s.CreateRun(ctx, r); err != nil {
		t.Fatalf("CreateRun: %v", err)
	}
	got, err := s.GetRun(ctx, "run-1")
	if err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	if got.ID != "run-1" || got.KeyID != "key_x" || got.Status != "running" || got.Episode != nil ||
		!got.Created.Equal(created) || !got.Updated.Equal(created) {
		t.Errorf("GetRun = %+v", got)
	}
	if !reflect.DeepEqual(got.Task, r.Task) {
		t.Errorf("task round trip: got %+v, want %+v", got.Task, r.Task)
	}
	if err := s.CreateRun(ctx, r); err == nil {
		t.Error("creating run-1 twice succeeded")
	}

	c.Add(3 * time.Second)
	ep := &episode.Episode{
		RunID:  "run-1",
		Task:   r.Task,
		Answer: "4",
		Status: episode.StatusAnswered,
		Cost:   2 * c1,
		Steps: []episode.Step{
			{Turn: 1, Action: episode.Action{Tool: "math", Args: json.RawMessage(`{"expr": "2+2"}`)}, Cost: c1, Latency: time.Millisecond},
			{Turn: 2, Action: episode.Action{Final: true, Answer: "4"}, Cost: c1},
		},
		Latency: 3 * time.Second,
	}
	if err := s.FinishRun(ctx, "run-1", ep); err != nil {
		t.Fatalf("FinishRun: %v", err)
	}
	got, err = s.GetRun(ctx, "run-1")
	if err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	if got.Status != "answered" || !got.Updated.Equal(c.Now()) || !got.Created.Equal(created) || got.Episode == nil {
		t.Fatalf("finished run = %+v", got)
	}
	sameJSON(t, "episode round trip", got.Episode, ep)

	tests := []struct {
		name string
		err  error
		want error // nil: any error
	}{
		{"GetRun unknown", func() error { _, err := s.GetRun(ctx, "nope"); return err }(), store.ErrNotFound},
		{"FinishRun unknown", s.FinishRun(ctx, "nope", ep), store.ErrNotFound},
		{"FinishRun nil episode", s.FinishRun(ctx, "run-1", nil), nil},
		{"FinishRun no status", s.FinishRun(ctx, "run-1", &episode.Episode{}), nil},
		{"CreateRun no id", s.CreateRun(ctx, store.Run{Task: sampleTask()}), nil},
	}
	for _, tc := range tests {
		if tc.err == nil || (tc.want != nil && !errors.Is(tc.err, tc.want)) {
			t.Errorf("%s = %v, want an error (%v)", tc.name, tc.err, tc.want)
		}
	}
	if got, _ := s.GetRun(ctx, "run-1"); got.Status != "answered" {
		t.Errorf("a refused FinishRun changed the run's status to %q", got.Status)
	}
}

func testEvents(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	for _, id := range []string{"run-a", "run-b"} {
		if err := s.CreateRun(ctx, store.Run{ID: id, Task: sampleTask()}); err != nil {
			t.Fatalf("CreateRun: %v", err)
		}
	}
	at := c.Now()
	ev := func(seq int, typ episode.EventType) episode.Event {
		return episode.Event{Seq: seq, Type: typ, Time: at.Add(time.Duration(seq) * time.Millisecond), Turn: 1,
			Tool: "math", Args: json.RawMessage(`{"expr":"2+2"}`), Content: "c" + string(rune('0'+seq)),
			Cost: money.Amount(seq), Spent: money.Amount(10 * seq), Latency: time.Duration(seq)}
	}
	order := []int{1, 2, 3, 5, 4}
	var want []episode.Event
	for _, seq := range []int{1, 2, 3, 4, 5} {
		e := ev(seq, episode.EventCall)
		e.RunID = "run-a"
		want = append(want, e)
	}
	for _, seq := range order {
		if err := s.AppendEvent(ctx, "run-a", ev(seq, episode.EventCall)); err != nil {
			t.Fatalf("AppendEvent(%d): %v", seq, err)
		}
	}
	dup := ev(3, episode.EventEnd)
	dup.Content = "replaced?"
	if err := s.AppendEvent(ctx, "run-a", dup); err != nil {
		t.Fatalf("appending seq 3 again: %v", err)
	}
	if err := s.AppendEvent(ctx, "run-b", ev(1, episode.EventStart)); err != nil {
		t.Fatalf("AppendEvent(run-b): %v", err)
	}

	tests := []struct {
		name  string
		run   string
		after int
		want  []episode.Event
	}{
		{"all", "run-a", 0, want},
		{"after 3", "run-a", 3, want[3:]},
		{"after last", "run-a", 5, nil},
		{"after beyond", "run-a", 99, nil},
		{"negative after", "run-a", -7, want},
	}
	for _, tc := range tests {
		got, err := s.Events(ctx, tc.run, tc.after)
		if err != nil {
			t.Fatalf("%s: Events: %v", tc.name, err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %d events, want %d", tc.name, len(got), len(tc.want))
		}
		for i := range got {
			if !sameEvent(got[i], tc.want[i]) {
				t.Errorf("%s: event %d = %+v\nwant %+v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
	if got, _ := s.Events(ctx, "run-b", 0); len(got) != 1 || got[0].RunID != "run-b" || got[0].Type != episode.EventStart {
		t.Errorf("run-b events = %+v", got)
	}

	errs := []struct {
		name string
		err  error
		want error
	}{
		{"Events of an unknown run", func() error { _, err := s.Events(ctx, "nope", 0); return err }(), store.ErrNotFound},
		{"AppendEvent to an unknown run", s.AppendEvent(ctx, "nope", ev(1, episode.EventStart)), store.ErrNotFound},
		{"AppendEvent seq 0", s.AppendEvent(ctx, "run-a", ev(0, episode.EventStart)), nil},
		{"AppendEvent no run id", s.AppendEvent(ctx, "", ev(1, episode.EventStart)), nil},
	}
	for _, tc := range errs {
		if tc.err == nil || (tc.want != nil && !errors.Is(tc.err, tc.want)) {
			t.Errorf("%s = %v, want an error (%v)", tc.name, tc.err, tc.want)
		}
	}
}

func sameEvent(a, b episode.Event) bool {
	return a.Seq == b.Seq && a.RunID == b.RunID && a.Type == b.Type && a.Time.Equal(b.Time) && a.Turn == b.Turn &&
		a.Tool == b.Tool && string(a.Args) == string(b.Args) && a.Content == b.Content && a.IsError == b.IsError &&
		a.Cost == b.Cost && a.Spent == b.Spent && a.Latency == b.Latency && a.Status == b.Status
}

// testReplicas: a serving store has a replica ID; its own holds and runs
// are never swept, whatever the TTL asked for and however far its clock
// runs; a heartbeat keeps it registered.
func testReplicas(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	if s.Replica() == "" {
		t.Fatal("a serving store has no replica ID")
	}
	k := newKey(t, s, store.KeyBudget{Total: 100 * c1})
	h := reserve(t, s, k.ID, 10*c1)
	if err := s.CreateRun(ctx, store.Run{ID: "mine", Task: sampleTask()}); err != nil {
		t.Fatalf("CreateRun: %v", err)
	}
	c.Add(time.Hour) // our own heartbeat is an hour old
	for _, ttl := range []time.Duration{0, time.Millisecond, time.Minute} {
		st, err := s.Sweep(ctx, ttl)
		if err != nil || st.Holds != 0 || st.Runs != 0 {
			t.Fatalf("Sweep(%s) = %+v, %v; want our own holds and runs spared", ttl, st, err)
		}
	}
	if sp := spent(t, s, k.ID); sp.Held != 10*c1 || sp.Total != 0 {
		t.Fatalf("Spent = %+v, want the live hold still held", sp)
	}
	if r, err := s.GetRun(ctx, "mine"); err != nil || r.Status != "running" {
		t.Fatalf("run: %+v, %v; want running", r, err)
	}
	if err := s.Heartbeat(ctx); err != nil {
		t.Fatalf("Heartbeat: %v", err)
	}
	if err := h.Commit(ctx, 4*c1); err != nil {
		t.Fatal(err)
	}
	if sp := spent(t, s, k.ID); sp.Held != 0 || sp.Total != 4*c1 {
		t.Fatalf("Spent = %+v", sp)
	}
}
