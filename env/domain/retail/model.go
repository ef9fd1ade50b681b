package retail

import (
	"slices"

	"github.com/batonhq/baton/env/domain"
)

// Name is a person's name.
type Name struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// Address is a postal address.
type Address struct {
	Address1 string `json:"address1"`
	Address2 string `json:"address2"`
	City     string `json:"city"`
	Country  string `json:"country"`
	State    string `json:"state"`
	Zip      string `json:"zip"`
}

// PaymentMethod is a credit card (brand, last_four), a gift card (balance,
// a Python float) or a PayPal account.
type PaymentMethod struct {
	Source   string   `json:"source"`
	ID       string   `json:"id"`
	Balance  *float64 `json:"balance,omitempty"`
	Brand    *string  `json:"brand,omitempty"`
	LastFour *string  `json:"last_four,omitempty"`
}

// IsGiftCard reports whether the method is a gift card.
func (p *PaymentMethod) IsGiftCard() bool { return p.Source == "gift_card" }

// EncodePy writes the fields of the pydantic model for the source.
func (p *PaymentMethod) EncodePy(e *domain.PyEncoder) {
	keys := []string{"source", "id"}
	vals := []any{p.Source, p.ID}
	switch p.Source {
	case "credit_card":
		keys = append(keys, "brand", "last_four")
		vals = append(vals, p.Brand, p.LastFour)
	case "gift_card":
		keys = append(keys, "balance")
		vals = append(vals, p.Balance)
	}
	e.Object(keys, func(i int) { e.Value(vals[i]) })
}

func (p *PaymentMethod) clone() *PaymentMethod {
	c := *p
	if p.Balance != nil {
		b := *p.Balance
		c.Balance = &b
	}
	return &c
}

// User is a customer.
type User struct {
	UserID         string                            `json:"user_id"`
	Name           Name                              `json:"name"`
	Address        Address                           `json:"address"`
	Email          string                            `json:"email"`
	PaymentMethods domain.OrderedMap[*PaymentMethod] `json:"payment_methods"`
	Orders         []string                          `json:"orders"`
}

// Clone implements domain.Entity.
func (u *User) Clone() *User {
	c := *u
	c.PaymentMethods = u.PaymentMethods.Clone((*PaymentMethod).clone)
	c.Orders = slices.Clone(u.Orders)
	return &c
}

// Variant is one item (a product with chosen options).
type Variant struct {
	ItemID    string                    `json:"item_id"`
	Options   domain.OrderedMap[string] `json:"options"`
	Available bool                      `json:"available"`
	Price     float64                   `json:"price"`
}

// Product is a product type and its variants.
type Product struct {
	Name      string                      `json:"name"`
	ProductID string                      `json:"product_id"`
	Variants  domain.OrderedMap[*Variant] `json:"variants"`
}

// Clone implements domain.Entity.
func (p *Product) Clone() *Product {
	c := *p
	c.Variants = p.Variants.Clone(func(v *Variant) *Variant {
		x := *v
		x.Options = v.Options.Clone(nil)
		return &x
	})
	return &c
}

// OrderItem is one item of an order.
type OrderItem struct {
	Name      string                    `json:"name"`
	ProductID string                    `json:"product_id"`
	ItemID    string                    `json:"item_id"`
	Price     float64                   `json:"price"`
	Options   domain.OrderedMap[string] `json:"options"`
}

// Fulfillment is a shipment.
type Fulfillment struct {
	TrackingID []string `json:"tracking_id"`
	ItemIDs    []string `json:"item_ids"`
}

// OrderPayment is a payment or refund of an order.
type OrderPayment struct {
	TransactionType string  `json:"transaction_type"`
	Amount          float64 `json:"amount"`
	PaymentMethodID string  `json:"payment_method_id"`
}

// Order is a customer order.
type Order struct {
	OrderID                 string         `json:"order_id"`
	UserID                  string         `json:"user_id"`
	Address                 Address        `json:"address"`
	Items                   []OrderItem    `json:"items"`
	Status                  string         `json:"status"`
	Fulfillments            []Fulfillment  `json:"fulfillments"`
	PaymentHistory          []OrderPayment `json:"payment_history"`
	CancelReason            *string        `json:"cancel_reason"`
	ExchangeItems           *[]string      `json:"exchange_items"`
	ExchangeNewItems        *[]string      `json:"exchange_new_items"`
	ExchangePaymentMethodID *string        `json:"exchange_payment_method_id"`
	ExchangePriceDifference *float64       `json:"exchange_price_difference"`
	ReturnItems             *[]string      `json:"return_items"`
	ReturnPaymentMethodID   *string        `json:"return_payment_method_id"`
}

// Clone implements domain.Entity.
func (o *Order) Clone() *Order {
	c := *o
	c.Items = make([]OrderItem, len(o.Items))
	for i, it := range o.Items {
		it.Options = it.Options.Clone(nil)
		c.Items[i] = it
	}
	c.Fulfillments = make([]Fulfillment, len(o.Fulfillments))
	for i, f := range o.Fulfillments {
		c.Fulfillments[i] = Fulfillment{TrackingID: slices.Clone(f.TrackingID), ItemIDs: slices.Clone(f.ItemIDs)}
	}
	c.PaymentHistory = slices.Clone(o.PaymentHistory)
	c.CancelReason = cloneP(o.CancelReason)
	c.ExchangeItems = cloneSlice(o.ExchangeItems)
	c.ExchangeNewItems = cloneSlice(o.ExchangeNewItems)
	c.ExchangePaymentMethodID = cloneP(o.ExchangePaymentMethodID)
	c.ExchangePriceDifference = cloneP(o.ExchangePriceDifference)
	c.ReturnItems = cloneSlice(o.ReturnItems)
	c.ReturnPaymentMethodID = cloneP(o.ReturnPaymentMethodID)
	return &c
}

func cloneP[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneSlice(p *[]string) *[]string {
	if p == nil {
		return nil
	}
	s := slices.Clone(*p)
	return &s
}
