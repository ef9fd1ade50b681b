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
	Flights      *domain.Table[*Flight]      // keyed by flight number, e.g. "HAT001"
	Users        *domain.Table[*User]        // keyed by user id, e.g. "chen_jackson_3290"
	Reservations *domain.Table[*Reservation] // keyed by reservation id, e.g. "4WQ150"
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
	db := &DB{}
	var err error
	if db.Flights, err = domain.TableOf(&r.Flights, "flight"); err != nil {
		return nil, fmt.Errorf("airline: db.json: %w", err)
	}
	if db.Users, err = domain.TableOf(&r.Users, "user"); err != nil {
		return nil, fmt.Errorf("airline: db.json: %w", err)
	}
	if db.Reservations, err = domain.TableOf(&r.Reservations, "reservation"); err != nil {
		return nil, fmt.Errorf("airline: db.json: %w", err)
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
		return nil, fmt.Errorf("airline: %w", err)
	}
	return Parse(b)
}
