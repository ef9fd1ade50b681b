package airline

import (
	"encoding/json"

	"github.com/batonhq/baton/env/domain"
)

type flightInfo struct {
	FlightNumber string `json:"flight_number"`
	Date         string `json:"date"`
}

type paymentArg struct {
	PaymentID string     `json:"payment_id"`
	Amount    domain.Int `json:"amount"`
}

var (
	cabinSchema  = domain.Enum("The cabin class such as 'basic_economy', 'economy', or 'business'.", "business", "economy", "basic_economy")
	flightsItems = map[string]any{"type": "object", "properties": map[string]any{
		"flight_number": domain.Str("Flight number, such as 'HAT001'."),
		"date":          domain.Str("The date for the flight in the format 'YYYY-MM-DD', such as '2024-05-01'."),
	}, "required": []string{"flight_number", "date"}}
	passengerItems = map[string]any{"type": "object", "properties": map[string]any{
		"first_name": domain.Str("The first name of the passenger, such as 'Noah'."),
		"last_name":  domain.Str("The last name of the passenger, such as 'Brown'."),
		"dob":        domain.Str("The date of birth of the passenger in the format 'YYYY-MM-DD', such as '1990-01-01'."),
	}, "required": []string{"first_name", "last_name", "dob"}}
	paymentItems = map[string]any{"type": "object", "properties": map[string]any{
		"payment_id": domain.Str("The payment id stored in user profile, such as 'credit_card_7815826', 'gift_card_7815826', 'certificate_7815826'."),
		"amount":     domain.IntParam("The amount to be paid."),
	}, "required": []string{"payment_id", "amount"}}
	paymentIDSchema = domain.Str("The payment id stored in user profile, such as 'credit_card_7815826', 'gift_card_7815826', 'certificate_7815826'.")
)

func arrayOf(desc string, items map[string]any) map[string]any {
	return map[string]any{"type": "array", "description": desc, "items": items}
}

func bookReservation() domain.Tool {
	return domain.Tool{
		Name:        "book_reservation",
		Description: "Book a reservation.",
		Mutates:     true,
		Parameters: domain.Schema(map[string]any{
			"user_id":          domain.Str("The ID of the user to book the reservation such as 'sara_doe_496'`."),
			"origin":           domain.Str("The IATA code for the origin city such as 'SFO'."),
			"destination":      domain.Str("The IATA code for the destination city such as 'JFK'."),
			"flight_type":      domain.Enum("The type of flight such as 'one_way' or 'round_trip'.", "round_trip", "one_way"),
			"cabin":            cabinSchema,
			"flights":          arrayOf("An array of objects containing details about each piece of flight.", flightsItems),
			"passengers":       arrayOf("An array of objects containing details about each passenger.", passengerItems),
			"payment_methods":  arrayOf("An array of objects containing details about each payment method.", paymentItems),
			"total_baggages":   domain.IntParam("The total number of baggage items to book the reservation."),
			"nonfree_baggages": domain.IntParam("The number of non-free baggage items to book the reservation."),
			"insurance":        domain.Enum("Whether the reservation has insurance.", "yes", "no"),
		}, "user_id", "origin", "destination", "flight_type", "cabin", "flights", "passengers", "payment_methods", "total_baggages", "nonfree_baggages", "insurance"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) { return of(db).book(args) },
	}
}

func (t *tools) book(args json.RawMessage) (string, error) {
	var in struct {
		UserID          string       `json:"user_id"`
		Origin          string       `json:"origin"`
		Destination     string       `json:"destination"`
		FlightType      string       `json:"flight_type"`
		Cabin           string       `json:"cabin"`
		Flights         []flightInfo `json:"flights"`
		Passengers      []Passenger  `json:"passengers"`
		PaymentMethods  []paymentArg `json:"payment_methods"`
		TotalBaggages   domain.Int   `json:"total_baggages"`
		NonfreeBaggages domain.Int   `json:"nonfree_baggages"`
		Insurance       string       `json:"insurance"`
	}
	if err := domain.DecodeArgs("book_reservation", args, &in); err != nil {
		return "", err
	}
	user, err := t.user(in.UserID)
	if err != nil {
		return "", err
	}
	resID := ""
	for _, id := range []string{"HATHAT", "HATHAU", "HATHAV"} {
		if !t.db.Reservations.Has(id) {
			resID = id
			break
		}
	}
	if resID == "" {
		return "", domain.Errorf("Too many reservations")
	}
	n := int64(len(in.Passengers))
	res := &Reservation{
		ReservationID: resID, UserID: in.UserID, Origin: in.Origin, Destination: in.Destination,
		FlightType: in.FlightType, Cabin: in.Cabin, Flights: []ReservationFlight{},
		Passengers: append([]Passenger{}, in.Passengers...), PaymentHistory: []Payment{},
		CreatedAt: Now, TotalBaggages: int64(in.TotalBaggages), NonfreeBaggages: int64(in.NonfreeBaggages),
		Insurance: in.Insurance,
	}
	for _, p := range in.PaymentMethods {
		res.PaymentHistory = append(res.PaymentHistory, Payment{PaymentID: p.PaymentID, Amount: int64(p.Amount)})
	}
	var total int64
	for _, fi := range in.Flights {
		f, err := t.flight(fi.FlightNumber)
		if err != nil {
			return "", err
		}
		fd, err := t.flightDate(fi.FlightNumber, fi.Date)
		if err != nil {
			return "", err
		}
		if fd.Status != "available" || fd.AvailableSeats == nil || fd.Prices == nil {
			return "", domain.Errorf("Flight %s not available on date %s", fi.FlightNumber, fi.Date)
		}
		seats := fd.AvailableSeats.Cabin(in.Cabin)
		if seats == nil {
			return "", keyError(in.Cabin)
		}
		if *seats < n {
			return "", domain.Errorf("Not enough seats on flight %s", fi.FlightNumber)
		}
		price := *fd.Prices.Cabin(in.Cabin)
		res.Flights = append(res.Flights, ReservationFlight{
			FlightNumber: fi.FlightNumber, Origin: f.Origin, Destination: f.Destination, Date: fi.Date, Price: price,
		})
		total += price * n
	}
	if in.Insurance == "yes" {
		total += 30 * n
	}
	total += 50 * int64(in.NonfreeBaggages)
	for _, p := range in.PaymentMethods {
		pm, ok := user.PaymentMethods.Get(p.PaymentID)
		if !ok {
			return "", domain.Errorf("Payment method %s not found", p.PaymentID)
		}
		if (pm.Source == "gift_card" || pm.Source == "certificate") && pm.Amount != nil && *pm.Amount < float64(p.Amount) {
			return "", domain.Errorf("Not enough balance in payment method %s", p.PaymentID)
		}
	}
	var paid int64
	for _, p := range in.PaymentMethods {
		paid += int64(p.Amount)
	}
	if paid != total {
		return "", domain.Errorf("Payment amount does not add up, total price is %d, but paid %d", total, paid)
	}
	// Every check passed: write.
	u, _ := t.db.Users.Edit(in.UserID)
	for _, p := range in.PaymentMethods {
		pm, ok := u.PaymentMethods.Get(p.PaymentID)
		if !ok {
			return "", keyError(p.PaymentID) // a certificate listed twice
		}
		switch pm.Source {
		case "gift_card":
			a := *pm.Amount - float64(p.Amount)
			pm.Amount = &a
		case "certificate":
			u.PaymentMethods.Delete(p.PaymentID)
		}
	}
	for _, fi := range in.Flights {
		f, _ := t.db.Flights.Edit(fi.FlightNumber)
		fd, _ := f.Dates.Get(fi.Date)
		*fd.AvailableSeats.Cabin(in.Cabin) -= n
	}
	t.db.Reservations.Put(resID, res)
	u.Reservations = append(u.Reservations, resID)
	return domain.PyJSON(res), nil
}

func cancelReservation() domain.Tool {
	return domain.Tool{
		Name:        "cancel_reservation",
		Description: "Cancel the whole reservation.",
		Mutates:     true,
		Parameters:  domain.Schema(map[string]any{"reservation_id": domain.Str("The reservation ID, such as 'ZFA04Y'.")}, "reservation_id"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				ReservationID string `json:"reservation_id"`
			}
			if err := domain.DecodeArgs("cancel_reservation", args, &in); err != nil {
				return "", err
			}
			if _, err := t.reservation(in.ReservationID); err != nil {
				return "", err
			}
			r, _ := t.db.Reservations.Edit(in.ReservationID)
			var refunds []Payment
			for _, p := range r.PaymentHistory {
				refunds = append(refunds, Payment{PaymentID: p.PaymentID, Amount: -p.Amount})
			}
			r.PaymentHistory = append(r.PaymentHistory, refunds...)
			status := "cancelled"
			r.Status = &status
			// tau2 does not release the seats.
			return domain.PyJSON(r), nil
		},
	}
}

// payForUpdate charges total (negative: refunds) to a user's payment
// method as tau2's _payment_for_update does; nil when total is 0.
func (t *tools) payForUpdate(userID, paymentID string, total int64) (*Payment, error) {
	u, _ := t.db.Users.Get(userID)
	pm, ok := u.PaymentMethods.Get(paymentID)
	if !ok {
		return nil, domain.Errorf("Payment method not found")
	}
	switch {
	case pm.Source == "certificate":
		return nil, domain.Errorf("Certificate cannot be used to update reservation")
	case pm.Source == "gift_card" && pm.Amount != nil && *pm.Amount < float64(total):
		return nil, domain.Errorf("Gift card balance is not enough")
	}
	if pm.Source == "gift_card" {
		eu, _ := t.db.Users.Edit(userID)
		epm, _ := eu.PaymentMethods.Get(paymentID)
		a := *epm.Amount - float64(total)
		epm.Amount = &a
	}
	if total == 0 {
		return nil, nil
	}
	return &Payment{PaymentID: paymentID, Amount: total}, nil
}

func updateReservationBaggages() domain.Tool {
	return domain.Tool{
		Name:        "update_reservation_baggages",
		Description: "Update the baggage information of a reservation.",
		Mutates:     true,
		Parameters: domain.Schema(map[string]any{
			"reservation_id":   domain.Str("The reservation ID, such as 'ZFA04Y'"),
			"total_baggages":   domain.IntParam("The updated total number of baggage items included in the reservation."),
			"nonfree_baggages": domain.IntParam("The updated number of non-free baggage items included in the reservation."),
			"payment_id":       paymentIDSchema,
		}, "reservation_id", "total_baggages", "nonfree_baggages", "payment_id"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				ReservationID   string     `json:"reservation_id"`
				TotalBaggages   domain.Int `json:"total_baggages"`
				NonfreeBaggages domain.Int `json:"nonfree_baggages"`
				PaymentID       string     `json:"payment_id"`
			}
			if err := domain.DecodeArgs("update_reservation_baggages", args, &in); err != nil {
				return "", err
			}
			r, err := t.reservation(in.ReservationID)
			if err != nil {
				return "", err
			}
			if _, err := t.user(r.UserID); err != nil {
				return "", err
			}
			total := 50 * max(0, int64(in.NonfreeBaggages)-r.NonfreeBaggages)
			p, err := t.payForUpdate(r.UserID, in.PaymentID, total)
			if err != nil {
				return "", err
			}
			r, _ = t.db.Reservations.Edit(in.ReservationID)
			if p != nil {
				r.PaymentHistory = append(r.PaymentHistory, *p)
			}
			r.TotalBaggages = int64(in.TotalBaggages)
			r.NonfreeBaggages = int64(in.NonfreeBaggages)
			return domain.PyJSON(r), nil
		},
	}
}

func updateReservationFlights() domain.Tool {
	return domain.Tool{
		Name:        "update_reservation_flights",
		Description: "Update the flight information of a reservation. If performing a downgrade, the refunded amount will be shown in the payment_id, baggages are automatically adjusted and accounted for in the refunded amount.",
		Mutates:     true,
		Parameters: domain.Schema(map[string]any{
			"reservation_id": domain.Str("The reservation ID, such as 'ZFA04Y'."),
			"cabin":          domain.Enum("The cabin class of the reservation", "business", "economy", "basic_economy"),
			"flights":        arrayOf("An array of objects containing details about each piece of flight in the ENTIRE new reservation. Even if the a flight segment is not changed, it should still be included in the array.", flightsItems),
			"payment_id":     paymentIDSchema,
		}, "reservation_id", "cabin", "flights", "payment_id"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) { return of(db).updateFlights(args) },
	}
}

func (t *tools) updateFlights(args json.RawMessage) (string, error) {
	var in struct {
		ReservationID string       `json:"reservation_id"`
		Cabin         string       `json:"cabin"`
		Flights       []flightInfo `json:"flights"`
		PaymentID     string       `json:"payment_id"`
	}
	if err := domain.DecodeArgs("update_reservation_flights", args, &in); err != nil {
		return "", err
	}
	r, err := t.reservation(in.ReservationID)
	if err != nil {
		return "", err
	}
	if _, err := t.user(r.UserID); err != nil {
		return "", err
	}
	n := int64(len(r.Passengers))
	var total int64
	flights := []ReservationFlight{}
	for _, fi := range in.Flights {
		kept := false
		for _, rf := range r.Flights {
			if rf.FlightNumber == fi.FlightNumber && rf.Date == fi.Date && in.Cabin == r.Cabin {
				total += rf.Price * n
				flights = append(flights, rf)
				kept = true
				break
			}
		}
		if kept {
			continue
		}
		f, err := t.flight(fi.FlightNumber)
		if err != nil {
			return "", err
		}
		fd, err := t.flightDate(fi.FlightNumber, fi.Date)
		if err != nil {
			return "", err
		}
		if fd.Status != "available" || fd.AvailableSeats == nil || fd.Prices == nil {
			return "", domain.Errorf("Flight %s not available on date %s", fi.FlightNumber, fi.Date)
		}
		seats := fd.AvailableSeats.Cabin(in.Cabin)
		if seats == nil {
			return "", keyError(in.Cabin)
		}
		if *seats < n {
			return "", domain.Errorf("Not enough seats on flight %s", fi.FlightNumber)
		}
		rf := ReservationFlight{FlightNumber: fi.FlightNumber, Origin: f.Origin, Destination: f.Destination, Date: fi.Date, Price: *fd.Prices.Cabin(in.Cabin)}
		total += rf.Price * n
		flights = append(flights, rf)
	}
	var old int64
	for _, rf := range r.Flights {
		old += rf.Price
	}
	total -= old * n
	p, err := t.payForUpdate(r.UserID, in.PaymentID, total)
	if err != nil {
		return "", err
	}
	r, _ = t.db.Reservations.Edit(in.ReservationID)
	if p != nil {
		r.PaymentHistory = append(r.PaymentHistory, *p)
	}
	r.Flights = flights
	r.Cabin = in.Cabin
	// tau2 leaves the flights' seat counts alone here.
	return domain.PyJSON(r), nil
}

func updateReservationPassengers() domain.Tool {
	return domain.Tool{
		Name:        "update_reservation_passengers",
		Description: "Update the passenger information of a reservation.",
		Mutates:     true,
		Parameters: domain.Schema(map[string]any{
			"reservation_id": domain.Str("The reservation ID, such as 'ZFA04Y'."),
			"passengers":     arrayOf("An array of objects containing details about each passenger.", passengerItems),
		}, "reservation_id", "passengers"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				ReservationID string      `json:"reservation_id"`
				Passengers    []Passenger `json:"passengers"`
			}
			if err := domain.DecodeArgs("update_reservation_passengers", args, &in); err != nil {
				return "", err
			}
			r, err := t.reservation(in.ReservationID)
			if err != nil {
				return "", err
			}
			if len(in.Passengers) != len(r.Passengers) {
				return "", domain.Errorf("Number of passengers does not match")
			}
			r, _ = t.db.Reservations.Edit(in.ReservationID)
			r.Passengers = append([]Passenger{}, in.Passengers...)
			return domain.PyJSON(r), nil
		},
	}
}

func sendCertificate() domain.Tool {
	return domain.Tool{
		Name:        "send_certificate",
		Description: "Send a certificate to a user. Be careful!",
		Mutates:     true,
		Parameters: domain.Schema(map[string]any{
			"user_id": domain.Str("The ID of the user to book the reservation, such as 'sara_doe_496'."),
			"amount":  map[string]any{"type": "number", "description": "The amount of the certificate to send."},
		}, "user_id", "amount"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				UserID string        `json:"user_id"`
				Amount domain.Number `json:"amount"`
			}
			if err := domain.DecodeArgs("send_certificate", args, &in); err != nil {
				return "", err
			}
			if _, err := t.user(in.UserID); err != nil {
				return "", err
			}
			u, _ := t.db.Users.Edit(in.UserID)
			for _, n := range []string{"3221322", "3221323", "3221324"} {
				id := "certificate_" + n
				if _, ok := u.PaymentMethods.Get(id); ok {
					continue
				}
				a := in.Amount.F
				u.PaymentMethods.Set(id, &PaymentMethod{Source: "certificate", ID: id, Amount: &a})
				return "Certificate " + id + " added to user " + in.UserID + " with amount " + in.Amount.String() + ".", nil
			}
			return "", domain.Errorf("Too many certificates")
		},
	}
}
