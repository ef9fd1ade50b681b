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
	Products *domain.Table[*Product]
	Users    *domain.Table[*User]
	Orders   *domain.Table[*Order]
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
	for _, k := range r.Products.Keys() {
		if p, _ := r.Products.Get(k); p == nil {
			return nil, fmt.Errorf("retail: db.json: product %q is null", k)
		}
	}
	for _, k := range r.Users.Keys() {
		if u, _ := r.Users.Get(k); u == nil {
			return nil, fmt.Errorf("retail: db.json: user %q is null", k)
		}
	}
	for _, k := range r.Orders.Keys() {
		if o, _ := r.Orders.Get(k); o == nil {
			return nil, fmt.Errorf("retail: db.json: order %q is null", k)
		}
	}
	return &DB{Products: table(&r.Products), Users: table(&r.Users), Orders: table(&r.Orders)}, nil
}

func table[T domain.Entity[T]](o *domain.OrderedMap[T]) *domain.Table[T] {
	m := make(map[string]T, o.Len())
	for _, k := range o.Keys() {
		m[k], _ = o.Get(k)
	}
	return domain.NewTable(o.Keys(), m)
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
