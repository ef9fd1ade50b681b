package toolscale

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
)

// movieDB returns the movie blueprint's database for a seed.
func movieDB(seed int64) (*blueprint, *DB) {
	bp := blueprints["movie"]
	return bp, bp.populate(bp.spec(), rand.New(rand.NewSource(seed)))
}

// firstWith returns the first key of col whose field equals value.
func firstWith(db *DB, col, field, value string) string {
	for _, k := range db.Keys(col) {
		r, _ := db.Get(col, k)
		if Text(r[field]) == value {
			return k
		}
	}
	return ""
}

func TestEngineCalls(t *testing.T) {
	_, db := movieDB(1)
	eng := NewEngine(db.spec)
	completed := firstWith(db, "bookings", "status", "completed")
	confirmed := firstWith(db, "bookings", "status", "confirmed")
	full := firstWith(db, "showtimes", "seats_available", "0")
	if full == "" {
		db.Put("showtimes", "S0001", withField(db, "showtimes", "S0001", "seats_available", int64(0)))
		full = "S0001"
	}
	suspended := firstWith(db, "customers", "status", "suspended")
	active := firstWith(db, "customers", "status", "active")
	cases := []struct {
		name, tool, args string
		wantErr          string // substring of the error; "" for success
		wantOut          string // substring of the output
	}{
		{"get", "get_booking_details", `{"booking_id":"` + confirmed + `"}`, "", `"status": "confirmed"`},
		{"get unknown id", "get_booking_details", `{"booking_id":"B9999"}`, "Booking B9999 not found", ""},
		{"missing argument", "get_booking_details", `{}`, "missing required argument: 'booking_id'", ""},
		{"unexpected argument", "get_booking_details", `{"booking_id":"B0001","x":1}`, "unexpected keyword argument 'x'", ""},
		{"not an object", "get_booking_details", `[1]`, "want a JSON object", ""},
		{"wrong type", "book_tickets", `{"customer_id":"` + active + `","showtime_id":"S0002","seats":"two","seat_row":"A"}`, "argument 'seats'", ""},
		{"enum violation", "change_seat_row", `{"booking_id":"` + confirmed + `","seat_row":"Z"}`, `"Z" is not one of`, ""},
		{"cancel completed", "cancel_booking", `{"booking_id":"` + completed + `"}`, "Cannot cancel a completed booking", ""},
		{"cancel confirmed", "cancel_booking", `{"booking_id":"` + confirmed + `"}`, "", `"status": "cancelled"`},
		{"create for suspended customer", "book_tickets", `{"customer_id":"` + suspended + `","showtime_id":"S0002","seats":1,"seat_row":"A"}`, "Cannot create a booking for a suspended customer", ""},
		{"create over capacity", "book_tickets", `{"customer_id":"` + active + `","showtime_id":"` + full + `","seats":2,"seat_row":"A"}`, "Not enough seats available on this showtime", ""},
		{"quantity below minimum", "book_tickets", `{"customer_id":"` + active + `","showtime_id":"S0002","seats":0,"seat_row":"A"}`, "must be at least 1", ""},
		{"find by email", "find_customer_by_email", `{"email":"NOBODY@example.com"}`, "No customer found with email NOBODY@example.com", ""},
		{"list", "list_customer_bookings", `{"customer_id":"M9999"}`, "", "[]"},
		{"unknown tool", "fly", `{}`, "Tool 'fly' not found", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			work := db.Clone()
			before := work.Hash()
			out, err := eng.Call(work, c.tool, json.RawMessage(c.args))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, c.wantErr)
				}
				if work.Hash() != before {
					t.Fatal("a failed call changed the database")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, c.wantOut) {
				t.Fatalf("output %s lacks %q", out, c.wantOut)
			}
		})
	}
}

func withField(db *DB, col, key, field string, v any) Record {
	r, _ := db.Get(col, key)
	next := Record{}
	for k, x := range r {
		next[k] = x
	}
	next[field] = v
	return next
}

func TestCreateTakesCapacityAndNumbersIDs(t *testing.T) {
	_, db := movieDB(3)
	eng := NewEngine(db.spec)
	active := firstWith(db, "customers", "status", "active")
	show := db.Keys("showtimes")[0]
	db.Put("showtimes", show, withField(db, "showtimes", show, "seats_available", int64(5)))
	n := len(db.Keys("bookings"))
	out, err := eng.Call(db, "book_tickets", json.RawMessage(`{"customer_id":"`+active+`","showtime_id":"`+show+`","seats":3,"seat_row":"C"}`))
	if err != nil {
		t.Fatal(err)
	}
	wantID := "B" + pad4(n+1)
	if !strings.Contains(out, `"booking_id": "`+wantID+`"`) {
		t.Fatalf("created %s, want id %s", out, wantID)
	}
	s, _ := db.Get("showtimes", show)
	if s["seats_available"] != int64(2) {
		t.Fatalf("seats_available = %v, want 2", s["seats_available"])
	}
	if _, err := eng.Call(db, "book_tickets", json.RawMessage(`{"customer_id":"`+active+`","showtime_id":"`+show+`","seats":3,"seat_row":"C"}`)); err == nil {
		t.Fatal("second booking of 3 seats with 2 left succeeded")
	}
}

func pad4(n int) string { s := "0000" + itoa(n); return s[len(s)-4:] }

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestForkIsolation(t *testing.T) {
	_, db := movieDB(5)
	eng := NewEngine(db.spec)
	confirmed := firstWith(db, "bookings", "status", "confirmed")
	before := db.Hash()
	fork := db.Clone()
	if _, err := eng.Call(fork, "cancel_booking", json.RawMessage(`{"booking_id":"`+confirmed+`"}`)); err != nil {
		t.Fatal(err)
	}
	if db.Hash() != before {
		t.Fatal("a write to a fork changed the original")
	}
	if fork.Hash() == before {
		t.Fatal("a write did not change the fork's hash")
	}
}

func TestDBRoundTrip(t *testing.T) {
	_, db := movieDB(9)
	b, err := db.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadDB(db.spec, b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Hash() != db.Hash() {
		t.Fatal("db.json does not round-trip to the same hash")
	}
	if strings.Join(back.Keys("bookings"), ",") != strings.Join(db.Keys("bookings"), ",") {
		t.Fatal("record order lost")
	}
}

func TestSpecValidateErrors(t *testing.T) {
	good := blueprints["bank"].spec()
	cases := []struct {
		name   string
		mutate func(s *Spec)
		want   string
	}{
		{"bad domain", func(s *Spec) { s.Domain = "Bank!" }, "domain"},
		{"unknown collection", func(s *Spec) { s.Tools[0].Collection = "nope" }, `unknown collection "nope"`},
		{"bad kind", func(s *Spec) { s.Tools[0].Kind = "explode" }, `kind "explode"`},
		{"missing key param", func(s *Spec) { s.Tools[0].KeyParam = "zz" }, `key_param names parameter "zz"`},
		{"duplicate tool", func(s *Spec) { s.Tools[1].Name = s.Tools[0].Name }, "duplicate name"},
		{"bad field type", func(s *Spec) { s.Collections[0].Fields[1].Type = "date" }, `type "date"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _ := json.Marshal(good)
			var s Spec
			_ = json.Unmarshal(b, &s)
			c.mutate(&s)
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}
