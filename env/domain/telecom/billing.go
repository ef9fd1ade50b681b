package telecom

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/batonhq/baton/env/domain"
)

func (d Date) time() time.Time {
	t, _ := time.Parse("2006-01-02", string(d))
	return t
}

func dateOf(t time.Time) Date { return Date(t.Format("2006-01-02")) }

func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// cycleEnd is the last day of today's billing month, computed as tau2 does
// (in December it steps back to the previous year's last day).
func cycleEnd(today Date) Date {
	t := today.time()
	y, m := t.Year(), t.Month()+1
	if t.Month() == 12 {
		m = 1
	}
	return dateOf(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1))
}

// newBillID replaces tau2's random "B" + uuid4 hex: a rollout must hash
// the same every time, so the id is derived from the customer and the
// number of bills.
func (db *DB) newBillID(customerID string) string {
	for n := db.Bills.Len(); ; n++ {
		sum := sha256.Sum256([]byte("telecom-bill:" + customerID + ":" + strconv.Itoa(n)))
		id := "B" + hex.EncodeToString(sum[:4])
		if !db.Bills.Has(id) {
			return id
		}
	}
}

// oneTimeCharge adds a charge (or a negative credit) to the customer's
// draft bill, opening next month's draft bill when there is none.
func (db *DB) oneTimeCharge(customerID string, amount float64, desc string) error {
	c, err := db.customer(customerID)
	if err != nil {
		return err
	}
	draftID := ""
	for _, id := range c.BillIDs {
		b, err := db.bill(id)
		if err != nil {
			return err
		}
		if b.Status == BillDraft {
			draftID = id
			break
		}
	}
	var draft *Bill
	if draftID == "" {
		next := firstOfMonth(firstOfMonth(Today.time()).AddDate(0, 0, 32))
		draft = &Bill{
			BillID: db.newBillID(customerID), CustomerID: customerID,
			PeriodStart: dateOf(next), PeriodEnd: dateOf(next.AddDate(0, 1, 0).AddDate(0, 0, -1)),
			IssueDate: dateOf(next), DueDate: dateOf(next.AddDate(0, 0, 14)),
			LineItems: []LineItem{}, Status: BillDraft,
		}
		db.Bills.Put(draft.BillID, draft)
		cu, _ := db.Customers.Edit(customerID)
		cu.BillIDs = append(cu.BillIDs, draft.BillID)
	} else {
		draft, _ = db.Bills.Edit(draftID)
	}
	kind := "Charge"
	if amount < 0 {
		kind = "Credit"
	}
	draft.LineItems = append(draft.LineItems, LineItem{Description: desc, Amount: amount, Date: Today, ItemType: kind})
	draft.TotalDue += amount
	return nil
}

// suspendForOverdue is tau2's suspend_line_for_overdue_bill: it adds last
// month's unpaid bill for the line's plan and suspends the line.
func (db *DB) suspendForOverdue(customerID, lineID, newBillID string, contractEnded bool) (string, error) {
	l, err := db.line(lineID)
	if err != nil {
		return "", err
	}
	if l.Status != LineActive {
		return "", domain.Errorf("Line must be active to suspend for unpaid bill")
	}
	p, err := db.plan(l.PlanID)
	if err != nil {
		return "", err
	}
	amount := p.PricePerMonth
	if amount <= 0 {
		return "", domain.Errorf("Amount must be positive for overdue bill")
	}
	c, err := db.customer(customerID)
	if err != nil {
		return "", err
	}
	for _, id := range c.BillIDs {
		b, err := db.bill(id)
		if err != nil {
			return "", err
		}
		if b.Status == BillOverdue {
			return "", domain.Errorf("Customer already has an overdue bill")
		}
	}
	if db.Bills.Has(newBillID) {
		return "", fmt.Errorf("bill %s already exists (tau2 would append a shadowed duplicate)", newBillID)
	}
	first := firstOfMonth(Today.time())
	lastOfPrev := first.AddDate(0, 0, -1)
	firstOfPrev := firstOfMonth(lastOfPrev)
	db.Bills.Put(newBillID, &Bill{
		BillID: newBillID, CustomerID: customerID,
		PeriodStart: dateOf(firstOfPrev), PeriodEnd: dateOf(lastOfPrev), IssueDate: dateOf(firstOfPrev),
		TotalDue: amount, DueDate: dateOf(firstOfPrev.AddDate(0, 0, 14)),
		LineItems: []LineItem{{Description: "Charge for line " + l.LineID, Amount: amount, Date: Today, ItemType: "Charge"}},
		Status:    BillOverdue,
	})
	cu, _ := db.Customers.Edit(customerID)
	cu.BillIDs = append(cu.BillIDs, newBillID)
	l, _ = db.Lines.Edit(lineID)
	today := Today
	l.Status, l.SuspensionStartDate = LineSuspended, &today
	if contractEnded {
		end := dateOf(lastOfPrev)
		l.ContractEndDate = &end
	}
	return fmt.Sprintf("Line %s suspended for unpaid bill %s. Contract ended: %s", lineID, newBillID, pyBool(contractEnded)), nil
}

// Sync brings the user's side in line with the agent's, as tau2's
// TelecomEnvironment.sync_tools does after every call: the line's status
// and roaming, whether the data allowance is spent, a paid payment request
// marks its bill paid, and a bill awaiting payment becomes the user's
// payment request. It does nothing before the user's phone number is set.
func (db *DB) Sync() error {
	s := &db.User.Surroundings
	if s.PhoneNumber == nil {
		return nil
	}
	phone := *s.PhoneNumber
	l, err := db.lineByPhone(phone)
	if err != nil {
		return err
	}
	s.LineActive = l.Status == LineActive
	s.RoamingAllowed = l.RoamingEnabled
	p, err := db.plan(l.PlanID)
	if err != nil {
		return err
	}
	s.MobileDataUsageExceeded = l.DataUsedGB.F >= p.DataLimitGB+l.DataRefuelingGB
	if pr := s.PaymentRequest; pr != nil && pr.Paid {
		if _, err := db.bill(pr.BillID); err != nil {
			return err
		}
		b, _ := db.Bills.Edit(pr.BillID)
		b.Status = BillPaid
		s.PaymentRequest = nil
	}
	if s.PaymentRequest == nil {
		c, err := db.customerByPhone(phone)
		if err != nil {
			return err
		}
		waiting, err := db.billsAwaitingPayment(c)
		if err != nil {
			return err
		}
		if len(waiting) > 0 {
			s.PaymentRequest = &PaymentRequest{BillID: waiting[0].BillID, AmountDue: waiting[0].TotalDue}
		}
	}
	return nil
}
