package airline

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/batonhq/baton/env/domain"
)

func init() { domain.Register(Kit{}) }

// Kit is the airline domain's [domain.Kit].
type Kit struct{}

var _ domain.Kit = Kit{}

// Name implements domain.Kit.
func (Kit) Name() string { return "airline" }

// Layout implements domain.Kit.
func (Kit) Layout() domain.Layout {
	return domain.Layout{Policy: "policy.md", Tasks: "tasks.json", Splits: "split_tasks.json"}
}

// Load implements domain.Kit.
func (Kit) Load(ctx context.Context, dir string) (domain.DB, error) { return Load(ctx, dir) }

// Tools implements domain.Kit.
func (Kit) Tools() []domain.Tool {
	return []domain.Tool{
		bookReservation(), domain.CalculateTool(), cancelReservation(),
		getReservationDetails(), getUserDetails(), listAllAirports(),
		searchDirectFlight(), searchOnestopFlight(), sendCertificate(),
		domain.ThinkTool(), domain.TransferTool(), updateReservationBaggages(),
		updateReservationFlights(), updateReservationPassengers(), getFlightStatus(),
	}
}

// of views a rollout's database through the tool helpers.
func of(db domain.DB) *tools { return &tools{db: &db.(*DB).T} }

// Now is the airline world's fixed current time.
const Now = "2024-05-15T15:00:00"

type tools struct{ db *Tables }

func (t *tools) user(id string) (*User, error) {
	u, ok := t.db.Users.Get(id)
	if !ok {
		return nil, domain.Errorf("User %s not found", id)
	}
	return u, nil
}

func (t *tools) reservation(id string) (*Reservation, error) {
	r, ok := t.db.Reservations.Get(id)
	if !ok {
		return nil, domain.Errorf("Reservation %s not found", id)
	}
	return r, nil
}

func (t *tools) flight(number string) (*Flight, error) {
	f, ok := t.db.Flights.Get(number)
	if !ok {
		return nil, domain.Errorf("Flight %s not found", number)
	}
	return f, nil
}

func (t *tools) flightDate(number, date string) (*FlightDate, error) {
	f, err := t.flight(number)
	if err != nil {
		return nil, err
	}
	fd, ok := f.Dates.Get(date)
	if !ok {
		return nil, domain.Errorf("Flight %s not found on date %s", number, date)
	}
	return fd, nil
}

// keyError is str(KeyError(k)) in Python: the key's repr.
func keyError(k string) error { return domain.Errorf("%s", pyRepr(k)) }

// pyRepr approximates Python's repr of a str: single quotes unless the
// string holds one and no double quote.
func pyRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	r := strings.NewReplacer(`\`, `\\`, q, `\`+q, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return q + r.Replace(s) + q
}

func getUserDetails() domain.Tool {
	return domain.Tool{
		Name:        "get_user_details",
		Description: "Get the details of a user, including their reservations.",
		Parameters:  domain.Schema(map[string]any{"user_id": domain.Str("The user ID, such as 'sara_doe_496'.")}, "user_id"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				UserID string `json:"user_id"`
			}
			if err := domain.DecodeArgs("get_user_details", args, &in); err != nil {
				return "", err
			}
			u, err := t.user(in.UserID)
			if err != nil {
				return "", err
			}
			return domain.PyJSON(u), nil
		},
	}
}

func getReservationDetails() domain.Tool {
	return domain.Tool{
		Name:        "get_reservation_details",
		Description: "Get the details of a reservation.",
		Parameters:  domain.Schema(map[string]any{"reservation_id": domain.Str("The reservation ID, such as '8JX2WO'.")}, "reservation_id"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				ReservationID string `json:"reservation_id"`
			}
			if err := domain.DecodeArgs("get_reservation_details", args, &in); err != nil {
				return "", err
			}
			r, err := t.reservation(in.ReservationID)
			if err != nil {
				return "", err
			}
			return domain.PyJSON(r), nil
		},
	}
}

var airports = []AirportCode{
	{"SFO", "San Francisco"}, {"JFK", "New York"}, {"LAX", "Los Angeles"}, {"ORD", "Chicago"},
	{"DFW", "Dallas"}, {"DEN", "Denver"}, {"SEA", "Seattle"}, {"ATL", "Atlanta"},
	{"MIA", "Miami"}, {"BOS", "Boston"}, {"PHX", "Phoenix"}, {"IAH", "Houston"},
	{"LAS", "Las Vegas"}, {"MCO", "Orlando"}, {"EWR", "Newark"}, {"CLT", "Charlotte"},
	{"MSP", "Minneapolis"}, {"DTW", "Detroit"}, {"PHL", "Philadelphia"}, {"LGA", "LaGuardia"},
}

func listAllAirports() domain.Tool {
	return domain.Tool{
		Name:        "list_all_airports",
		Description: "Returns a list of all available airports.",
		Parameters:  domain.Schema(map[string]any{}),
		Call: func(domain.DB, json.RawMessage) (string, error) {
			return domain.PyJSON(airports), nil
		},
	}
}

func getFlightStatus() domain.Tool {
	return domain.Tool{
		Name:        "get_flight_status",
		Description: "Get the status of a flight.",
		Parameters: domain.Schema(map[string]any{
			"flight_number": domain.Str("The flight number."),
			"date":          domain.Str("The date of the flight."),
		}, "flight_number", "date"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				FlightNumber string `json:"flight_number"`
				Date         string `json:"date"`
			}
			if err := domain.DecodeArgs("get_flight_status", args, &in); err != nil {
				return "", err
			}
			fd, err := t.flightDate(in.FlightNumber, in.Date)
			if err != nil {
				return "", err
			}
			return fd.Status, nil
		},
	}
}

// direct lists available flights on date in database order, filtered by
// origin, destination and earliest departure ("" means any).
func (t *tools) direct(date, origin, destination, leaveAfter string, anyOrigin, anyDest bool) []*DirectFlight {
	var out []*DirectFlight
	t.db.Flights.All(func(_ string, f *Flight) bool {
		if (!anyOrigin && f.Origin != origin) || (!anyDest && f.Destination != destination) {
			return true
		}
		fd, ok := f.Dates.Get(date)
		if !ok || fd.Status != "available" {
			return true
		}
		if leaveAfter != "" && f.ScheduledDepartureTimeEst < leaveAfter {
			return true
		}
		d := &DirectFlight{
			FlightNumber: f.FlightNumber, Origin: f.Origin, Destination: f.Destination, Status: "available",
			ScheduledDepartureTimeEst: f.ScheduledDepartureTimeEst, ScheduledArrivalTimeEst: f.ScheduledArrivalTimeEst,
		}
		if fd.AvailableSeats != nil {
			d.AvailableSeats = *fd.AvailableSeats
		}
		if fd.Prices != nil {
			d.Prices = *fd.Prices
		}
		out = append(out, d)
		return true
	})
	return out
}

var searchParams = domain.Schema(map[string]any{
	"origin":      domain.Str("The origin city airport in three letters, such as 'JFK'."),
	"destination": domain.Str("The destination city airport in three letters, such as 'LAX'."),
	"date":        domain.Str("The date of the flight in the format 'YYYY-MM-DD', such as '2024-01-01'."),
}, "origin", "destination", "date")

type searchArgs struct {
	Origin      string `json:"origin"`
	Destination string `json:"destination"`
	Date        string `json:"date"`
}

func searchDirectFlight() domain.Tool {
	return domain.Tool{
		Name:        "search_direct_flight",
		Description: "Search direct flights between two cities on a specific date. It provides information about departure and arrival times, flight number, and price per cabin.",
		Parameters:  searchParams,
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in searchArgs
			if err := domain.DecodeArgs("search_direct_flight", args, &in); err != nil {
				return "", err
			}
			res := t.direct(in.Date, in.Origin, in.Destination, "", false, false)
			if res == nil {
				res = []*DirectFlight{}
			}
			return domain.PyJSON(res), nil
		},
	}
}

func searchOnestopFlight() domain.Tool {
	return domain.Tool{
		Name:        "search_onestop_flight",
		Description: "Search one-stop flights between two cities on a specific date. It provides information about departure and arrival times, flight number, and price per cabin.",
		Parameters:  searchParams,
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in searchArgs
			if err := domain.DecodeArgs("search_onestop_flight", args, &in); err != nil {
				return "", err
			}
			pairs := [][2]*DirectFlight{}
			for _, r1 := range t.direct(in.Date, in.Origin, "", "", false, true) {
				date := in.Date
				r1.Date = &date
				date2 := in.Date
				if strings.Contains(r1.ScheduledArrivalTimeEst, "+1") {
					// tau2 moves to the next day by re-numbering the day of
					// May, unpadded ("2024-05-9"): kept as is.
					day, err := pyInt(lastRunes(in.Date, 2))
					if err != nil {
						return "", err
					}
					date2 = "2024-05-" + strconv.Itoa(day+1)
				}
				for _, r2 := range t.direct(date2, r1.Destination, in.Destination, r1.ScheduledArrivalTimeEst, false, false) {
					d2 := date2
					r2.Date = &d2
					pairs = append(pairs, [2]*DirectFlight{r1, r2})
				}
			}
			return domain.PyJSON(pairs), nil
		},
	}
}

func lastRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[len(r)-n:])
}

// pyInt is Python's int(s) for base-10 text.
func pyInt(s string) (int, error) {
	v, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
	if err != nil || strings.TrimSpace(s) == "" {
		return 0, domain.Errorf("invalid literal for int() with base 10: %s", pyRepr(s))
	}
	return v, nil
}
