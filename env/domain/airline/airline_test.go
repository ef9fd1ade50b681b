package airline_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain"
	"github.com/batonhq/baton/env/domain/airline"
)

func open(t testing.TB) *domain.Domain {
	t.Helper()
	ctx := context.Background()
	dir, err := dataset.Resolve(ctx, "tau2-bench", dataset.Options{Offline: true})
	if err != nil {
		t.Skipf("tau2-bench data not available: %v", err)
	}
	d, err := domain.Open(ctx, dir, "airline")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const booking = `{"user_id":"aarav_ahmed_6699","origin":"JFK","destination":"SFO","flight_type":"one_way","cabin":"economy",
"flights":[{"flight_number":"HAT069","date":"2024-05-24"},{"flight_number":"HAT258","date":"2024-05-24"}],
"passengers":[{"first_name":"Aarav","last_name":"Ahmed","dob":"1981-05-26"}],
"payment_methods":[{"payment_id":"credit_card_9074831","amount":%d}],"total_baggages":0,"nonfree_baggages":0,"insurance":"no"}`

func TestBookReservation(t *testing.T) {
	ctx := context.Background()
	d := open(t)
	for _, c := range []struct {
		name, args, want string
		isErr            bool
	}{
		{"exact payment", strings.Replace(booking, "%d", "290", 1), `{"reservation_id": "HATHAT", "user_id": "aarav_ahmed_6699", "origin": "JFK"`, false},
		{"wrong total", strings.Replace(booking, "%d", "299", 1), "Error: Payment amount does not add up, total price is 290, but paid 299", true},
		{"unknown user", strings.Replace(strings.Replace(booking, "%d", "290", 1), "aarav_ahmed_6699", "nobody", 1), "Error: User nobody not found", true},
		{"unknown flight", strings.Replace(strings.Replace(booking, "%d", "290", 1), "HAT069", "HAT999", 1), "Error: Flight HAT999 not found", true},
		{"no such date", strings.Replace(strings.Replace(booking, "%d", "290", 1), `"HAT069","date":"2024-05-24"`, `"HAT069","date":"2025-01-01"`, 1), "Error: Flight HAT069 not found on date 2025-01-01", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := d.NewSession(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			before := s.Hash()
			res, err := s.Call(ctx, "book_reservation", json.RawMessage(c.args))
			if err != nil {
				t.Fatal(err)
			}
			if res.IsError != c.isErr || !strings.HasPrefix(res.Content, c.want) {
				t.Fatalf("got %q (error %v), want prefix %q", res.Content, res.IsError, c.want)
			}
			if c.isErr != (s.Hash() == before) {
				t.Errorf("failed call changed the database or successful one did not")
			}
		})
	}
}

func TestBookingWritesSeatsAndCertificate(t *testing.T) {
	ctx := context.Background()
	d := open(t)
	s, _ := d.NewSession(ctx, nil)
	db := s.DB().(*airline.DB)
	u, _ := db.T.Users.Get("ethan_martin_2396")
	cert, _ := u.PaymentMethods.Get("certificate_7365778")
	f, _ := db.T.Flights.Get("HAT239")
	fd, _ := f.Dates.Get("2024-05-16")
	seats, price := fd.AvailableSeats.Economy, fd.Prices.Economy
	args := `{"user_id":"ethan_martin_2396","origin":"ATL","destination":"SEA","flight_type":"one_way","cabin":"economy",
"flights":[{"flight_number":"HAT239","date":"2024-05-16"}],"passengers":[{"first_name":"Ethan","last_name":"Martin","dob":"1963-05-18"}],
"payment_methods":[{"payment_id":"certificate_7365778","amount":100},{"payment_id":"credit_card_5447957","amount":` + jsonInt(price-100) + `}],
"total_baggages":1,"nonfree_baggages":0,"insurance":"no"}`
	res, _ := s.Call(ctx, "book_reservation", json.RawMessage(args))
	if res.IsError {
		t.Fatalf("book: %s", res.Content)
	}
	u2, _ := db.T.Users.Get("ethan_martin_2396")
	if _, ok := u2.PaymentMethods.Get("certificate_7365778"); ok {
		t.Error("used certificate still on the profile")
	}
	if u2.Reservations[len(u2.Reservations)-1] != "HATHAT" {
		t.Errorf("reservations = %v, want HATHAT last", u2.Reservations)
	}
	f2, _ := db.T.Flights.Get("HAT239")
	fd2, _ := f2.Dates.Get("2024-05-16")
	if fd2.AvailableSeats.Economy != seats-1 {
		t.Errorf("economy seats = %d, want %d", fd2.AvailableSeats.Economy, seats-1)
	}
	// The shared base is untouched.
	if fd.AvailableSeats.Economy != seats || *cert.Amount != 100 {
		t.Error("a session write leaked into the base database")
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"flights":{},"users":{},"reservations":{}}`,
		`{"flights":{"HAT1":{"origin":"A","destination":"B","flight_number":"HAT1","dates":{"2024-05-01":{"status":"available","available_seats":{"economy":1},"prices":{"economy":2}}}}},"users":{},"reservations":{}}`,
		`{"flights":{"x":null}}`,
		`{"users":{"u":{"payment_methods":{"p":{"source":"gift_card","id":"p","amount":1}}}}}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		db, err := airline.Parse(b)
		if err != nil {
			return
		}
		_ = db.Hash()
		_ = domain.PyJSON(db)
	})
}
