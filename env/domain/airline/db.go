package airline

import (
	"context"

	"github.com/batonhq/baton/env/domain"
)

// Tables are the airline database's tables, in the order of tau2's
// FlightDB.
type Tables struct {
	Flights      *domain.Table[*Flight]      `json:"flights" record:"flight"`           // keyed by flight number, e.g. "HAT001"
	Users        *domain.Table[*User]        `json:"users" record:"user"`               // keyed by user id, e.g. "chen_jackson_3290"
	Reservations *domain.Table[*Reservation] `json:"reservations" record:"reservation"` // keyed by reservation id, e.g. "4WQ150"
}

// DB is the airline database: flights, users and reservations.
type DB = domain.TableDB[Tables]

// Parse builds a database from db.json's content.
func Parse(data []byte) (*DB, error) { return domain.ParseTableDB[Tables]("airline", data) }

// Load reads dir/db.json.
func Load(ctx context.Context, dir string) (*DB, error) {
	return domain.LoadTableDB[Tables](ctx, "airline", dir)
}
