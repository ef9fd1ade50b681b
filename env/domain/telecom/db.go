package telecom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/batonhq/baton/env/domain"
)

// DB is one rollout's telecom world: the agent-side database (plans,
// customers, lines, bills, devices; tau2's TelecomDB) and the user's phone
// and surroundings (tau2's TelecomUserDB). tau2 keeps them in two toolkits
// of one environment; here they fork, hash and replay together.
type DB struct {
	Plans     *domain.Table[*Plan]     // keyed by plan id, e.g. "P1001"
	Customers *domain.Table[*Customer] // keyed by customer id, e.g. "C1001"
	Lines     *domain.Table[*Line]     // keyed by line id, e.g. "L1001"
	Bills     *domain.Table[*Bill]     // keyed by bill id, e.g. "B1001"
	Devices   *domain.Table[*Device]   // keyed by device id, e.g. "D1001"
	User      *UserDB                  // the user's phone and surroundings
}

var _ domain.DB = (*DB)(nil)

// Fork implements domain.DB.
func (db *DB) Fork() domain.DB {
	return &DB{
		Plans: db.Plans.Fork(), Customers: db.Customers.Fork(), Lines: db.Lines.Fork(),
		Bills: db.Bills.Fork(), Devices: db.Devices.Fork(), User: db.User.clone(),
	}
}

// Hash implements domain.DB: the agent tables, then the user database.
func (db *DB) Hash() string {
	h := sha256.New()
	db.Plans.HashInto(h, "plans")
	db.Customers.HashInto(h, "customers")
	db.Lines.HashInto(h, "lines")
	db.Bills.HashInto(h, "bills")
	db.Devices.HashInto(h, "devices")
	_, _ = h.Write([]byte("user\x00"))
	_, _ = h.Write(domain.PyJSONSorted(db.User))
	return hex.EncodeToString(h.Sum(nil))
}

// AgentHash and UserHash are tau2's two separately compared hashes.

// AgentHash returns the hash of the agent-side database alone.
func (db *DB) AgentHash() string {
	h := sha256.New()
	db.Plans.HashInto(h, "plans")
	db.Customers.HashInto(h, "customers")
	db.Lines.HashInto(h, "lines")
	db.Bills.HashInto(h, "bills")
	db.Devices.HashInto(h, "devices")
	return hex.EncodeToString(h.Sum(nil))
}

// UserHash returns the hash of the user-side database alone.
func (db *DB) UserHash() string {
	sum := sha256.Sum256(domain.PyJSONSorted(db.User))
	return hex.EncodeToString(sum[:])
}

// Files in a telecom data directory.
const (
	AgentDBFile = "db.toml"
	UserDBFile  = "user_db.toml"
)

// Load reads dir/db.toml and dir/user_db.toml.
func Load(ctx context.Context, dir string) (*DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	agent, err := os.ReadFile(filepath.Join(dir, AgentDBFile))
	if err != nil {
		return nil, fmt.Errorf("telecom: %w", err)
	}
	user, err := os.ReadFile(filepath.Join(dir, UserDBFile))
	if err != nil {
		return nil, fmt.Errorf("telecom: %w", err)
	}
	db, err := ParseAgentDB(agent)
	if err != nil {
		return nil, err
	}
	if db.User, err = ParseUserDB(user); err != nil {
		return nil, err
	}
	return db, nil
}
