package airline

import (
	"slices"

	"github.com/batonhq/baton/env/domain"
)

// Name is a person's name.
type Name struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// Address is a user's address.
type Address struct {
	Address1 string `json:"address1"`
	Address2 string `json:"address2"`
	City     string `json:"city"`
	Country  string `json:"country"`
	State    string `json:"state"`
	Zip      string `json:"zip"`
}

// PaymentMethod is a credit card (brand, last_four), a gift card or a
// certificate (amount, a Python float).
type PaymentMethod struct {
	Source   string   `json:"source"`
	ID       string   `json:"id"`
	Amount   *float64 `json:"amount,omitempty"`
	Brand    *string  `json:"brand,omitempty"`
	LastFour *string  `json:"last_four,omitempty"`
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
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	DOB       string `json:"dob"`
}

// User is a customer.
type User struct {
	UserID          string                            `json:"user_id"`
	Name            Name                              `json:"name"`
	Address         Address                           `json:"address"`
	Email           string                            `json:"email"`
	DOB             string                            `json:"dob"`
	PaymentMethods  domain.OrderedMap[*PaymentMethod] `json:"payment_methods"`
	SavedPassengers []Passenger                       `json:"saved_passengers"`
	Membership      string                            `json:"membership"`
	Reservations    []string                          `json:"reservations"`
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
	FlightNumber string `json:"flight_number"`
	Origin       string `json:"origin"`
	Destination  string `json:"destination"`
	Date         string `json:"date"`
	Price        int64  `json:"price"`
}

// Payment is one payment (negative: a refund) of a reservation.
type Payment struct {
	PaymentID string `json:"payment_id"`
	Amount    int64  `json:"amount"`
}

// Reservation is a booking.
type Reservation struct {
	ReservationID   string              `json:"reservation_id"`
	UserID          string              `json:"user_id"`
	Origin          string              `json:"origin"`
	Destination     string              `json:"destination"`
	FlightType      string              `json:"flight_type"`
	Cabin           string              `json:"cabin"`
	Flights         []ReservationFlight `json:"flights"`
	Passengers      []Passenger         `json:"passengers"`
	PaymentHistory  []Payment           `json:"payment_history"`
	CreatedAt       string              `json:"created_at"`
	TotalBaggages   int64               `json:"total_baggages"`
	NonfreeBaggages int64               `json:"nonfree_baggages"`
	Insurance       string              `json:"insurance"`
	Status          *string             `json:"status"`
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
	BasicEconomy int64 `json:"basic_economy"`
	Economy      int64 `json:"economy"`
	Business     int64 `json:"business"`
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
	Status                    string  `json:"status"`
	AvailableSeats            *Seats  `json:"available_seats,omitempty"`
	Prices                    *Seats  `json:"prices,omitempty"`
	ActualDepartureTimeEst    *string `json:"actual_departure_time_est,omitempty"`
	EstimatedDepartureTimeEst *string `json:"estimated_departure_time_est,omitempty"`
	ActualArrivalTimeEst      *string `json:"actual_arrival_time_est,omitempty"`
	EstimatedArrivalTimeEst   *string `json:"estimated_arrival_time_est,omitempty"`
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
	Origin                    string                         `json:"origin"`
	Destination               string                         `json:"destination"`
	FlightNumber              string                         `json:"flight_number"`
	ScheduledDepartureTimeEst string                         `json:"scheduled_departure_time_est"`
	ScheduledArrivalTimeEst   string                         `json:"scheduled_arrival_time_est"`
	Dates                     domain.OrderedMap[*FlightDate] `json:"dates"`
}

// Clone implements domain.Entity.
func (f *Flight) Clone() *Flight {
	c := *f
	c.Dates = f.Dates.Clone((*FlightDate).clone)
	return &c
}

// DirectFlight is one search result.
type DirectFlight struct {
	FlightNumber              string  `json:"flight_number"`
	Origin                    string  `json:"origin"`
	Destination               string  `json:"destination"`
	Status                    string  `json:"status"`
	ScheduledDepartureTimeEst string  `json:"scheduled_departure_time_est"`
	ScheduledArrivalTimeEst   string  `json:"scheduled_arrival_time_est"`
	Date                      *string `json:"date"`
	AvailableSeats            Seats   `json:"available_seats"`
	Prices                    Seats   `json:"prices"`
}

// AirportCode is one entry of list_all_airports.
type AirportCode struct {
	IATA string `json:"iata"`
	City string `json:"city"`
}
