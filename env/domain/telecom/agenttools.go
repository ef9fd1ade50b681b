package telecom

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/batonhq/baton/env/domain"
)

// lineResult is the {"message", "line"} dict suspend_line and resume_line
// return.
type lineResult struct {
	Message string `json:"message"`
	Line    *Line  `json:"line"`
}

// agentSpecs are tau2's 13 agent tools, sorted by name.
var agentSpecs = []spec{
	{
		name: "disable_roaming", mutates: true,
		desc:   "Disables international roaming on a line.",
		params: customerLineParams("disable roaming for"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			return db.setRoaming("disable_roaming", args, false)
		},
	},
	{
		name: "enable_roaming", mutates: true,
		desc:   "Enables international roaming on a line.",
		params: customerLineParams("enable roaming for"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			return db.setRoaming("enable_roaming", args, true)
		},
	},
	{
		name: "get_bills_for_customer",
		desc: "Retrieves a list of the customer's bills, most recent first.",
		params: domain.Schema(map[string]any{
			"customer_id": domain.Str("ID of the customer."),
			"limit":       domain.IntParam("Maximum number of bills to return."),
		}, "customer_id"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			in := struct {
				CustomerID string     `json:"customer_id"`
				Limit      domain.Int `json:"limit"`
			}{Limit: 12}
			if err := decode("get_bills_for_customer", args, &in, "customer_id"); err != nil {
				return "", err
			}
			c, err := db.customer(in.CustomerID)
			if err != nil {
				return "", err
			}
			bills := make([]*Bill, 0, len(c.BillIDs))
			for _, id := range c.BillIDs {
				b, err := db.bill(id)
				if err != nil {
					return "", err
				}
				bills = append(bills, b)
			}
			slices.SortStableFunc(bills, func(a, b *Bill) int { return strings.Compare(string(b.IssueDate), string(a.IssueDate)) })
			return domain.PyJSON(pySlice(bills, int(in.Limit))), nil
		},
	},
	{
		name: "get_customer_by_id",
		desc: "Retrieves a customer directly by their unique ID.",
		params: domain.Schema(map[string]any{
			"customer_id": domain.Str("The unique identifier of the customer."),
		}, "customer_id"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				CustomerID string `json:"customer_id"`
			}
			if err := decode("get_customer_by_id", args, &in, "customer_id"); err != nil {
				return "", err
			}
			c, err := db.customer(in.CustomerID)
			if err != nil {
				return "", err
			}
			return domain.PyJSON(c), nil
		},
	},
	{
		name: "get_customer_by_name",
		desc: "Searches for customers by name and DOB. May return multiple matches if names are similar,\nDOB helps disambiguate.",
		params: domain.Schema(map[string]any{
			"full_name": domain.Str("The full name of the customer."),
			"dob":       domain.Str("Date of birth for verification, in the format YYYY-MM-DD."),
		}, "full_name", "dob"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				FullName string `json:"full_name"`
				DOB      string `json:"dob"`
			}
			if err := decode("get_customer_by_name", args, &in, "full_name", "dob"); err != nil {
				return "", err
			}
			out := []*Customer{}
			want := strings.ToLower(in.FullName)
			db.Customers.All(func(_ string, c *Customer) bool {
				if strings.ToLower(c.FullName) == want && c.DateOfBirth == in.DOB {
					out = append(out, c)
				}
				return true
			})
			return domain.PyJSON(out), nil
		},
	},
	{
		name: "get_customer_by_phone",
		desc: "Finds a customer by their primary contact or line phone number.",
		params: domain.Schema(map[string]any{
			"phone_number": domain.Str("The phone number to search for."),
		}, "phone_number"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				PhoneNumber string `json:"phone_number"`
			}
			if err := decode("get_customer_by_phone", args, &in, "phone_number"); err != nil {
				return "", err
			}
			c, err := db.customerByPhone(in.PhoneNumber)
			if err != nil {
				return "", err
			}
			return domain.PyJSON(c), nil
		},
	},
	{
		name:   "get_data_usage",
		desc:   "Retrieves current billing cycle data usage for a line, including data\nrefueling amount, data limit, and cycle end date.",
		params: customerLineParams("check usage for"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in customerLine
			if err := decode("get_data_usage", args, &in, "customer_id", "line_id"); err != nil {
				return "", err
			}
			l, err := db.readLine(in.CustomerID, in.LineID)
			if err != nil {
				return "", err
			}
			p, err := db.plan(l.PlanID)
			if err != nil {
				return "", err
			}
			// tau2 stringifies the numbers of a returned dict (str(15.1)).
			keys := []string{"line_id", "data_used_gb", "data_limit_gb", "data_refueling_gb", "cycle_end_date"}
			vals := []string{in.LineID, l.DataUsedGB.String(), domain.PyFloat(p.DataLimitGB), domain.PyFloat(l.DataRefuelingGB), string(cycleEnd(Today))}
			var e domain.PyEncoder
			e.Object(keys, func(i int) { e.String(vals[i]) })
			return string(e.Bytes()), nil
		},
	},
	{
		name: "get_details_by_id",
		desc: "Retrieves the details for a given ID.\nThe ID must be a valid ID for a Customer, Line, Device, Bill, or Plan.",
		params: domain.Schema(map[string]any{
			"id": domain.Str("The ID of the object to retrieve."),
		}, "id"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				ID string `json:"id"`
			}
			if err := decode("get_details_by_id", args, &in, "id"); err != nil {
				return "", err
			}
			var v any
			var err error
			switch {
			case strings.HasPrefix(in.ID, "L"):
				v, err = db.line(in.ID)
			case strings.HasPrefix(in.ID, "D"):
				v, err = db.device(in.ID)
			case strings.HasPrefix(in.ID, "B"):
				v, err = db.bill(in.ID)
			case strings.HasPrefix(in.ID, "C"):
				v, err = db.customer(in.ID)
			case strings.HasPrefix(in.ID, "P"):
				v, err = db.plan(in.ID)
			default:
				return "", domain.Errorf("Unknown ID format or type: %s", in.ID)
			}
			if err != nil {
				return "", err
			}
			return domain.PyJSON(v), nil
		},
	},
	{
		name: "refuel_data", mutates: true,
		desc: "Refuels data for a specific line, adding to the customer's bill.\nChecks: Line status must be Active, Customer owns the line.\nLogic: Adds data to the line and charges customer based on the plan's refueling rate.",
		params: domain.Schema(map[string]any{
			"customer_id": domain.Str("ID of the customer who owns the line."),
			"line_id":     domain.Str("ID of the line to refuel data for."),
			"gb_amount":   map[string]any{"type": "number", "description": "Amount of data to add in gigabytes."},
		}, "customer_id", "line_id", "gb_amount"),
		run: (*DB).refuel,
	},
	{
		name: "resume_line", mutates: true,
		desc:   "Resumes a suspended line.\nChecks: Line status must be Suspended or Pending Activation.\nLogic: Sets line status to Active, clears suspension_start_date.",
		params: customerLineParams("resume"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in customerLine
			if err := decode("resume_line", args, &in, "customer_id", "line_id"); err != nil {
				return "", err
			}
			l, err := db.readLine(in.CustomerID, in.LineID)
			if err != nil {
				return "", err
			}
			if l.Status != LineSuspended && l.Status != LinePendingActivation {
				return "", domain.Errorf("Line must be suspended to resume")
			}
			l, _ = db.Lines.Edit(in.LineID)
			l.Status, l.SuspensionStartDate = LineActive, nil
			return domain.PyJSON(lineResult{Message: "Line resumed successfully", Line: l}), nil
		},
	},
	{
		name: "send_payment_request", mutates: true,
		desc: "Sends a payment request to the customer for a specific bill.\nChecks:\n    - Customer exists\n    - Bill exists and belongs to the customer\n    - No other bills are already awaiting payment for this customer\nLogic: Sets bill status to AWAITING_PAYMENT and notifies customer.\nWarning: This method does not check if the bill is already PAID.\nAlways check the bill status before calling this method.",
		params: domain.Schema(map[string]any{
			"customer_id": domain.Str("ID of the customer who owns the bill."),
			"bill_id":     domain.Str("ID of the bill to send payment request for."),
		}, "customer_id", "bill_id"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				CustomerID string `json:"customer_id"`
				BillID     string `json:"bill_id"`
			}
			if err := decode("send_payment_request", args, &in, "customer_id", "bill_id"); err != nil {
				return "", err
			}
			c, err := db.customer(in.CustomerID)
			if err != nil {
				return "", err
			}
			waiting, err := db.billsAwaitingPayment(c)
			if err != nil {
				return "", err
			}
			if len(waiting) != 0 {
				return "", domain.Errorf("A bill is already awaiting payment for this customer")
			}
			if !slices.Contains(c.BillIDs, in.BillID) {
				return "", domain.Errorf("Bill %s not found for customer %s", in.BillID, in.CustomerID)
			}
			if _, err := db.bill(in.BillID); err != nil {
				return "", err
			}
			b, _ := db.Bills.Edit(in.BillID)
			b.Status = BillAwaitingPayment
			return "Payment request sent to the customer for bill " + b.BillID, nil
		},
	},
	{
		name: "suspend_line", mutates: true,
		desc: "Suspends a specific line (max 6 months).\nChecks: Line status must be Active.\nLogic: Sets line status to Suspended, records suspension_start_date.",
		params: domain.Schema(map[string]any{
			"customer_id": domain.Str("ID of the customer who owns the line."),
			"line_id":     domain.Str("ID of the line to suspend."),
			"reason":      domain.Str("Reason for suspension."),
		}, "customer_id", "line_id", "reason"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				customerLine
				Reason string `json:"reason"`
			}
			if err := decode("suspend_line", args, &in, "customer_id", "line_id", "reason"); err != nil {
				return "", err
			}
			l, err := db.readLine(in.CustomerID, in.LineID)
			if err != nil {
				return "", err
			}
			if l.Status != LineActive {
				return "", domain.Errorf("Line must be active to suspend")
			}
			l, _ = db.Lines.Edit(in.LineID)
			today := Today
			l.Status, l.SuspensionStartDate = LineSuspended, &today
			return domain.PyJSON(lineResult{Message: "Line suspended successfully. $5/month holding fee will apply.", Line: l}), nil
		},
	},
	{
		name: "transfer_to_human_agents",
		desc: "Transfer the user to a human agent, with a summary of the user's issue.\nOnly transfer if\n -  the user explicitly asks for a human agent\n -  given the policy and the available tools, you cannot solve the user's issue.",
		params: domain.Schema(map[string]any{
			"summary": domain.Str("A summary of the user's issue."),
		}, "summary"),
		run: func(_ *DB, args json.RawMessage) (string, error) {
			if err := decode("transfer_to_human_agents", args, nil, "summary"); err != nil {
				return "", err
			}
			return "Transfer successful", nil
		},
	},
}

// readLine is targetLine without taking a copy for writing.
func (db *DB) readLine(customerID, lineID string) (*Line, error) {
	c, err := db.customer(customerID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(c.LineIDs, lineID) {
		return nil, domain.Errorf("Line %s not found for customer %s", lineID, customerID)
	}
	return db.line(lineID)
}

func (db *DB) setRoaming(fn string, args json.RawMessage, on bool) (string, error) {
	var in customerLine
	if err := decode(fn, args, &in, "customer_id", "line_id"); err != nil {
		return "", err
	}
	l, err := db.readLine(in.CustomerID, in.LineID)
	if err != nil {
		return "", err
	}
	word := "disabled"
	if on {
		word = "enabled"
	}
	if l.RoamingEnabled == on {
		return "Roaming was already " + word, nil
	}
	l, _ = db.Lines.Edit(in.LineID)
	l.RoamingEnabled = on
	return "Roaming " + word + " successfully", nil
}

// refuelResult is refuel_data's dict; its numbers are stringified by tau2.
type refuelResult struct {
	Message            string `json:"message"`
	NewDataRefuelingGB string `json:"new_data_refueling_gb"`
	Charge             string `json:"charge"`
}

func (db *DB) refuel(args json.RawMessage) (string, error) {
	var in struct {
		customerLine
		GBAmount domain.Number `json:"gb_amount"`
	}
	if err := decode("refuel_data", args, &in, "customer_id", "line_id", "gb_amount"); err != nil {
		return "", err
	}
	l, err := db.readLine(in.CustomerID, in.LineID)
	if err != nil {
		return "", err
	}
	if in.GBAmount.F <= 0 {
		return "", domain.Errorf("Refuel amount must be positive")
	}
	p, err := db.plan(l.PlanID)
	if err != nil {
		return "", err
	}
	charge := in.GBAmount.F * p.DataRefuelingPricePerGB
	l, _ = db.Lines.Edit(in.LineID)
	l.DataRefuelingGB += in.GBAmount.F
	desc := fmt.Sprintf("Data refueling: %s GB at $%s/GB", in.GBAmount, domain.PyFloat(p.DataRefuelingPricePerGB))
	if err := db.oneTimeCharge(in.CustomerID, charge, desc); err != nil {
		return "", err
	}
	return domain.PyJSON(refuelResult{
		Message:            fmt.Sprintf("Successfully added %s GB of data for line %s for $%.2f", in.GBAmount, in.LineID, charge),
		NewDataRefuelingGB: domain.PyFloat(l.DataRefuelingGB),
		Charge:             domain.PyFloat(charge),
	}), nil
}

// pySlice is s[:n] with Python's negative-index meaning.
func pySlice[T any](s []T, n int) []T {
	if n < 0 {
		n += len(s)
		if n < 0 {
			n = 0
		}
	}
	if n > len(s) {
		n = len(s)
	}
	return s[:n]
}
