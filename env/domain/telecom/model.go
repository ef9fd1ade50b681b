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
	F     float64
	IsInt bool
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
	PlanID                  string  `json:"plan_id"`
	Name                    string  `json:"name"`
	DataLimitGB             float64 `json:"data_limit_gb"`
	PricePerMonth           float64 `json:"price_per_month"`
	DataRefuelingPricePerGB float64 `json:"data_refueling_price_per_gb"`
}

// Clone implements domain.Entity.
func (p *Plan) Clone() *Plan { c := *p; return &c }

// Device is a customer device on the agent side.
type Device struct {
	DeviceID             string    `json:"device_id"`
	DeviceType           string    `json:"device_type"`
	Model                string    `json:"model"`
	IMEI                 *string   `json:"imei"`
	IsESIMCapable        bool      `json:"is_esim_capable"`
	Activated            bool      `json:"activated"`
	ActivationDate       *DateTime `json:"activation_date"`
	LastESIMTransferDate *DateTime `json:"last_esim_transfer_date"`
}

// Clone implements domain.Entity.
func (d *Device) Clone() *Device { c := *d; return &c }

// Line is a phone or data line.
type Line struct {
	LineID                 string  `json:"line_id"`
	PhoneNumber            string  `json:"phone_number"`
	Status                 string  `json:"status"`
	PlanID                 string  `json:"plan_id"`
	DeviceID               *string `json:"device_id"`
	DataUsedGB             Num     `json:"data_used_gb"`
	DataRefuelingGB        float64 `json:"data_refueling_gb"`
	RoamingEnabled         bool    `json:"roaming_enabled"`
	ContractEndDate        *Date   `json:"contract_end_date"`
	LastPlanChangeDate     *Date   `json:"last_plan_change_date"`
	LastSIMReplacementDate *Date   `json:"last_sim_replacement_date"`
	SuspensionStartDate    *Date   `json:"suspension_start_date"`
}

// Clone implements domain.Entity.
func (l *Line) Clone() *Line { c := *l; return &c }

// LineItem is one charge or credit on a bill.
type LineItem struct {
	Description string  `json:"description"`
	Amount      float64 `json:"amount"`
	Date        Date    `json:"date"`
	ItemType    string  `json:"item_type"`
}

// Bill is one billing period's bill.
type Bill struct {
	BillID      string     `json:"bill_id"`
	CustomerID  string     `json:"customer_id"`
	PeriodStart Date       `json:"period_start"`
	PeriodEnd   Date       `json:"period_end"`
	IssueDate   Date       `json:"issue_date"`
	TotalDue    float64    `json:"total_due"`
	DueDate     Date       `json:"due_date"`
	LineItems   []LineItem `json:"line_items"`
	Status      string     `json:"status"`
}

// Clone implements domain.Entity.
func (b *Bill) Clone() *Bill {
	c := *b
	c.LineItems = slices.Clone(b.LineItems)
	return &c
}

// PaymentMethod is a stored payment method.
type PaymentMethod struct {
	MethodType         string `json:"method_type"`
	AccountNumberLast4 string `json:"account_number_last_4"`
	ExpirationDate     string `json:"expiration_date"`
}

// Address is a billing address.
type Address struct {
	Street  string `json:"street"`
	City    string `json:"city"`
	State   string `json:"state"`
	ZipCode string `json:"zip_code"`
}

// Customer is an account holder.
type Customer struct {
	CustomerID                 string          `json:"customer_id"`
	FullName                   string          `json:"full_name"`
	DateOfBirth                string          `json:"date_of_birth"`
	Email                      string          `json:"email"`
	PhoneNumber                string          `json:"phone_number"`
	Address                    Address         `json:"address"`
	AccountStatus              string          `json:"account_status"`
	PaymentMethods             []PaymentMethod `json:"payment_methods"`
	LineIDs                    []string        `json:"line_ids"`
	BillIDs                    []string        `json:"bill_ids"`
	CreatedAt                  DateTime        `json:"created_at"`
	LastExtensionDate          *Date           `json:"last_extension_date"`
	GoodwillCreditUsedThisYear float64         `json:"goodwill_credit_used_this_year"`
}

// Clone implements domain.Entity.
func (c *Customer) Clone() *Customer {
	n := *c
	n.PaymentMethods = slices.Clone(c.PaymentMethods)
	n.LineIDs = slices.Clone(c.LineIDs)
	n.BillIDs = slices.Clone(c.BillIDs)
	return &n
}
