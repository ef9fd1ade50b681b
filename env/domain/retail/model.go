package retail

import (
	"slices"

	"github.com/batonhq/baton/env/domain"
)

// Name is a person's name.
type Name struct {
	FirstName string `json:"first_name"` // given name
	LastName  string `json:"last_name"`  // family name
}

// Address is a postal address.
type Address struct {
	Address1 string `json:"address1"` // street line
	Address2 string `json:"address2"` // second line, e.g. "Suite 991"; may be empty
	City     string `json:"city"`     // city name
	Country  string `json:"country"`  // country name, e.g. "USA"
	State    string `json:"state"`    // state code, e.g. "NY"
	Zip      string `json:"zip"`      // postal code
}

// PaymentMethod is a credit card (brand, last_four), a gift card (balance,
// a Python float) or a PayPal account.
type PaymentMethod struct {
	Source   string   `json:"source"`              // "credit_card", "gift_card" or "paypal"
	ID       string   `json:"id"`                  // payment method id, e.g. "paypal_5727330"; the key in User.PaymentMethods
	Balance  *float64 `json:"balance,omitempty"`   // gift card balance in dollars; nil for other sources
	Brand    *string  `json:"brand,omitempty"`     // card brand, e.g. "mastercard"; credit cards only
	LastFour *string  `json:"last_four,omitempty"` // last four card digits; credit cards only
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
	UserID         string                            `json:"user_id"`         // user id, e.g. "noah_brown_6181"
	Name           Name                              `json:"name"`            // the customer's name
	Address        Address                           `json:"address"`         // default shipping address
	Email          string                            `json:"email"`           // contact email
	PaymentMethods domain.OrderedMap[*PaymentMethod] `json:"payment_methods"` // payment methods keyed by id, in the data's order
	Orders         []string                          `json:"orders"`          // ids of the user's orders, e.g. "#W7678072"
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
	ItemID    string                    `json:"item_id"`   // the item's id, e.g. "9612497925"; the key in Product.Variants
	Options   domain.OrderedMap[string] `json:"options"`   // option name → value, e.g. "color": "blue", in the data's order
	Available bool                      `json:"available"` // in stock and orderable
	Price     float64                   `json:"price"`     // unit price in dollars
}

// Product is a product type and its variants.
type Product struct {
	Name      string                      `json:"name"`       // product type name, e.g. "T-Shirt"
	ProductID string                      `json:"product_id"` // product id, e.g. "9523456873"
	Variants  domain.OrderedMap[*Variant] `json:"variants"`   // variants keyed by item id
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
	Name      string                    `json:"name"`       // product type name
	ProductID string                    `json:"product_id"` // the product's id
	ItemID    string                    `json:"item_id"`    // the variant ordered
	Price     float64                   `json:"price"`      // price paid in dollars
	Options   domain.OrderedMap[string] `json:"options"`    // the variant's options
}

// Fulfillment is a shipment.
type Fulfillment struct {
	TrackingID []string `json:"tracking_id"` // carrier tracking numbers
	ItemIDs    []string `json:"item_ids"`    // item ids shipped in it
}

// OrderPayment is a payment or refund of an order.
type OrderPayment struct {
	TransactionType string  `json:"transaction_type"`  // "payment" or "refund"
	Amount          float64 `json:"amount"`            // dollars
	PaymentMethodID string  `json:"payment_method_id"` // payment method charged or refunded
}

// Order is a customer order.
type Order struct {
	OrderID                 string         `json:"order_id"`                   // e.g. "#W2611340"
	UserID                  string         `json:"user_id"`                    // the ordering user's id
	Address                 Address        `json:"address"`                    // shipping address
	Items                   []OrderItem    `json:"items"`                      // items ordered; an item id may repeat
	Status                  string         `json:"status"`                     // "pending", "processed", "delivered", "cancelled", "pending (item modified)", "exchange requested" or "return requested"
	Fulfillments            []Fulfillment  `json:"fulfillments"`               // shipments so far
	PaymentHistory          []OrderPayment `json:"payment_history"`            // payments and refunds, in order
	CancelReason            *string        `json:"cancel_reason"`              // "no longer needed" or "ordered by mistake" once cancelled; nil otherwise
	ExchangeItems           *[]string      `json:"exchange_items"`             // item ids to exchange; nil until an exchange is requested
	ExchangeNewItems        *[]string      `json:"exchange_new_items"`         // replacement item ids, pairwise with ExchangeItems
	ExchangePaymentMethodID *string        `json:"exchange_payment_method_id"` // payment method for the exchange's price difference
	ExchangePriceDifference *float64       `json:"exchange_price_difference"`  // new items' price minus old items', dollars
	ReturnItems             *[]string      `json:"return_items"`               // item ids to return; nil until a return is requested
	ReturnPaymentMethodID   *string        `json:"return_payment_method_id"`   // payment method the refund goes to
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
