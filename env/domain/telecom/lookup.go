package telecom

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/env/domain"
)

// Today is the telecom world's fixed date (tau2's get_today).
const Today Date = "2025-02-25"

func (db *DB) customer(id string) (*Customer, error) {
	if c, ok := db.Customers.Get(id); ok {
		return c, nil
	}
	return nil, domain.Errorf("Customer with ID %s not found", id)
}

func (db *DB) line(id string) (*Line, error) {
	if l, ok := db.Lines.Get(id); ok {
		return l, nil
	}
	return nil, domain.Errorf("Line with ID %s not found", id)
}

func (db *DB) plan(id string) (*Plan, error) {
	if p, ok := db.Plans.Get(id); ok {
		return p, nil
	}
	return nil, domain.Errorf("Plan with ID %s not found", id)
}

func (db *DB) device(id string) (*Device, error) {
	if d, ok := db.Devices.Get(id); ok {
		return d, nil
	}
	return nil, domain.Errorf("Device with ID %s not found", id)
}

func (db *DB) bill(id string) (*Bill, error) {
	if b, ok := db.Bills.Get(id); ok {
		return b, nil
	}
	return nil, domain.Errorf("Bill with ID %s not found", id)
}

// customerByPhone finds the customer whose contact number or one of whose
// lines has the number, in database order.
func (db *DB) customerByPhone(phone string) (*Customer, error) {
	var found *Customer
	var err error
	db.Customers.All(func(_ string, c *Customer) bool {
		if c.PhoneNumber == phone {
			found = c
			return false
		}
		for _, id := range c.LineIDs {
			l, lerr := db.line(id)
			if lerr != nil {
				err = lerr
				return false
			}
			if l.PhoneNumber == phone {
				found = c
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, domain.Errorf("Customer with phone number %s not found", phone)
	}
	return found, nil
}

func (db *DB) lineByPhone(phone string) (*Line, error) {
	var found *Line
	db.Lines.All(func(_ string, l *Line) bool {
		if l.PhoneNumber == phone {
			found = l
			return false
		}
		return true
	})
	if found == nil {
		return nil, domain.Errorf("Line with phone number %s not found", phone)
	}
	return found, nil
}

// targetLine is a line the customer owns, for editing.
func (db *DB) targetLine(customerID, lineID string) (*Line, error) {
	c, err := db.customer(customerID)
	if err != nil {
		return nil, err
	}
	found := false
	for _, id := range c.LineIDs {
		if id == lineID {
			found = true
		}
	}
	if !found {
		return nil, domain.Errorf("Line %s not found for customer %s", lineID, customerID)
	}
	if _, err := db.line(lineID); err != nil {
		return nil, err
	}
	l, _ := db.Lines.Edit(lineID)
	return l, nil
}

func (db *DB) billsAwaitingPayment(c *Customer) ([]*Bill, error) {
	var out []*Bill
	for _, id := range c.BillIDs {
		b, err := db.bill(id)
		if err != nil {
			return nil, err
		}
		if b.Status == BillAwaitingPayment {
			out = append(out, b)
		}
	}
	return out, nil
}

// decode reads a call's keyword arguments into dst after checking that the
// required ones are present, as a Python call would.
func decode(fn string, args json.RawMessage, dst any, required ...string) error {
	var m map[string]json.RawMessage
	if len(strings.TrimSpace(string(args))) > 0 {
		if err := json.Unmarshal(args, &m); err != nil {
			return domain.Errorf("%s() arguments must be a JSON object: %v", fn, err)
		}
	}
	var missing []string
	for _, r := range required {
		if _, ok := m[r]; !ok {
			missing = append(missing, "'"+r+"'")
		}
	}
	if len(missing) > 0 {
		word := "argument"
		if len(missing) > 1 {
			word = "arguments"
		}
		return domain.Errorf("%s() missing %d required positional %s: %s", fn, len(missing), word, strings.Join(missing, " and "))
	}
	if dst == nil {
		return nil
	}
	return domain.DecodeArgs(fn, args, dst)
}

func errAttr(kit, name string) error {
	return fmt.Errorf("'%s' object has no attribute '%s'", kit, name)
}
