package toolscale

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/chat/openai"
)

func TestLLMGeneratorThroughOpenAIServer(t *testing.T) {
	const seed = 5
	bp := blueprints["movie"]
	db := bp.populate(bp.spec(), rand.New(rand.NewSource(domainSeed(seed, "movie"))))
	confirmed := firstWith(db, "bookings", "status", "confirmed")
	completed := firstWith(db, "bookings", "status", "completed")
	b, _ := db.Get("bookings", confirmed)
	cust, _ := db.Get("customers", b["customer_id"].(string))
	act := func(name string, args map[string]any) map[string]any {
		return map[string]any{"name": name, "arguments": args}
	}
	tasks := []map[string]any{
		{"reason_for_call": "Cancel my booking.", "known_info": "Email " + cust["email"].(string), "task_instructions": "Ask when you booked.",
			"actions": []any{
				act("find_customer_by_email", map[string]any{"email": cust["email"]}),
				act("get_booking_details", map[string]any{"booking_id": confirmed}),
				act("cancel_booking", map[string]any{"booking_id": confirmed}),
			},
			"communicate_info": []string{b["booked_on"].(string)}, "nl_assertions": []string{"Agent cancels the booking."}},
		{"reason_for_call": "Fly me to the moon.", "actions": []any{act("book_rocket", map[string]any{})}},
		{"reason_for_call": "Book seats.", "actions": []any{act("book_tickets", map[string]any{"customer_id": "M0001", "showtime_id": "S0001", "seats": "many", "seat_row": "A"})}},
		{"reason_for_call": "Cancel an old booking.", "actions": []any{act("cancel_booking", map[string]any{"booking_id": completed})}},
	}
	body, _ := json.Marshal(map[string]any{"tasks": tasks})
	srv := chattest.New(chattest.Reply{Content: "Here you go:\n```json\n" + string(body) + "\n```"})
	defer srv.Close()
	client := openai.New(openai.Options{BaseURL: srv.BaseURL(), MaxRetries: -1})

	out := t.TempDir()
	rep, err := Generate(context.Background(), Options{Domains: []string{"movie"}, Seed: seed, TasksPerDomain: 2, LLM: client, Model: "writer-1", LLMTasksPerDomain: 4, OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	dr := rep.Domains[0]
	if dr.LLM != 1 || dr.Dropped[DropInvalid] != 2 || dr.Dropped[DropFailed] != 1 {
		t.Fatalf("llm=%d dropped=%v, want 1 kept, 2 invalid, 1 failed", dr.LLM, dr.Dropped)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	raw := string(reqs[0].Raw)
	for _, want := range []string{`"model":"writer-1"`, "cancel_booking", confirmed, "Write 4 tasks"} {
		if !strings.Contains(raw, want) {
			t.Errorf("request lacks %q", want)
		}
	}
	written := readTasks(t, filepath.Join(out, "movie"))
	last := written[len(written)-1]
	if last.ID != "llm0" || last.EvaluationCriteria.Actions[2].Name != "cancel_booking" {
		t.Fatalf("last task = %s %+v, want llm0 ending in cancel_booking", last.ID, last.EvaluationCriteria.Actions)
	}
	splits, _ := os.ReadFile(filepath.Join(out, "movie", FileSplits))
	if !strings.Contains(string(splits), `"llm0"`) {
		t.Fatalf("split_tasks.json lacks llm0: %s", splits)
	}
}

func TestLLMGeneratorUpstreamError(t *testing.T) {
	srv := chattest.New(chattest.Reply{Status: 500, Raw: `{"error":{"message":"boom"}}`})
	defer srv.Close()
	client := openai.New(openai.Options{BaseURL: srv.BaseURL(), MaxRetries: -1})
	_, err := Generate(context.Background(), Options{Domains: []string{"weather"}, TasksPerDomain: 1, LLM: client, Model: "m", OutDir: t.TempDir()})
	if !errors.Is(err, chat.ErrUpstream) {
		t.Fatalf("err = %v, want chat.ErrUpstream", err)
	}
}

func TestLLMWithoutModelIsAnError(t *testing.T) {
	srv := chattest.New()
	defer srv.Close()
	_, err := Generate(context.Background(), Options{LLM: openai.New(openai.Options{BaseURL: srv.BaseURL()}), OutDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "Options.Model is empty") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseLLMTasks(t *testing.T) {
	spec := blueprints["weather"].spec()
	good := `{"reason_for_call":"r","actions":[{"name":"get_station_details","arguments":{"station_id":"WS0001"}}]}`
	cases := []struct {
		name          string
		reply         string
		tasks, bad    int
		wantErr       string
		wantBadSubstr string
	}{
		{"object", `{"tasks":[` + good + `]}`, 1, 0, "", ""},
		{"bare array in prose", "Sure! [" + good + "] Hope it helps.", 1, 0, "", ""},
		{"fenced", "```json\n{\"tasks\":[" + good + "]}\n```", 1, 0, "", ""},
		{"no json", "I cannot help with that.", 0, 0, "no JSON", ""},
		{"no tasks key", `{"items":[]}`, 0, 0, `no "tasks" array`, ""},
		{"truncated", `{"tasks":[` + good, 0, 0, "not a task list", ""},
		{"unknown tool", `{"tasks":[{"reason_for_call":"r","actions":[{"name":"nope","arguments":{}}]}]}`, 0, 1, "", `unknown tool "nope"`},
		{"no actions", `{"tasks":[{"reason_for_call":"r","actions":[]}]}`, 0, 1, "", "no actions"},
		{"no scenario", `{"tasks":[{"actions":[{"name":"get_station_details","arguments":{"station_id":"WS0001"}}]}]}`, 0, 1, "", "no reason_for_call"},
		{"bad args", `{"tasks":[{"reason_for_call":"r","actions":[{"name":"get_station_details","arguments":{"station":"WS0001"}}]}]}`, 0, 1, "", "missing required argument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tasks, bad, err := ParseLLMTasks(c.reply, spec)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tasks) != c.tasks || len(bad) != c.bad {
				t.Fatalf("got %d tasks, %d bad (%v); want %d, %d", len(tasks), len(bad), bad, c.tasks, c.bad)
			}
			if c.wantBadSubstr != "" && !strings.Contains(bad[0].Error(), c.wantBadSubstr) {
				t.Fatalf("bad[0] = %v, want %q", bad[0], c.wantBadSubstr)
			}
		})
	}
}
