package retail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/batonhq/baton/env/domain"
)

// DB is the retail database: products, users and orders.
type DB struct {
	Products *domain.Table[*Product] // keyed by product id, e.g. "9523456873"
	Users    *domain.Table[*User]    // keyed by user id, e.g. "noah_brown_6181"
	Orders   *domain.Table[*Order]   // keyed by order id, e.g. "#W2611340"
}

var _ domain.DB = (*DB)(nil)

// Fork implements domain.DB.
func (db *DB) Fork() domain.DB {
	return &DB{Products: db.Products.Fork(), Users: db.Users.Fork(), Orders: db.Orders.Fork()}
}

// Hash implements domain.DB.
func (db *DB) Hash() string {
	h := sha256.New()
	db.Products.HashInto(h, "products")
	db.Users.HashInto(h, "users")
	db.Orders.HashInto(h, "orders")
	return hex.EncodeToString(h.Sum(nil))
}

// EncodePy writes the whole database as tau2's RetailDB.model_dump().
func (db *DB) EncodePy(e *domain.PyEncoder) {
	e.Object([]string{"products", "users", "orders"}, func(i int) {
		switch i {
		case 0:
			e.Value(db.Products)
		case 1:
			e.Value(db.Users)
		default:
			e.Value(db.Orders)
		}
	})
}

type rawDB struct {
	Products domain.OrderedMap[*Product] `json:"products"`
	Users    domain.OrderedMap[*User]    `json:"users"`
	Orders   domain.OrderedMap[*Order]   `json:"orders"`
}

// Parse builds a database from db.json's content.
func Parse(data []byte) (*DB, error) {
	var r rawDB
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("retail: db.json: %w", err)
	}
	db := &DB{}
	var err error
	if db.Products, err = domain.TableOf(&r.Products, "product"); err != nil {
		return nil, fmt.Errorf("retail: db.json: %w", err)
	}
	if db.Users, err = domain.TableOf(&r.Users, "user"); err != nil {
		return nil, fmt.Errorf("retail: db.json: %w", err)
	}
	if db.Orders, err = domain.TableOf(&r.Orders, "order"); err != nil {
		return nil, fmt.Errorf("retail: db.json: %w", err)
	}
	return db, nil
}

// Load reads dir/db.json.
func Load(ctx context.Context, dir string) (*DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "db.json"))
	if err != nil {
		return nil, fmt.Errorf("retail: %w", err)
	}
	return Parse(b)
}
