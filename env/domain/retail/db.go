package retail

import (
	"context"

	"github.com/batonhq/baton/env/domain"
)

// Tables are the retail database's tables, in the order of tau2's
// RetailDB.
type Tables struct {
	Products *domain.Table[*Product] `json:"products" record:"product"` // keyed by product id, e.g. "9523456873"
	Users    *domain.Table[*User]    `json:"users" record:"user"`       // keyed by user id, e.g. "noah_brown_6181"
	Orders   *domain.Table[*Order]   `json:"orders" record:"order"`     // keyed by order id, e.g. "#W2611340"
}

// DB is the retail database: products, users and orders.
type DB = domain.TableDB[Tables]

// Parse builds a database from db.json's content.
func Parse(data []byte) (*DB, error) { return domain.ParseTableDB[Tables]("retail", data) }

// Load reads dir/db.json.
func Load(ctx context.Context, dir string) (*DB, error) {
	return domain.LoadTableDB[Tables](ctx, "retail", dir)
}
