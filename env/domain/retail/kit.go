package retail

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/batonhq/baton/env/domain"
)

func init() { domain.Register(Kit{}) }

// Kit is the retail domain's [domain.Kit].
type Kit struct{}

var _ domain.Kit = Kit{}

// Name implements domain.Kit.
func (Kit) Name() string { return "retail" }

// Layout implements domain.Kit.
func (Kit) Layout() domain.Layout {
	return domain.Layout{Policy: "policy.md", Tasks: "tasks.json", Splits: "split_tasks.json"}
}

// Load implements domain.Kit.
func (Kit) Load(ctx context.Context, dir string) (domain.DB, error) { return Load(ctx, dir) }

// Tools implements domain.Kit.
func (Kit) Tools() []domain.Tool {
	return []domain.Tool{
		domain.CalculateTool(), cancelPendingOrder(), exchangeDeliveredOrderItems(),
		findUserIDByNameZip(), findUserIDByEmail(), getOrderDetails(), getProductDetails(),
		getItemDetails(), getUserDetails(), listAllProductTypes(), modifyPendingOrderAddress(),
		modifyPendingOrderItems(), modifyPendingOrderPayment(), modifyUserAddress(),
		returnDeliveredOrderItems(), domain.ThinkTool(), domain.TransferTool(),
	}
}

// of views a rollout's database through the tool helpers.
func of(db domain.DB) *tools { return &tools{db: &db.(*DB).T} }

type tools struct{ db *Tables }

func (t *tools) order(id string) (*Order, error) {
	o, ok := t.db.Orders.Get(id)
	if !ok {
		return nil, domain.Errorf("Order not found")
	}
	return o, nil
}

func (t *tools) user(id string) (*User, error) {
	u, ok := t.db.Users.Get(id)
	if !ok {
		return nil, domain.Errorf("User not found")
	}
	return u, nil
}

func (t *tools) product(id string) (*Product, error) {
	p, ok := t.db.Products.Get(id)
	if !ok {
		return nil, domain.Errorf("Product not found")
	}
	return p, nil
}

func (t *tools) variant(productID, itemID string) (*Variant, error) {
	p, err := t.product(productID)
	if err != nil {
		return nil, err
	}
	v, ok := p.Variants.Get(itemID)
	if !ok {
		return nil, domain.Errorf("Variant not found")
	}
	return v, nil
}

func (t *tools) paymentMethod(userID, id string) (*PaymentMethod, error) {
	u, err := t.user(userID)
	if err != nil {
		return nil, err
	}
	pm, ok := u.PaymentMethods.Get(id)
	if !ok {
		return nil, domain.Errorf("Payment method not found")
	}
	return pm, nil
}

// editPaymentMethod returns the rollout's own copy of a payment method.
func (t *tools) editPaymentMethod(userID, id string) *PaymentMethod {
	u, _ := t.db.Users.Edit(userID)
	pm, _ := u.PaymentMethods.Get(id)
	return pm
}

const (
	orderIDDesc   = "The order id, such as '#W0000000'. Be careful there is a '#' symbol at the beginning of the order id."
	productIDDesc = "The product id, such as '6086499569'. Be careful the product id is different from the item id."
	userIDDesc    = "The user id, such as 'sara_doe_496'."
	paymentDesc   = "The payment method id to pay or receive refund for the item price difference, such as 'gift_card_0000000' or 'credit_card_0000000'. These can be looked up from the user or order details."
)

func one(name, desc, param, paramDesc string, call func(t *tools, v string) (string, error)) domain.Tool {
	return domain.Tool{
		Name:        name,
		Description: desc,
		Parameters:  domain.Schema(map[string]any{param: domain.Str(paramDesc)}, param),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in map[string]json.RawMessage
			if err := domain.DecodeArgs(name, args, &in); err != nil {
				return "", err
			}
			var v string
			if raw, ok := in[param]; ok {
				if err := json.Unmarshal(raw, &v); err != nil {
					return "", domain.Errorf("%s() got invalid arguments: %s must be a string", name, param)
				}
			}
			return call(t, v)
		},
	}
}

func findUserIDByNameZip() domain.Tool {
	return domain.Tool{
		Name:        "find_user_id_by_name_zip",
		Description: "Find user id by first name, last name, and zip code. If the user is not found, the function will return an error message. By default, find user id by email, and only call this function if the user is not found by email or cannot remember email.",
		Parameters: domain.Schema(map[string]any{
			"first_name": domain.Str("The first name of the customer, such as 'John'."),
			"last_name":  domain.Str("The last name of the customer, such as 'Doe'."),
			"zip":        domain.Str("The zip code of the customer, such as '12345'."),
		}, "first_name", "last_name", "zip"),
		Call: func(db domain.DB, args json.RawMessage) (string, error) {
			t := of(db)
			var in struct {
				FirstName string `json:"first_name"`
				LastName  string `json:"last_name"`
				Zip       string `json:"zip"`
			}
			if err := domain.DecodeArgs("find_user_id_by_name_zip", args, &in); err != nil {
				return "", err
			}
			first, last := strings.ToLower(in.FirstName), strings.ToLower(in.LastName)
			found := ""
			t.db.Users.All(func(id string, u *User) bool {
				if strings.ToLower(u.Name.FirstName) == first && strings.ToLower(u.Name.LastName) == last && u.Address.Zip == in.Zip {
					found = id
					return false
				}
				return true
			})
			if found == "" {
				return "", domain.Errorf("User not found")
			}
			return found, nil
		},
	}
}

func findUserIDByEmail() domain.Tool {
	return one("find_user_id_by_email",
		"Find user id by email. If the user is not found, the function will return an error message.",
		"email", "The email of the user, such as 'something@example.com'.",
		func(t *tools, email string) (string, error) {
			want := strings.ToLower(email)
			found := ""
			t.db.Users.All(func(id string, u *User) bool {
				if strings.ToLower(u.Email) == want {
					found = id
					return false
				}
				return true
			})
			if found == "" {
				return "", domain.Errorf("User not found")
			}
			return found, nil
		})
}

func getOrderDetails() domain.Tool {
	return one("get_order_details", "Get the status and details of an order.", "order_id", orderIDDesc,
		func(t *tools, id string) (string, error) {
			o, err := t.order(id)
			if err != nil {
				return "", err
			}
			return domain.PyJSON(o), nil
		})
}

func getProductDetails() domain.Tool {
	return one("get_product_details", "Get the inventory details of a product.", "product_id", productIDDesc,
		func(t *tools, id string) (string, error) {
			p, err := t.product(id)
			if err != nil {
				return "", err
			}
			return domain.PyJSON(p), nil
		})
}

func getItemDetails() domain.Tool {
	return one("get_item_details", "Get the inventory details of an item.", "item_id",
		"The item id, such as '6086499569'. Be careful the item id is different from the product id.",
		func(t *tools, id string) (string, error) {
			var found *Variant
			t.db.Products.All(func(_ string, p *Product) bool {
				if v, ok := p.Variants.Get(id); ok {
					found = v
					return false
				}
				return true
			})
			if found == nil {
				return "", domain.Errorf("Item not found")
			}
			return domain.PyJSON(found), nil
		})
}

func getUserDetails() domain.Tool {
	return one("get_user_details", "Get the details of a user, including their orders.", "user_id", userIDDesc,
		func(t *tools, id string) (string, error) {
			u, err := t.user(id)
			if err != nil {
				return "", err
			}
			return domain.PyJSON(u), nil
		})
}

func listAllProductTypes() domain.Tool {
	return domain.Tool{
		Name:        "list_all_product_types",
		Description: "List the name and product id of all product types.\nEach product type has a variety of different items with unique item ids and options.\nThere are only 50 product types in the store.",
		Parameters:  domain.Schema(map[string]any{}),
		Call: func(db domain.DB, _ json.RawMessage) (string, error) {
			t := of(db)
			var m domain.OrderedMap[string]
			t.db.Products.All(func(_ string, p *Product) bool {
				m.Set(p.Name, p.ProductID)
				return true
			})
			return string(domain.PyJSONSorted(m)), nil
		},
	}
}
