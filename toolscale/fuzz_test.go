package toolscale

import (
	"encoding/json"
	"testing"
)

func FuzzParseLLMTasks(f *testing.F) {
	spec := blueprints["bank"].spec()
	f.Add(`{"tasks":[{"reason_for_call":"r","actions":[{"name":"close_account","arguments":{"account_id":"A0001"}}]}]}`)
	f.Add("```\n[{\"actions\":[]}]\n```")
	f.Add(`[{"reason_for_call":"x","actions":[{"name":"open_account","arguments":{"customer_id":1}}]}`)
	f.Add("{")
	f.Fuzz(func(t *testing.T, reply string) {
		tasks, _, err := ParseLLMTasks(reply, spec)
		if err != nil && tasks != nil {
			t.Fatal("tasks returned with an error")
		}
		for _, tk := range tasks {
			if len(tk.EvaluationCriteria.Actions) == 0 {
				t.Fatal("a task without actions passed")
			}
		}
	})
}

func FuzzParseSpec(f *testing.F) {
	good, _ := json.Marshal(blueprints["school"].spec())
	f.Add(string(good))
	f.Add(`{"domain":"x","collections":[{"name":"a","key":"k","fields":[{"name":"k","type":"string"}]}],"tools":[{"name":"t","kind":"update","collection":"a","adjust":[{"field":"k"}]}]}`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, data string) {
		s, err := ParseSpec([]byte(data))
		if err != nil {
			return
		}
		// A valid spec must give a working engine and schemas.
		db := NewDB(s)
		eng := NewEngine(s)
		for _, tl := range s.Tools {
			_ = tl.Schema()
			_, _ = eng.Call(db, tl.Name, json.RawMessage(`{}`))
		}
	})
}

func FuzzEngineCall(f *testing.F) {
	_, db := movieDB(2)
	eng := NewEngine(db.spec)
	f.Add("book_tickets", `{"customer_id":"M0001","showtime_id":"S0001","seats":2,"seat_row":"A"}`)
	f.Add("cancel_booking", `{"booking_id":"B0001"}`)
	f.Add("change_seat_row", `{"booking_id":"B0002","seat_row":1e400}`)
	f.Add("find_customer_by_email", `{"email":null}`)
	f.Fuzz(func(t *testing.T, name, args string) {
		work := db.Clone()
		before := work.Hash()
		if _, err := eng.Call(work, name, json.RawMessage(args)); err != nil && work.Hash() != before {
			t.Fatalf("failed call %s(%s) changed the database: %v", name, args, err)
		}
	})
}

func FuzzLoadDB(f *testing.F) {
	_, db := movieDB(4)
	good, _ := db.MarshalJSON()
	f.Add(string(good))
	f.Add(`{"customers":{"M1":{"customer_id":"M1","seats":1.5}}}`)
	f.Add(`{"bookings":[]}`)
	f.Fuzz(func(t *testing.T, data string) {
		got, err := LoadDB(db.spec, []byte(data))
		if err != nil {
			return
		}
		b, err := got.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		again, err := LoadDB(db.spec, b)
		if err != nil {
			t.Fatalf("re-load of written db.json: %v", err)
		}
		if again.Hash() != got.Hash() {
			t.Fatal("db.json round trip changed the hash")
		}
	})
}
