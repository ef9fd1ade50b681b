package telecom

import (
	"fmt"
	"slices"
	"time"

	"github.com/batonhq/baton/env/domain"
)

// Agent-side record types, mirroring tau2's telecom data_model.py: fields in
// model order under their Python names, so [domain.PyJSON] writes what
// model_dump would.

// Line statuses (tau2's LineStatus).
const (
	LineActive            = "Active"
	LineSuspended         = "Suspended"
	LinePendingActivation = "Pending Activation"
	LineClosed            = "Closed"
)

// Bill statuses (tau2's BillStatus).
const (
	BillDraft           = "Draft"
	BillIssued          = "Issued"
	BillAwaitingPayment = "Awaiting Payment"
	BillPaid            = "Paid"
	BillOverdue         = "Overdue"
	BillDisputed        = "Disputed"
)

var (
	lineStatuses    = []string{LineActive, LineSuspended, LinePendingActivation, LineClosed}
	billStatuses    = []string{BillDraft, BillIssued, BillAwaitingPayment, BillPaid, BillOverdue, BillDisputed}
	accountStatuses = []string{"Active", "Suspended", "Pending Verification", "Closed"}
	deviceTypes     = []string{"phone", "router", "tablet", "watch", "other"}
	paymentTypes    = []string{"Credit Card", "Debit Card", "PayPal"}
)

// Date is a datetime.date, kept as YYYY-MM-DD (what str(date) prints).
type Date string

// DateTime is a datetime.datetime. It is stored as YYYY-MM-DDTHH:MM:SS and
// written as str(datetime), "YYYY-MM-DD HH:MM:SS", because tau2 serialises
// tool results with json.dumps(default=str).
type DateTime string

// EncodePy implements domain.PyMarshaler.
func (d DateTime) EncodePy(e *domain.PyEncoder) {
	t, err := time.Parse("2006-01-02T15:04:05", string(d))
	if err != nil {
		e.String(string(d))
		return
	}
	e.String(t.Format("2006-01-02 15:04:05"))
}

func parseDate(field, s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return "", fmt.Errorf("%s: %q is not a date (want YYYY-MM-DD)", field, s)
	}
	return Date(t.Format("2006-01-02")), nil
}

func parseDateTime(field, s string) (DateTime, error) {
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateTime(t.Format("2006-01-02T15:04:05")), nil
		}
	}
	return "", fmt.Errorf("%s: %q is not a datetime (want YYYY-MM-DDTHH:MM:SS)", field, s)
}

// Num is a Python number held in a float field without validation on
// assignment: set_data_usage stores whatever the task gave (15.1 or 16), and
// str() / json.dumps print it as Python would.
type Num struct {
	F     float64 // the value
	IsInt bool    // the value was given as an int, so it prints without ".0"
}

// EncodePy implements domain.PyMarshaler.
func (n Num) EncodePy(e *domain.PyEncoder) { e.Raw(n.String()) }

// String is Python's str(n).
func (n Num) String() string {
	if n.IsInt {
		return fmt.Sprintf("%d", int64(n.F))
	}
	return domain.PyFloat(n.F)
}

func numOf(x domain.Number) Num { return Num{F: x.F, IsInt: x.IsInt} }

// Plan is a service plan.
type Plan struct {
	PlanID                  string  `json:"plan_id"`                     // e.g. "P1001"
	Name                    string  `json:"name"`                        // e.g. "Basic Plan"
	DataLimitGB             float64 `json:"data_limit_gb"`               // monthly data allowance, GB
	PricePerMonth           float64 `json:"price_per_month"`             // dollars per month
	DataRefuelingPricePerGB float64 `json:"data_refueling_price_per_gb"` // dollars per extra GB refuelled
}

// Clone implements domain.Entity.
func (p *Plan) Clone() *Plan { c := *p; return &c }

// Device is a customer device on the agent side.
type Device struct {
	DeviceID             string    `json:"device_id"`               // e.g. "D1001"
	DeviceType           string    `json:"device_type"`             // "phone" or "tablet"
	Model                string    `json:"model"`                   // model name, e.g. "Smartphone X"
	IMEI                 *string   `json:"imei"`                    // 15-digit IMEI; nil when unknown
	IsESIMCapable        bool      `json:"is_esim_capable"`         // the device can take an eSIM
	Activated            bool      `json:"activated"`               // the device is activated on the network
	ActivationDate       *DateTime `json:"activation_date"`         // when it was activated; nil if never
	LastESIMTransferDate *DateTime `json:"last_esim_transfer_date"` // last eSIM transfer; nil if none
}

// Clone implements domain.Entity.
func (d *Device) Clone() *Device { c := *d; return &c }

// Line is a phone or data line.
type Line struct {
	LineID                 string  `json:"line_id"`                   // e.g. "L1001"
	PhoneNumber            string  `json:"phone_number"`              // e.g. "555-123-2001"
	Status                 string  `json:"status"`                    // e.g. "Active" or "Suspended"
	PlanID                 string  `json:"plan_id"`                   // the line's plan
	DeviceID               *string `json:"device_id"`                 // device the line is on; nil for none
	DataUsedGB             Num     `json:"data_used_gb"`              // data used this cycle, GB
	DataRefuelingGB        float64 `json:"data_refueling_gb"`         // extra data bought this cycle, GB
	RoamingEnabled         bool    `json:"roaming_enabled"`           // roaming turned on for the line (agent side)
	ContractEndDate        *Date   `json:"contract_end_date"`         // end of the contract; nil for none
	LastPlanChangeDate     *Date   `json:"last_plan_change_date"`     // nil if never changed
	LastSIMReplacementDate *Date   `json:"last_sim_replacement_date"` // nil if never replaced
	SuspensionStartDate    *Date   `json:"suspension_start_date"`     // when the line was suspended; nil unless suspended
}

// Clone implements domain.Entity.
func (l *Line) Clone() *Line { c := *l; return &c }

// LineItem is one charge or credit on a bill.
type LineItem struct {
	Description string  `json:"description"` // e.g. "Data Overage - Line 555-123-2002"
	Amount      float64 `json:"amount"`      // dollars; negative for a credit
	Date        Date    `json:"date"`        // when it was charged
	ItemType    string  `json:"item_type"`   // e.g. "Plan Charge", "Overage", "Fee"
}

// Bill is one billing period's bill.
type Bill struct {
	BillID      string     `json:"bill_id"`      // e.g. "B1001"
	CustomerID  string     `json:"customer_id"`  // the billed customer
	PeriodStart Date       `json:"period_start"` // first day billed
	PeriodEnd   Date       `json:"period_end"`   // last day billed
	IssueDate   Date       `json:"issue_date"`   // when the bill was issued
	TotalDue    float64    `json:"total_due"`    // dollars
	DueDate     Date       `json:"due_date"`     // when payment is due
	LineItems   []LineItem `json:"line_items"`   // charges making up TotalDue
	Status      string     `json:"status"`       // e.g. "Draft", "Issued", "Paid", "Overdue", "Disputed"
}

// Clone implements domain.Entity.
func (b *Bill) Clone() *Bill {
	c := *b
	c.LineItems = slices.Clone(b.LineItems)
	return &c
}

// PaymentMethod is a stored payment method.
type PaymentMethod struct {
	MethodType         string `json:"method_type"`           // "Credit Card", "Debit Card" or "PayPal"
	AccountNumberLast4 string `json:"account_number_last_4"` // last four digits of the account
	ExpirationDate     string `json:"expiration_date"`       // "MM/YYYY"
}

// Address is a billing address.
type Address struct {
	Street  string `json:"street"`   // street line
	City    string `json:"city"`     // city name
	State   string `json:"state"`    // state code, e.g. "CA"
	ZipCode string `json:"zip_code"` // postal code
}

// Customer is an account holder.
type Customer struct {
	CustomerID                 string          `json:"customer_id"`                    // e.g. "C1001"
	FullName                   string          `json:"full_name"`                      // e.g. "John Smith"
	DateOfBirth                string          `json:"date_of_birth"`                  // "YYYY-MM-DD"
	Email                      string          `json:"email"`                          // contact email
	PhoneNumber                string          `json:"phone_number"`                   // contact number, e.g. "555-123-2002"
	Address                    Address         `json:"address"`                        // billing address
	AccountStatus              string          `json:"account_status"`                 // e.g. "Active", "Suspended", "Pending Verification"
	PaymentMethods             []PaymentMethod `json:"payment_methods"`                // payment methods on file
	LineIDs                    []string        `json:"line_ids"`                       // the customer's lines
	BillIDs                    []string        `json:"bill_ids"`                       // the customer's bills
	CreatedAt                  DateTime        `json:"created_at"`                     // when the account was opened
	LastExtensionDate          *Date           `json:"last_extension_date"`            // last payment extension granted; nil if none
	GoodwillCreditUsedThisYear float64         `json:"goodwill_credit_used_this_year"` // goodwill credits given this year, dollars
}

// Clone implements domain.Entity.
func (c *Customer) Clone() *Customer {
	n := *c
	n.PaymentMethods = slices.Clone(c.PaymentMethods)
	n.LineIDs = slices.Clone(c.LineIDs)
	n.BillIDs = slices.Clone(c.BillIDs)
	return &n
}
