package airline

import (
	"slices"

	"github.com/batonhq/baton/env/domain"
)

// Name is a person's name.
type Name struct {
	FirstName string `json:"first_name"` // given name
	LastName  string `json:"last_name"`  // family name
}

// Address is a user's address.
type Address struct {
	Address1 string `json:"address1"` // street line
	Address2 string `json:"address2"` // second line, e.g. "Suite 641"; may be empty
	City     string `json:"city"`     // city name
	Country  string `json:"country"`  // country name, e.g. "USA"
	State    string `json:"state"`    // state or region code, e.g. "CA"
	Zip      string `json:"zip"`      // postal code
}

// PaymentMethod is a credit card (brand, last_four), a gift card or a
// certificate (amount, a Python float).
type PaymentMethod struct {
	Source   string   `json:"source"`              // "credit_card", "gift_card" or "certificate"
	ID       string   `json:"id"`                  // payment method id, e.g. "credit_card_4421486"; the key in User.PaymentMethods
	Amount   *float64 `json:"amount,omitempty"`    // balance in dollars of a gift card or certificate; nil for a credit card
	Brand    *string  `json:"brand,omitempty"`     // card brand, e.g. "visa"; credit cards only
	LastFour *string  `json:"last_four,omitempty"` // last four card digits; credit cards only
}

// EncodePy writes the fields of the pydantic model for the source.
func (p *PaymentMethod) EncodePy(e *domain.PyEncoder) {
	keys := []string{"source", "id"}
	vals := []any{p.Source, p.ID}
	if p.Source == "credit_card" {
		keys = append(keys, "brand", "last_four")
		vals = append(vals, p.Brand, p.LastFour)
	} else {
		keys = append(keys, "amount")
		vals = append(vals, p.Amount)
	}
	e.Object(keys, func(i int) { e.Value(vals[i]) })
}

func (p *PaymentMethod) clone() *PaymentMethod {
	c := *p
	if p.Amount != nil {
		a := *p.Amount
		c.Amount = &a
	}
	return &c
}

// Passenger is a traveller.
type Passenger struct {
	FirstName string `json:"first_name"` // given name
	LastName  string `json:"last_name"`  // family name
	DOB       string `json:"dob"`        // date of birth, "YYYY-MM-DD"
}

// User is a customer.
type User struct {
	UserID          string                            `json:"user_id"`          // user id, e.g. "chen_jackson_3290"
	Name            Name                              `json:"name"`             // the customer's name
	Address         Address                           `json:"address"`          // postal address
	Email           string                            `json:"email"`            // contact email
	DOB             string                            `json:"dob"`              // date of birth, "YYYY-MM-DD"
	PaymentMethods  domain.OrderedMap[*PaymentMethod] `json:"payment_methods"`  // payment methods keyed by id, in the data's order
	SavedPassengers []Passenger                       `json:"saved_passengers"` // passengers kept for quick booking
	Membership      string                            `json:"membership"`       // "regular", "silver" or "gold"; sets free baggage and compensation
	Reservations    []string                          `json:"reservations"`     // ids of the user's reservations
}

// Clone implements domain.Entity.
func (u *User) Clone() *User {
	c := *u
	c.PaymentMethods = u.PaymentMethods.Clone((*PaymentMethod).clone)
	c.SavedPassengers = slices.Clone(u.SavedPassengers)
	c.Reservations = slices.Clone(u.Reservations)
	return &c
}

// ReservationFlight is one flight of a reservation at its booked price.
type ReservationFlight struct {
	FlightNumber string `json:"flight_number"` // e.g. "HAT170"
	Origin       string `json:"origin"`        // IATA code of the departure airport
	Destination  string `json:"destination"`   // IATA code of the arrival airport
	Date         string `json:"date"`          // departure date, "YYYY-MM-DD"
	Price        int64  `json:"price"`         // price per passenger in whole dollars, as booked
}

// Payment is one payment (negative: a refund) of a reservation.
type Payment struct {
	PaymentID string `json:"payment_id"` // payment method id charged or refunded
	Amount    int64  `json:"amount"`     // whole dollars; negative for a refund
}

// Reservation is a booking.
type Reservation struct {
	ReservationID   string              `json:"reservation_id"`   // six-character id, e.g. "4WQ150"
	UserID          string              `json:"user_id"`          // the booking user's id
	Origin          string              `json:"origin"`           // IATA code where the trip starts
	Destination     string              `json:"destination"`      // IATA code of the trip's destination
	FlightType      string              `json:"flight_type"`      // "one_way" or "round_trip"
	Cabin           string              `json:"cabin"`            // "basic_economy", "economy" or "business", for every flight
	Flights         []ReservationFlight `json:"flights"`          // every flight segment, outbound then return
	Passengers      []Passenger         `json:"passengers"`       // travellers on the booking
	PaymentHistory  []Payment           `json:"payment_history"`  // charges and refunds, in order
	CreatedAt       string              `json:"created_at"`       // booking time, "YYYY-MM-DDTHH:MM:SS" (EST)
	TotalBaggages   int64               `json:"total_baggages"`   // checked bags over all passengers
	NonfreeBaggages int64               `json:"nonfree_baggages"` // checked bags paid for (beyond the free allowance)
	Insurance       string              `json:"insurance"`        // travel insurance bought: "yes" or "no"
	Status          *string             `json:"status"`           // nil while active; "cancelled" once cancelled
}

// Clone implements domain.Entity.
func (r *Reservation) Clone() *Reservation {
	c := *r
	c.Flights = slices.Clone(r.Flights)
	c.Passengers = slices.Clone(r.Passengers)
	c.PaymentHistory = slices.Clone(r.PaymentHistory)
	if r.Status != nil {
		s := *r.Status
		c.Status = &s
	}
	return &c
}

// Seats holds a number per cabin class: seats left or prices.
type Seats struct {
	BasicEconomy int64 `json:"basic_economy"` // basic_economy cabin
	Economy      int64 `json:"economy"`       // economy cabin
	Business     int64 `json:"business"`      // business cabin
}

// Cabin returns a pointer to the cabin's number, or nil for an unknown
// cabin.
func (s *Seats) Cabin(cabin string) *int64 {
	switch cabin {
	case "basic_economy":
		return &s.BasicEconomy
	case "economy":
		return &s.Economy
	case "business":
		return &s.Business
	}
	return nil
}

// FlightDate is a flight's status on one date; which fields are set
// depends on the status (available: seats and prices; landed: actual
// times; ...).
type FlightDate struct {
	Status                    string  `json:"status"`                                 // "available", "on time", "delayed", "flying", "landed" or "cancelled"
	AvailableSeats            *Seats  `json:"available_seats,omitempty"`              // seats left per cabin; available only
	Prices                    *Seats  `json:"prices,omitempty"`                       // price per seat per cabin in whole dollars; available only
	ActualDepartureTimeEst    *string `json:"actual_departure_time_est,omitempty"`    // "YYYY-MM-DDTHH:MM:SS" (EST); flying and landed
	EstimatedDepartureTimeEst *string `json:"estimated_departure_time_est,omitempty"` // on time and delayed
	ActualArrivalTimeEst      *string `json:"actual_arrival_time_est,omitempty"`      // landed
	EstimatedArrivalTimeEst   *string `json:"estimated_arrival_time_est,omitempty"`   // on time, delayed and flying
}

// EncodePy writes only the fields of the status's pydantic model.
func (f *FlightDate) EncodePy(e *domain.PyEncoder) {
	keys := []string{"status"}
	vals := []any{f.Status}
	add := func(k string, set bool, v any) {
		if set {
			keys = append(keys, k)
			vals = append(vals, v)
		}
	}
	add("available_seats", f.AvailableSeats != nil, f.AvailableSeats)
	add("prices", f.Prices != nil, f.Prices)
	add("actual_departure_time_est", f.ActualDepartureTimeEst != nil, f.ActualDepartureTimeEst)
	add("estimated_departure_time_est", f.EstimatedDepartureTimeEst != nil, f.EstimatedDepartureTimeEst)
	add("actual_arrival_time_est", f.ActualArrivalTimeEst != nil, f.ActualArrivalTimeEst)
	add("estimated_arrival_time_est", f.EstimatedArrivalTimeEst != nil, f.EstimatedArrivalTimeEst)
	e.Object(keys, func(i int) { e.Value(vals[i]) })
}

func (f *FlightDate) clone() *FlightDate {
	c := *f
	if f.AvailableSeats != nil {
		s := *f.AvailableSeats
		c.AvailableSeats = &s
	}
	if f.Prices != nil {
		p := *f.Prices
		c.Prices = &p
	}
	return &c
}

// Flight is a scheduled flight and its status per date.
type Flight struct {
	Origin                    string                         `json:"origin"`                       // IATA code of the departure airport
	Destination               string                         `json:"destination"`                  // IATA code of the arrival airport
	FlightNumber              string                         `json:"flight_number"`                // e.g. "HAT001"
	ScheduledDepartureTimeEst string                         `json:"scheduled_departure_time_est"` // local departure time, "HH:MM:SS" (EST)
	ScheduledArrivalTimeEst   string                         `json:"scheduled_arrival_time_est"`   // arrival time, "HH:MM:SS" (EST); may pass midnight
	Dates                     domain.OrderedMap[*FlightDate] `json:"dates"`                        // status per date "YYYY-MM-DD", in the data's order
}

// Clone implements domain.Entity.
func (f *Flight) Clone() *Flight {
	c := *f
	c.Dates = f.Dates.Clone((*FlightDate).clone)
	return &c
}

// DirectFlight is one search result.
type DirectFlight struct {
	FlightNumber              string  `json:"flight_number"`                // e.g. "HAT001"
	Origin                    string  `json:"origin"`                       // IATA code of the departure airport
	Destination               string  `json:"destination"`                  // IATA code of the arrival airport
	Status                    string  `json:"status"`                       // the date's status, "available" for bookable flights
	ScheduledDepartureTimeEst string  `json:"scheduled_departure_time_est"` // "HH:MM:SS" (EST)
	ScheduledArrivalTimeEst   string  `json:"scheduled_arrival_time_est"`   // "HH:MM:SS" (EST)
	Date                      *string `json:"date"`                         // the leg's date, set in one-stop results; nil for direct ones
	AvailableSeats            Seats   `json:"available_seats"`              // seats left per cabin
	Prices                    Seats   `json:"prices"`                       // price per seat per cabin, whole dollars
}

// AirportCode is one entry of list_all_airports.
type AirportCode struct {
	IATA string `json:"iata"` // three-letter airport code
	City string `json:"city"` // the city it serves
}
