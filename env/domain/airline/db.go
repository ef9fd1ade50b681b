package airline

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

// DB is the airline database: flights, users and reservations.
type DB struct {
	Flights      *domain.Table[*Flight]
	Users        *domain.Table[*User]
	Reservations *domain.Table[*Reservation]
}

var _ domain.DB = (*DB)(nil)

// Fork implements domain.DB.
func (db *DB) Fork() domain.DB {
	return &DB{Flights: db.Flights.Fork(), Users: db.Users.Fork(), Reservations: db.Reservations.Fork()}
}

// Hash implements domain.DB.
func (db *DB) Hash() string {
	h := sha256.New()
	db.Flights.HashInto(h, "flights")
	db.Users.HashInto(h, "users")
	db.Reservations.HashInto(h, "reservations")
	return hex.EncodeToString(h.Sum(nil))
}

// EncodePy writes the whole database as tau2's FlightDB.model_dump().
func (db *DB) EncodePy(e *domain.PyEncoder) {
	e.Object([]string{"flights", "users", "reservations"}, func(i int) {
		switch i {
		case 0:
			e.Value(db.Flights)
		case 1:
			e.Value(db.Users)
		default:
			e.Value(db.Reservations)
		}
	})
}

type rawDB struct {
	Flights      domain.OrderedMap[*Flight]      `json:"flights"`
	Users        domain.OrderedMap[*User]        `json:"users"`
	Reservations domain.OrderedMap[*Reservation] `json:"reservations"`
}

// Parse builds a database from db.json's content.
func Parse(data []byte) (*DB, error) {
	var r rawDB
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("airline: db.json: %w", err)
	}
	for _, k := range r.Flights.Keys() {
		if f, _ := r.Flights.Get(k); f == nil {
			return nil, fmt.Errorf("airline: db.json: flight %q is null", k)
		}
	}
	for _, k := range r.Users.Keys() {
		if u, _ := r.Users.Get(k); u == nil {
			return nil, fmt.Errorf("airline: db.json: user %q is null", k)
		}
	}
	for _, k := range r.Reservations.Keys() {
		if x, _ := r.Reservations.Get(k); x == nil {
			return nil, fmt.Errorf("airline: db.json: reservation %q is null", k)
		}
	}
	return &DB{
		Flights:      table(&r.Flights),
		Users:        table(&r.Users),
		Reservations: table(&r.Reservations),
	}, nil
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
		return nil, fmt.Errorf("airline: %w", err)
	}
	return Parse(b)
}
