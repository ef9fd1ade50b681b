package retail

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/batonhq/baton/env/domain"
)

func itemIDs(desc string) map[string]any {
	return map[string]any{"type": "array", "description": desc, "items": map[string]any{"type": "string"}}
}

var addressProps = map[string]any{
	"address1": domain.Str("The first line of the address, such as '123 Main St'."),
	"address2": domain.Str("The second line of the address, such as 'Apt 1' or ''."),
	"city":     domain.Str("The city, such as 'San Francisco'."),
	"state":    domain.Str("The state, such as 'CA'."),
	"country":  domain.Str("The country, such as 'USA'."),
	"zip":      domain.Str("The zip code, such as '12345'."),
}

func withProps(base map[string]any, extra map[string]any) map[string]any {
	m := map[string]any{}
	for k, v := range base {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

type addressArgs struct {
	Address1 string `json:"address1"`
	Address2 string `json:"address2"`
	City     string `json:"city"`
	State    string `json:"state"`
	Country  string `json:"country"`
	Zip      string `json:"zip"`
}

func (a addressArgs) address() Address {
	return Address{Address1: a.Address1, Address2: a.Address2, City: a.City, Country: a.Country, State: a.State, Zip: a.Zip}
}

// count is Python's list.count.
func count(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func orderItemIDs(o *Order) []string {
	ids := make([]string, len(o.Items))
	for i, it := range o.Items {
		ids[i] = it.ItemID
	}
	return ids
}

func sorted(s []string) *[]string {
	c := slices.Clone(s)
	if c == nil {
		c = []string{}
	}
	sort.Strings(c)
	return &c
}

func cancelPendingOrder() domain.Tool {
	return domain.Tool{
		Name:        "cancel_pending_order",
		Description: "Cancel a pending order. If the order is already processed or delivered, it cannot be cancelled. The agent needs to explain the cancellation detail and ask for explicit user confirmation (yes/no) to proceed. If the user confirms, the order status will be changed to 'cancelled' and the payment will be refunded. The refund will be added to the user's gift card balance immediately if the payment was made using a gift card, otherwise the refund would take 5-7 business days to process. The function returns the order details after the cancellation.",
		Mutates:     true,
		Parameters: domain.Schema(map[string]any{
			"order_id": domain.Str(orderIDDesc),
			"reason":   domain.Str("The reason for cancellation, which should be either 'no longer needed' or 'ordered by mistake'."),
		}, "order_id", "reason"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				OrderID string `json:"order_id"`
				Reason  string `json:"reason"`
			}
			if err := domain.DecodeArgs("cancel_pending_order", args, &in); err != nil {
				return "", err
			}
			o, err := t.order(in.OrderID)
			if err != nil {
				return "", err
			}
			if o.Status != "pending" {
				return "", domain.Errorf("Non-pending order cannot be cancelled")
			}
			if in.Reason != "no longer needed" && in.Reason != "ordered by mistake" {
				return "", domain.Errorf("Invalid reason")
			}
			var refunds []OrderPayment
			for _, p := range o.PaymentHistory {
				refunds = append(refunds, OrderPayment{TransactionType: "refund", Amount: p.Amount, PaymentMethodID: p.PaymentMethodID})
				pm, err := t.paymentMethod(o.UserID, p.PaymentMethodID)
				if err != nil {
					return "", err
				}
				if pm.IsGiftCard() {
					pm = t.editPaymentMethod(o.UserID, p.PaymentMethodID)
					b := domain.PyRound(*pm.Balance+p.Amount, 2)
					pm.Balance = &b
				}
			}
			o, _ = t.db.Orders.Edit(in.OrderID)
			o.Status = "cancelled"
			reason := in.Reason
			o.CancelReason = &reason
			o.PaymentHistory = append(o.PaymentHistory, refunds...)
			return domain.PyJSON(o), nil
		},
	}
}

type swapArgs struct {
	OrderID         string   `json:"order_id"`
	ItemIDs         []string `json:"item_ids"`
	NewItemIDs      []string `json:"new_item_ids"`
	PaymentMethodID string   `json:"payment_method_id"`
}

var swapParams = func(verb string) json.RawMessage {
	return domain.Schema(map[string]any{
		"order_id":          domain.Str(orderIDDesc),
		"item_ids":          itemIDs("The item ids to be " + verb + ", each such as '1008292230'. There could be duplicate items in the list."),
		"new_item_ids":      itemIDs("The item ids to be " + verb + " for, each such as '1008292230'. There could be duplicate items in the list. Each new item id should match the item id in the same position and be of the same product."),
		"payment_method_id": domain.Str(paymentDesc),
	}, "order_id", "item_ids", "new_item_ids", "payment_method_id")
}

func exchangeDeliveredOrderItems() domain.Tool {
	return domain.Tool{
		Name:        "exchange_delivered_order_items",
		Description: "Exchange items in a delivered order to new items of the same product type. For a delivered order, return or exchange can be only done once by the agent. The agent needs to explain the exchange detail and ask for explicit user confirmation (yes/no) to proceed.",
		Mutates:     true,
		Parameters:  swapParams("exchanged"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in swapArgs
			if err := domain.DecodeArgs("exchange_delivered_order_items", args, &in); err != nil {
				return "", err
			}
			o, err := t.order(in.OrderID)
			if err != nil {
				return "", err
			}
			if o.Status != "delivered" {
				return "", domain.Errorf("Non-delivered order cannot be exchanged")
			}
			all := orderItemIDs(o)
			for _, id := range in.ItemIDs {
				if count(in.ItemIDs, id) > count(all, id) {
					return "", domain.Errorf("Number of %s not found.", id)
				}
			}
			if len(in.ItemIDs) != len(in.NewItemIDs) {
				return "", domain.Errorf("The number of items to be exchanged should match.")
			}
			diff := 0.0
			for i, id := range in.ItemIDs {
				item := firstItem(o, id)
				if item == nil {
					return "", domain.Errorf("Item %s not found", id)
				}
				v, err := t.variant(item.ProductID, in.NewItemIDs[i])
				if err != nil {
					return "", err
				}
				if !v.Available {
					return "", domain.Errorf("New item %s not found or available", in.NewItemIDs[i])
				}
				diff += v.Price - item.Price
			}
			diff = domain.PyRound(diff, 2)
			pm, err := t.paymentMethod(o.UserID, in.PaymentMethodID)
			if err != nil {
				return "", err
			}
			if pm.IsGiftCard() && *pm.Balance < diff {
				return "", domain.Errorf("Insufficient gift card balance to pay for the price difference")
			}
			o, _ = t.db.Orders.Edit(in.OrderID)
			o.Status = "exchange requested"
			o.ExchangeItems = sorted(in.ItemIDs)
			o.ExchangeNewItems = sorted(in.NewItemIDs)
			pmid := in.PaymentMethodID
			o.ExchangePaymentMethodID = &pmid
			o.ExchangePriceDifference = &diff
			return domain.PyJSON(o), nil
		},
	}
}

func firstItem(o *Order, id string) *OrderItem {
	for i := range o.Items {
		if o.Items[i].ItemID == id {
			return &o.Items[i]
		}
	}
	return nil
}

func modifyPendingOrderAddress() domain.Tool {
	return domain.Tool{
		Name:        "modify_pending_order_address",
		Description: "Modify the shipping address of a pending order. The agent needs to explain the modification detail and ask for explicit user confirmation (yes/no) to proceed.",
		Mutates:     true,
		Parameters: domain.Schema(withProps(addressProps, map[string]any{"order_id": domain.Str(orderIDDesc)}),
			"order_id", "address1", "address2", "city", "state", "country", "zip"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				OrderID string `json:"order_id"`
				addressArgs
			}
			if err := domain.DecodeArgs("modify_pending_order_address", args, &in); err != nil {
				return "", err
			}
			o, err := t.order(in.OrderID)
			if err != nil {
				return "", err
			}
			if !strings.Contains(o.Status, "pending") {
				return "", domain.Errorf("Non-pending order cannot be modified")
			}
			o, _ = t.db.Orders.Edit(in.OrderID)
			o.Address = in.address()
			return domain.PyJSON(o), nil
		},
	}
}

func modifyPendingOrderItems() domain.Tool {
	return domain.Tool{
		Name:        "modify_pending_order_items",
		Description: "Modify items in a pending order to new items of the same product type. For a pending order, this function can only be called once. The agent needs to explain the exchange detail and ask for explicit user confirmation (yes/no) to proceed.",
		Mutates:     true,
		Parameters:  swapParams("modified"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in swapArgs
			if err := domain.DecodeArgs("modify_pending_order_items", args, &in); err != nil {
				return "", err
			}
			o, err := t.order(in.OrderID)
			if err != nil {
				return "", err
			}
			if o.Status != "pending" {
				return "", domain.Errorf("Non-pending order cannot be modified")
			}
			all := orderItemIDs(o)
			for _, id := range in.ItemIDs {
				if count(in.ItemIDs, id) > count(all, id) {
					return "", domain.Errorf("%s not found", id)
				}
			}
			if len(in.ItemIDs) != len(in.NewItemIDs) {
				return "", domain.Errorf("The number of items to be exchanged should match")
			}
			// Python starts from the int 0; the sum is a float once an item
			// is added, and pydantic stores 0 as 0.0 anyway.
			diff := 0.0
			var last *Variant
			for i, id := range in.ItemIDs {
				if id == in.NewItemIDs[i] {
					return "", domain.Errorf("The new item id should be different from the old item id")
				}
				item := firstItem(o, id)
				if item == nil {
					return "", domain.Errorf("Item %s not found", id)
				}
				v, err := t.variant(item.ProductID, in.NewItemIDs[i])
				if err != nil {
					return "", err
				}
				if !v.Available {
					return "", domain.Errorf("New item %s not found or available", in.NewItemIDs[i])
				}
				diff += v.Price - item.Price
				last = v
			}
			pm, err := t.paymentMethod(o.UserID, in.PaymentMethodID)
			if err != nil {
				return "", err
			}
			if pm.IsGiftCard() && *pm.Balance < diff {
				return "", domain.Errorf("Insufficient gift card balance to pay for the new item")
			}
			kind := "refund"
			if diff > 0 {
				kind = "payment"
			}
			o, _ = t.db.Orders.Edit(in.OrderID)
			o.PaymentHistory = append(o.PaymentHistory, OrderPayment{TransactionType: kind, Amount: math.Abs(diff), PaymentMethodID: in.PaymentMethodID})
			if pm.IsGiftCard() {
				pm = t.editPaymentMethod(o.UserID, in.PaymentMethodID)
				b := domain.PyRound(*pm.Balance-diff, 2)
				pm.Balance = &b
			}
			// At the pinned commit every modified item takes the price and
			// options of the last variant checked above (a stale loop
			// variable in tau2), while its item_id is set correctly; the
			// recorded trajectories show it, so it is kept.
			for i, id := range in.ItemIDs {
				item := firstItem(o, id)
				if item == nil {
					return "", domain.Errorf("Item %s not found", id)
				}
				item.ItemID = in.NewItemIDs[i]
				item.Price = last.Price
				item.Options = last.Options.Clone(nil)
			}
			o.Status = "pending (item modified)"
			return domain.PyJSON(o), nil
		},
	}
}

func modifyPendingOrderPayment() domain.Tool {
	return domain.Tool{
		Name:        "modify_pending_order_payment",
		Description: "Modify the payment method of a pending order. The agent needs to explain the modification detail and ask for explicit user confirmation (yes/no) to proceed.",
		Mutates:     true,
		Parameters: domain.Schema(map[string]any{
			"order_id":          domain.Str(orderIDDesc),
			"payment_method_id": domain.Str(paymentDesc),
		}, "order_id", "payment_method_id"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				OrderID         string `json:"order_id"`
				PaymentMethodID string `json:"payment_method_id"`
			}
			if err := domain.DecodeArgs("modify_pending_order_payment", args, &in); err != nil {
				return "", err
			}
			o, err := t.order(in.OrderID)
			if err != nil {
				return "", err
			}
			if !strings.Contains(o.Status, "pending") {
				return "", domain.Errorf("Non-pending order cannot be modified")
			}
			pm, err := t.paymentMethod(o.UserID, in.PaymentMethodID)
			if err != nil {
				return "", err
			}
			if len(o.PaymentHistory) != 1 || o.PaymentHistory[0].TransactionType != "payment" {
				return "", domain.Errorf("There should be exactly one payment for a pending order")
			}
			first := o.PaymentHistory[0]
			if first.PaymentMethodID == in.PaymentMethodID {
				return "", domain.Errorf("The new payment method should be different from the current one")
			}
			amount := first.Amount
			if pm.IsGiftCard() && *pm.Balance < amount {
				return "", domain.Errorf("Insufficient gift card balance to pay for the order")
			}
			o, _ = t.db.Orders.Edit(in.OrderID)
			o.PaymentHistory = append(o.PaymentHistory,
				OrderPayment{TransactionType: "payment", Amount: amount, PaymentMethodID: in.PaymentMethodID},
				OrderPayment{TransactionType: "refund", Amount: amount, PaymentMethodID: first.PaymentMethodID})
			if pm.IsGiftCard() {
				pm = t.editPaymentMethod(o.UserID, in.PaymentMethodID)
				b := domain.PyRound(*pm.Balance-amount, 2)
				pm.Balance = &b
			}
			old, err := t.paymentMethod(o.UserID, first.PaymentMethodID)
			if err != nil {
				return "", err
			}
			if old.IsGiftCard() {
				old = t.editPaymentMethod(o.UserID, first.PaymentMethodID)
				b := domain.PyRound(*old.Balance+amount, 2)
				old.Balance = &b
			}
			return domain.PyJSON(o), nil
		},
	}
}

func modifyUserAddress() domain.Tool {
	return domain.Tool{
		Name:        "modify_user_address",
		Description: "Modify the default address of a user. The agent needs to explain the modification detail and ask for explicit user confirmation (yes/no) to proceed.",
		Mutates:     true,
		Parameters: domain.Schema(withProps(addressProps, map[string]any{"user_id": domain.Str(userIDDesc)}),
			"user_id", "address1", "address2", "city", "state", "country", "zip"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				UserID string `json:"user_id"`
				addressArgs
			}
			if err := domain.DecodeArgs("modify_user_address", args, &in); err != nil {
				return "", err
			}
			if _, err := t.user(in.UserID); err != nil {
				return "", err
			}
			u, _ := t.db.Users.Edit(in.UserID)
			u.Address = in.address()
			return domain.PyJSON(u), nil
		},
	}
}

func returnDeliveredOrderItems() domain.Tool {
	return domain.Tool{
		Name:        "return_delivered_order_items",
		Description: "Return some items of a delivered order. The order status will be changed to 'return requested'. The agent needs to explain the return detail and ask for explicit user confirmation (yes/no) to proceed. The user will receive follow-up email for how and where to return the item.",
		Mutates:     true,
		Parameters: domain.Schema(map[string]any{
			"order_id":          domain.Str(orderIDDesc),
			"item_ids":          itemIDs("The item ids to be returned, each such as '1008292230'. There could be duplicate items in the list."),
			"payment_method_id": domain.Str(paymentDesc),
		}, "order_id", "item_ids", "payment_method_id"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				OrderID         string   `json:"order_id"`
				ItemIDs         []string `json:"item_ids"`
				PaymentMethodID string   `json:"payment_method_id"`
			}
			if err := domain.DecodeArgs("return_delivered_order_items", args, &in); err != nil {
				return "", err
			}
			o, err := t.order(in.OrderID)
			if err != nil {
				return "", err
			}
			if o.Status != "delivered" {
				return "", domain.Errorf("Non-delivered order cannot be returned")
			}
			if _, err := t.user(o.UserID); err != nil {
				return "", err
			}
			pm, err := t.paymentMethod(o.UserID, in.PaymentMethodID)
			if err != nil {
				return "", err
			}
			if !pm.IsGiftCard() && (len(o.PaymentHistory) == 0 || in.PaymentMethodID != o.PaymentHistory[0].PaymentMethodID) {
				if len(o.PaymentHistory) == 0 {
					return "", domain.Errorf("list index out of range")
				}
				return "", domain.Errorf("Payment method should be the original payment method")
			}
			all := orderItemIDs(o)
			for _, id := range in.ItemIDs {
				if count(in.ItemIDs, id) > count(all, id) {
					return "", domain.Errorf("Some item not found")
				}
			}
			o, _ = t.db.Orders.Edit(in.OrderID)
			o.Status = "return requested"
			o.ReturnItems = sorted(in.ItemIDs)
			pmid := in.PaymentMethodID
			o.ReturnPaymentMethodID = &pmid
			return domain.PyJSON(o), nil
		},
	}
}
