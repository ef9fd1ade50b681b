package telecom

import (
	"fmt"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/batonhq/baton/env/domain"
)

// The raw TOML shapes: pointers mark pydantic's required fields so a
// missing one is reported instead of silently zeroed.

type rawPlan struct {
	PlanID                  *string  `toml:"plan_id"`
	Name                    *string  `toml:"name"`
	DataLimitGB             *float64 `toml:"data_limit_gb"`
	PricePerMonth           *float64 `toml:"price_per_month"`
	DataRefuelingPricePerGB *float64 `toml:"data_refueling_price_per_gb"`
}

type rawDevice struct {
	DeviceID             *string `toml:"device_id"`
	DeviceType           *string `toml:"device_type"`
	Model                *string `toml:"model"`
	IMEI                 *string `toml:"imei"`
	IsESIMCapable        *bool   `toml:"is_esim_capable"`
	Activated            bool    `toml:"activated"`
	ActivationDate       *string `toml:"activation_date"`
	LastESIMTransferDate *string `toml:"last_esim_transfer_date"`
}

type rawLine struct {
	LineID                 *string  `toml:"line_id"`
	PhoneNumber            *string  `toml:"phone_number"`
	Status                 *string  `toml:"status"`
	PlanID                 *string  `toml:"plan_id"`
	DeviceID               *string  `toml:"device_id"`
	DataUsedGB             *float64 `toml:"data_used_gb"`
	DataRefuelingGB        *float64 `toml:"data_refueling_gb"`
	RoamingEnabled         bool     `toml:"roaming_enabled"`
	ContractEndDate        *string  `toml:"contract_end_date"`
	LastPlanChangeDate     *string  `toml:"last_plan_change_date"`
	LastSIMReplacementDate *string  `toml:"last_sim_replacement_date"`
	SuspensionStartDate    *string  `toml:"suspension_start_date"`
}

type rawLineItem struct {
	Description *string  `toml:"description"`
	Amount      *float64 `toml:"amount"`
	Date        *string  `toml:"date"`
	ItemType    *string  `toml:"item_type"`
}

type rawBill struct {
	BillID      *string       `toml:"bill_id"`
	CustomerID  *string       `toml:"customer_id"`
	PeriodStart *string       `toml:"period_start"`
	PeriodEnd   *string       `toml:"period_end"`
	IssueDate   *string       `toml:"issue_date"`
	TotalDue    *float64      `toml:"total_due"`
	DueDate     *string       `toml:"due_date"`
	LineItems   []rawLineItem `toml:"line_items"`
	Status      *string       `toml:"status"`
}

type rawPayment struct {
	MethodType         *string `toml:"method_type"`
	AccountNumberLast4 *string `toml:"account_number_last_4"`
	ExpirationDate     *string `toml:"expiration_date"`
}

type rawAddress struct {
	Street  *string `toml:"street"`
	City    *string `toml:"city"`
	State   *string `toml:"state"`
	ZipCode *string `toml:"zip_code"`
}

type rawCustomer struct {
	CustomerID                 *string      `toml:"customer_id"`
	FullName                   *string      `toml:"full_name"`
	DateOfBirth                *string      `toml:"date_of_birth"`
	Email                      *string      `toml:"email"`
	PhoneNumber                *string      `toml:"phone_number"`
	Address                    *rawAddress  `toml:"address"`
	AccountStatus              *string      `toml:"account_status"`
	PaymentMethods             []rawPayment `toml:"payment_methods"`
	LineIDs                    []string     `toml:"line_ids"`
	BillIDs                    []string     `toml:"bill_ids"`
	CreatedAt                  *string      `toml:"created_at"`
	LastExtensionDate          *string      `toml:"last_extension_date"`
	GoodwillCreditUsedThisYear *float64     `toml:"goodwill_credit_used_this_year"`
}

type rawAgentDB struct {
	Plans     []rawPlan     `toml:"plans"`
	Customers []rawCustomer `toml:"customers"`
	Lines     []rawLine     `toml:"lines"`
	Bills     []rawBill     `toml:"bills"`
	Devices   []rawDevice   `toml:"devices"`
}

// fieldErrs collects the first validation error with its path.
type fieldErrs struct{ err error }

func (f *fieldErrs) str(path string, p *string) string {
	if p == nil {
		f.fail("%s: missing (required)", path)
		return ""
	}
	return *p
}

func (f *fieldErrs) num(path string, p *float64) float64 {
	if p == nil {
		f.fail("%s: missing (required)", path)
		return 0
	}
	return *p
}

func (f *fieldErrs) enum(path string, p *string, def string, allowed []string) string {
	v := def
	if p != nil {
		v = *p
	}
	if !slices.Contains(allowed, v) {
		f.fail("%s: %q is not one of %s", path, v, strings.Join(allowed, ", "))
	}
	return v
}

func (f *fieldErrs) date(path string, p *string) *Date {
	if p == nil {
		return nil
	}
	d, err := parseDate(path, *p)
	if err != nil && f.err == nil {
		f.err = err
	}
	return &d
}

func (f *fieldErrs) reqDate(path string, p *string) Date {
	if p == nil {
		f.fail("%s: missing (required)", path)
		return ""
	}
	return *f.date(path, p)
}

func (f *fieldErrs) dateTime(path string, p *string) *DateTime {
	if p == nil {
		return nil
	}
	d, err := parseDateTime(path, *p)
	if err != nil && f.err == nil {
		f.err = err
	}
	return &d
}

func (f *fieldErrs) fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf(format, args...)
	}
}

func undecoded(md toml.MetaData) error {
	if u := md.Undecoded(); len(u) > 0 {
		keys := make([]string, len(u))
		for i, k := range u {
			keys[i] = k.String()
		}
		return fmt.Errorf("unknown field(s) %s (tau2's models forbid extra fields)", strings.Join(keys, ", "))
	}
	return nil
}

// ParseAgentDB builds the agent-side tables from db.toml's content. The
// user database is left empty (the defaults of an empty user_db.toml).
func ParseAgentDB(data []byte) (*DB, error) {
	var r rawAgentDB
	md, err := toml.Decode(string(data), &r)
	if err != nil {
		return nil, fmt.Errorf("telecom: db.toml: %w", err)
	}
	if err := undecoded(md); err != nil {
		return nil, fmt.Errorf("telecom: db.toml: %w", err)
	}
	var f fieldErrs
	plans := newKeyed[*Plan]("plans", &f)
	for i, p := range r.Plans {
		at := fmt.Sprintf("plans[%d]", i)
		plans.add(f.str(at+".plan_id", p.PlanID), &Plan{
			PlanID: f.str(at+".plan_id", p.PlanID), Name: f.str(at+".name", p.Name),
			DataLimitGB: f.num(at+".data_limit_gb", p.DataLimitGB), PricePerMonth: f.num(at+".price_per_month", p.PricePerMonth),
			DataRefuelingPricePerGB: f.num(at+".data_refueling_price_per_gb", p.DataRefuelingPricePerGB),
		})
	}
	devices := newKeyed[*Device]("devices", &f)
	for i, d := range r.Devices {
		at := fmt.Sprintf("devices[%d]", i)
		if d.IsESIMCapable == nil {
			f.fail("%s.is_esim_capable: missing (required)", at)
		}
		devices.add(f.str(at+".device_id", d.DeviceID), &Device{
			DeviceID: f.str(at+".device_id", d.DeviceID), DeviceType: f.enum(at+".device_type", d.DeviceType, "", deviceTypes),
			Model: f.str(at+".model", d.Model), IMEI: d.IMEI, IsESIMCapable: d.IsESIMCapable != nil && *d.IsESIMCapable,
			Activated: d.Activated, ActivationDate: f.dateTime(at+".activation_date", d.ActivationDate),
			LastESIMTransferDate: f.dateTime(at+".last_esim_transfer_date", d.LastESIMTransferDate),
		})
	}
	lines := newKeyed[*Line]("lines", &f)
	for i, l := range r.Lines {
		at := fmt.Sprintf("lines[%d]", i)
		ln := &Line{
			LineID: f.str(at+".line_id", l.LineID), PhoneNumber: f.str(at+".phone_number", l.PhoneNumber),
			Status: f.enum(at+".status", l.Status, LinePendingActivation, lineStatuses), PlanID: f.str(at+".plan_id", l.PlanID),
			DeviceID: l.DeviceID, RoamingEnabled: l.RoamingEnabled,
			ContractEndDate:        f.date(at+".contract_end_date", l.ContractEndDate),
			LastPlanChangeDate:     f.date(at+".last_plan_change_date", l.LastPlanChangeDate),
			LastSIMReplacementDate: f.date(at+".last_sim_replacement_date", l.LastSIMReplacementDate),
			SuspensionStartDate:    f.date(at+".suspension_start_date", l.SuspensionStartDate),
		}
		if l.DataUsedGB != nil {
			ln.DataUsedGB = Num{F: *l.DataUsedGB}
		}
		if l.DataRefuelingGB != nil {
			ln.DataRefuelingGB = *l.DataRefuelingGB
		}
		lines.add(ln.LineID, ln)
	}
	bills := newKeyed[*Bill]("bills", &f)
	for i, b := range r.Bills {
		at := fmt.Sprintf("bills[%d]", i)
		bl := &Bill{
			BillID: f.str(at+".bill_id", b.BillID), CustomerID: f.str(at+".customer_id", b.CustomerID),
			PeriodStart: f.reqDate(at+".period_start", b.PeriodStart), PeriodEnd: f.reqDate(at+".period_end", b.PeriodEnd),
			IssueDate: f.reqDate(at+".issue_date", b.IssueDate), TotalDue: f.num(at+".total_due", b.TotalDue),
			DueDate: f.reqDate(at+".due_date", b.DueDate), LineItems: []LineItem{},
			Status: f.enum(at+".status", b.Status, BillDraft, billStatuses),
		}
		for j, it := range b.LineItems {
			iat := fmt.Sprintf("%s.line_items[%d]", at, j)
			bl.LineItems = append(bl.LineItems, LineItem{
				Description: f.str(iat+".description", it.Description), Amount: f.num(iat+".amount", it.Amount),
				Date: f.reqDate(iat+".date", it.Date), ItemType: f.str(iat+".item_type", it.ItemType),
			})
		}
		bills.add(bl.BillID, bl)
	}
	customers := newKeyed[*Customer]("customers", &f)
	for i, c := range r.Customers {
		at := fmt.Sprintf("customers[%d]", i)
		cu := &Customer{
			CustomerID: f.str(at+".customer_id", c.CustomerID), FullName: f.str(at+".full_name", c.FullName),
			DateOfBirth: f.str(at+".date_of_birth", c.DateOfBirth), Email: f.str(at+".email", c.Email),
			PhoneNumber:    f.str(at+".phone_number", c.PhoneNumber),
			AccountStatus:  f.enum(at+".account_status", c.AccountStatus, "Pending Verification", accountStatuses),
			PaymentMethods: []PaymentMethod{}, LineIDs: nonNil(c.LineIDs), BillIDs: nonNil(c.BillIDs),
			CreatedAt:         "2025-01-01T00:00:00",
			LastExtensionDate: f.date(at+".last_extension_date", c.LastExtensionDate),
		}
		if c.Address == nil {
			f.fail("%s.address: missing (required)", at)
		} else {
			cu.Address = Address{
				Street: f.str(at+".address.street", c.Address.Street), City: f.str(at+".address.city", c.Address.City),
				State: f.str(at+".address.state", c.Address.State), ZipCode: f.str(at+".address.zip_code", c.Address.ZipCode),
			}
		}
		for j, p := range c.PaymentMethods {
			pat := fmt.Sprintf("%s.payment_methods[%d]", at, j)
			cu.PaymentMethods = append(cu.PaymentMethods, PaymentMethod{
				MethodType:         f.enum(pat+".method_type", p.MethodType, "", paymentTypes),
				AccountNumberLast4: f.str(pat+".account_number_last_4", p.AccountNumberLast4),
				ExpirationDate:     f.str(pat+".expiration_date", p.ExpirationDate),
			})
		}
		if c.CreatedAt != nil {
			cu.CreatedAt = *f.dateTime(at+".created_at", c.CreatedAt)
		}
		if c.GoodwillCreditUsedThisYear != nil {
			cu.GoodwillCreditUsedThisYear = *c.GoodwillCreditUsedThisYear
		}
		customers.add(cu.CustomerID, cu)
	}
	if f.err != nil {
		return nil, fmt.Errorf("telecom: db.toml: %w", f.err)
	}
	u, _ := ParseUserDB(nil)
	return &DB{
		Plans: plans.table(), Customers: customers.table(), Lines: lines.table(),
		Bills: bills.table(), Devices: devices.table(), User: u,
	}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// keyed gathers records in file order and rejects duplicate ids, which
// tau2's first-match lookups would silently shadow.
type keyed[T domain.Entity[T]] struct {
	name string
	f    *fieldErrs
	keys []string
	m    map[string]T
}

func newKeyed[T domain.Entity[T]](name string, f *fieldErrs) *keyed[T] {
	return &keyed[T]{name: name, f: f, m: map[string]T{}}
}

func (k *keyed[T]) add(id string, v T) {
	if _, dup := k.m[id]; dup {
		k.f.fail("%s: duplicate id %q", k.name, id)
		return
	}
	k.keys = append(k.keys, id)
	k.m[id] = v
}

func (k *keyed[T]) table() *domain.Table[T] { return domain.NewTable(k.keys, k.m) }
