package toolscale

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	toolllm "github.com/batonhq/baton/tool/llm"
)

// Canned replies for a hotel domain, per step and attempt; the first
// reply of some steps is wrong on purpose.
var hotelReplies = map[string][]string{
	StepDomain: {
		`{"domain": "bank", "description": "x", "policy": "short"}`,
		"```json\n" + `{"domain": "hotel", "description": "Guests book rooms. Agents change and cancel bookings.",
 "policy": "# Hotel agent policy\n\nYou help guests with their bookings. Authenticate the guest by guest id first. A confirmed booking may be cancelled or have its number of nights changed; a cancelled booking cannot be changed or cancelled again. Confirm every change with the guest before making it."}` + "\n```",
	},
	StepSchema: {
		`{"collections": [{"name": "guests", "entity": "guest", "key": "guest_id", "id_prefix": "G", "id_width": 3, "fields": [{"name": "guest_id", "type": "string"}, {"name": "joined", "type": "date"}]}, {"name": "rooms", "entity": "room", "key": "room_id", "id_prefix": "R", "id_width": 3, "fields": [{"name": "room_id", "type": "string"}]}]}`,
		`{"collections": [
 {"name": "guests", "entity": "guest", "key": "guest_id", "id_prefix": "G", "id_width": 3, "fields": [
   {"name": "guest_id", "type": "string", "description": "Guest id."}, {"name": "name", "type": "string", "description": "Full name."},
   {"name": "tier", "type": "string", "enum": ["standard", "gold"], "description": "Loyalty tier."}]},
 {"name": "rooms", "entity": "room", "key": "room_id", "id_prefix": "R", "id_width": 3, "fields": [
   {"name": "room_id", "type": "string", "description": "Room id."}, {"name": "kind", "type": "string", "enum": ["single", "double"], "description": "Room kind."}]},
 {"name": "bookings", "entity": "booking", "key": "booking_id", "id_prefix": "B", "id_width": 3, "fields": [
   {"name": "booking_id", "type": "string", "description": "Booking id."},
   {"name": "guest_id", "type": "string", "ref": "guests", "description": "The guest."},
   {"name": "room_id", "type": "string", "ref": "rooms", "description": "The room."},
   {"name": "status", "type": "string", "enum": ["confirmed", "cancelled"], "description": "Booking status."},
   {"name": "nights", "type": "integer", "description": "Nights booked."}]}]}`,
	},
	StepDatabase: {
		`{"guests": {"G001": {"guest_id": "G001", "name": "Ada Byron", "tier": "gold"}, "G002": {"guest_id": "G002", "name": "Alan Turing", "tier": "standard"}},
 "rooms": {"R001": {"room_id": "R001", "kind": "single"}, "R002": {"room_id": "R002", "kind": "double"}},
 "bookings": {"B001": {"booking_id": "B001", "guest_id": "G999", "room_id": "R001", "status": "confirmed", "nights": 2}, "B002": {"booking_id": "B002", "guest_id": "G002", "room_id": "R002", "status": "confirmed", "nights": 3}}}`,
		`{"guests": {"G001": {"guest_id": "G001", "name": "Ada Byron", "tier": "gold"}, "G002": {"guest_id": "G002", "name": "Alan Turing", "tier": "standard"}},
 "rooms": {"R001": {"room_id": "R001", "kind": "single"}, "R002": {"room_id": "R002", "kind": "double"}},
 "bookings": {"B001": {"booking_id": "B001", "guest_id": "G001", "room_id": "R001", "status": "confirmed", "nights": 2},
   "B002": {"booking_id": "B002", "guest_id": "G002", "room_id": "R002", "status": "confirmed", "nights": 3},
   "B003": {"booking_id": "B003", "guest_id": "G001", "room_id": "R002", "status": "cancelled", "nights": 1}}}`,
	},
	StepTools: {
		`{"tools": [{"name": "get_booking", "description": "Get a booking.", "kind": "get", "collection": "bookings", "params": [{"name": "booking_id", "type": "string", "description": "Booking id."}], "key_param": "booking_id"}]}`,
		`{"tools": [
 {"name": "get_booking", "description": "Get a booking by id.", "kind": "get", "collection": "bookings", "params": [{"name": "booking_id", "type": "string", "description": "Booking id."}], "key_param": "booking_id"},
 {"name": "get_guest", "description": "Get a guest by id.", "kind": "get", "collection": "guests", "params": [{"name": "guest_id", "type": "string", "description": "Guest id."}], "key_param": "guest_id"},
 {"name": "cancel_booking", "description": "Cancel a confirmed booking.", "kind": "update", "collection": "bookings", "params": [{"name": "booking_id", "type": "string", "description": "Booking id."}], "key_param": "booking_id",
  "require": [{"field": "status", "in": ["confirmed"], "message": "Cannot cancel a {value} booking"}], "set": [{"field": "status", "value": "cancelled"}]},
 {"name": "change_nights", "description": "Change the nights of a confirmed booking.", "kind": "update", "collection": "bookings", "params": [{"name": "booking_id", "type": "string", "description": "Booking id."}, {"name": "nights", "type": "integer", "description": "New number of nights."}], "key_param": "booking_id",
  "require": [{"field": "status", "in": ["confirmed"], "message": "Cannot change a {value} booking"}], "set": [{"field": "nights", "param": "nights"}]}]}`,
	},
	StepIntents: {
		`{"intents": [{"name": "cancel", "description": "Cancel a booking.", "tools": ["get_booking", "cancel_booking"]}, {"name": "extend", "description": "Change nights.", "tools": ["get_booking", "change_nights"]}]}`,
	},
	StepTasks: {
		`{"tasks": [
 {"reason_for_call": "Cancel booking B001.", "known_info": "Guest G001, booking B001.", "task_instructions": "Confirm the cancellation.", "actions": [{"name": "get_booking", "arguments": {"booking_id": "B001"}}, {"name": "cancel_booking", "arguments": {"booking_id": "B001"}}], "communicate_info": [], "nl_assertions": ["The booking is cancelled."]},
 {"reason_for_call": "Refund.", "known_info": "B001", "task_instructions": "", "actions": [{"name": "refund_booking", "arguments": {"booking_id": "B001"}}], "communicate_info": [], "nl_assertions": []},
 {"reason_for_call": "Look at B002.", "known_info": "B002", "task_instructions": "", "actions": [{"name": "get_booking", "arguments": {"booking_id": "B002"}}], "communicate_info": [], "nl_assertions": []},
 {"reason_for_call": "Cancel B003 again.", "known_info": "B003", "task_instructions": "", "actions": [{"name": "cancel_booking", "arguments": {"booking_id": "B003"}}], "communicate_info": [], "nl_assertions": []},
 {"reason_for_call": "Cancel booking B001 quickly.", "known_info": "B001", "task_instructions": "Insist.", "actions": [{"name": "cancel_booking", "arguments": {"booking_id": "B001"}}], "communicate_info": [], "nl_assertions": []},
 {"reason_for_call": "Stay longer in B002.", "known_info": "Guest G002, booking B002.", "task_instructions": "Ask for 5 nights.", "actions": [{"name": "get_booking", "arguments": {"booking_id": "B002"}}, {"name": "change_nights", "arguments": {"booking_id": "B002", "nights": 5}}], "communicate_info": ["3"], "nl_assertions": []}]}`,
	},
	StepEvolve: {
		`{"tasks": [
 {"reason_for_call": "Cancel B001 and shorten B002.", "known_info": "G001, G002", "task_instructions": "Both changes.", "actions": [{"name": "cancel_booking", "arguments": {"booking_id": "B001"}}, {"name": "change_nights", "arguments": {"booking_id": "B002", "nights": 2}}], "communicate_info": [], "nl_assertions": []},
 {"reason_for_call": "Stay longer in B002, and check my profile.", "known_info": "G002", "task_instructions": "", "actions": [{"name": "get_guest", "arguments": {"guest_id": "G002"}}, {"name": "change_nights", "arguments": {"booking_id": "B002", "nights": 5}}], "communicate_info": [], "nl_assertions": []}]}`,
	},
}

// hotelServer answers each step with its canned replies in turn: the
// attempt is the number of user messages in the conversation.
func hotelServer(t *testing.T, replies map[string][]string) *chattest.Server {
	t.Helper()
	var mu sync.Mutex
	return chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		mu.Lock()
		defer mu.Unlock()
		msgs, _ := r.Body["messages"].([]any)
		var first string
		users := 0
		for _, m := range msgs {
			mm, _ := m.(map[string]any)
			if mm["role"] == "user" {
				users++
				if first == "" {
					first, _ = mm["content"].(string)
				}
			}
		}
		for step, rs := range replies {
			if strings.HasPrefix(first, "Step: "+step+".") {
				return chattest.Reply{Content: rs[min(users, len(rs))-1]}
			}
		}
		return chattest.Reply{Status: 400, Raw: `{"error":{"message":"no canned reply"}}`}
	})
}

func TestPipelineInventsAVerifiedDomain(t *testing.T) {
	srv := hotelServer(t, hotelReplies)
	defer srv.Close()
	out := t.TempDir()
	rep, err := Generate(context.Background(), Options{
		Invent: []string{"hotel bookings"}, OutDir: out, Model: "writer",
		LLM: toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: srv.BaseURL(), MaxRetries: -1}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Domains) != 1 {
		t.Fatalf("report %+v, want only the invented domain", rep)
	}
	d := rep.Domains[0]
	if d.Domain != "hotel" || d.Tools != 4 || d.Records != 7 {
		t.Fatalf("domain %+v", d)
	}
	attempts := map[string]int{}
	for _, s := range d.Steps {
		attempts[s.Step] = s.Attempts
	}
	want := map[string]int{StepDomain: 2, StepSchema: 2, StepDatabase: 2, StepTools: 2, StepIntents: 1, StepTasks: 1, StepEvolve: 1}
	for k, v := range want {
		if attempts[k] != v {
			t.Errorf("step %s took %d attempts, want %d (steps %+v)", k, attempts[k], v, d.Steps)
		}
	}
	// Tasks: cancel B001 and extend B002 kept; unknown tool, read-only,
	// failing, and same-final-state candidates dropped. Evolved: the
	// combined change kept, the one ending like "extend B002" dropped.
	if d.LLM != 2 || d.Evolved != 1 || d.Kept != 3 || d.Candidates != 8 {
		t.Fatalf("kept %d (llm %d, evolved %d) of %d; dropped %v; steps %+v", d.Kept, d.LLM, d.Evolved, d.Candidates, d.Dropped, d.Steps)
	}
	for reason, n := range map[DropReason]int{DropInvalid: 1, DropShape: 1, DropFailed: 1, DropDuplicateOutcome: 2} {
		if d.Dropped[reason] != n {
			t.Errorf("dropped[%s] = %d, want %d (all: %v)", reason, d.Dropped[reason], n, d.Dropped)
		}
	}
	// The written domain loads and its tasks replay through env/domain.
	e, err := OpenEnv(context.Background(), filepath.Join(out, "hotel"), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.Tasks()); n != 3 {
		t.Fatalf("env has %d tasks, want 3", n)
	}
	if _, err := os.Stat(filepath.Join(out, "hotel", FilePolicy)); err != nil {
		t.Fatal(err)
	}
}

func TestPipelineGivesUpOnAStep(t *testing.T) {
	bad := map[string][]string{StepDomain: {`{"domain": "Hotel!", "policy": ""}`, `not json`, `{"domain": "bank"}`}}
	srv := hotelServer(t, bad)
	defer srv.Close()
	_, err := Generate(context.Background(), Options{
		Invent: []string{"hotels"}, OutDir: t.TempDir(), Model: "writer",
		LLM: toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: srv.BaseURL(), MaxRetries: -1}),
	})
	if !errors.Is(err, ErrStepFailed) || !strings.Contains(err.Error(), "domain for \"hotels\" after 3 attempts") {
		t.Fatalf("err = %v, want the domain step to fail after 3 attempts", err)
	}
	if _, err := Generate(context.Background(), Options{Invent: []string{"x"}, OutDir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "needs a model") {
		t.Fatalf("invent without a model: err = %v", err)
	}
}

// FuzzPipelineDatabase feeds model-written databases to the database
// step's checks over the hotel schema: they must reject, never panic.
func FuzzPipelineDatabase(f *testing.F) {
	f.Add([]byte(hotelReplies[StepDatabase][0]))
	f.Add([]byte(hotelReplies[StepDatabase][1]))
	f.Add([]byte(`{"bookings": {"B1": {"booking_id": 5}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var schema struct {
			Collections []Collection `json:"collections"`
		}
		if err := json.Unmarshal([]byte(hotelReplies[StepSchema][1]), &schema); err != nil {
			t.Fatal(err)
		}
		spec := &Spec{Domain: "hotel", Collections: schema.Collections}
		raw, err := extractJSON(string(b))
		if err != nil {
			return
		}
		db, err := LoadDB(spec, raw)
		if err != nil {
			return
		}
		_ = checkRecords(spec, db)
	})
}
