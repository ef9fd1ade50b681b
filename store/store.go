package store

import (
	"context"
	"errors"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
)

// Errors of this package, for errors.Is.
var (
	// ErrNotFound is wrapped when a key, run or hold does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrRevoked is wrapped when a key was revoked.
	ErrRevoked = errors.New("store: key revoked")
)

// Store is the ledger and trace store behind `baton serve`. Two backends
// implement it: SQLite (a file; the embedded default) and Postgres (shared
// by server replicas). Every method is safe for concurrent use, also from
// several processes sharing one database.
type Store interface {
	// Keys manages API keys and their budgets.
	CreateKey(ctx context.Context, k NewKey) (Key, string, error) // returns the key and its secret (shown once)
	Authenticate(ctx context.Context, secret string) (Key, error) // by secret; ErrNotFound / ErrRevoked
	// GetKey returns the key with id; ErrNotFound if there is none.
	GetKey(ctx context.Context, id string) (Key, error)
	// ListKeys returns every key, revoked ones included, oldest first.
	ListKeys(ctx context.Context) ([]Key, error)
	// RevokeKey stops the key authenticating; revoking twice is no error.
	RevokeKey(ctx context.Context, id string) error
	// SetBudget replaces the key's limits; holds already granted stand. It
	// also acknowledges the key's open overage, which unfreezes it.
	SetBudget(ctx context.Context, id string, b KeyBudget) error

	// Account returns the budget account of a key: reservations on it are
	// atomic across goroutines, processes and replicas, checked against the
	// key's per-day, per-month and total limits. It implements
	// [budget.OverageRecorder]: recorded overage freezes the key.
	Account(keyID string) budget.Account
	// Spent returns what the key spent in the current day, month, and total.
	Spent(ctx context.Context, keyID string) (Spending, error)

	// Runs and their traces.
	CreateRun(ctx context.Context, r Run) error
	// FinishRun stores the run's episode; the run takes its status.
	FinishRun(ctx context.Context, id string, ep *episode.Episode) error
	// GetRun returns the run with id; ErrNotFound if there is none.
	GetRun(ctx context.Context, id string) (Run, error)
	// AppendEvent stores e under the run; a seq already stored keeps its
	// first event, so a retried append is harmless.
	AppendEvent(ctx context.Context, runID string, e episode.Event) error
	// Events returns the run's events with Seq > afterSeq, in order.
	Events(ctx context.Context, runID string, afterSeq int) ([]episode.Event, error)

	// Replica is the ID of this store's replica, which owns the holds it
	// reserves and the runs it starts; "" for a store opened [ForAdmin].
	Replica() string
	// Heartbeat records that the replica is alive (see [Maintain]).
	Heartbeat(ctx context.Context) error
	// Sweep settles what replicas silent for longer than ttl (at least
	// [MinHeartbeatTTL]) left behind: their open holds are charged in
	// full, their running runs marked interrupted, and they are forgotten.
	// It never touches this replica's holds. A SQLite store sweeps every
	// other replica when it opens, since its file lock proves them dead.
	Sweep(ctx context.Context, ttl time.Duration) (SweepStats, error)

	// Close releases the database; writes already queued finish first.
	Close() error
}

// NewKey is what creating a key takes.
type NewKey struct {
	Name   string
	Budget KeyBudget
	// RatePerMinute limits requests per minute; 0 is unlimited.
	RatePerMinute int
}

// KeyBudget caps a key's spending; zero fields are unlimited. Day and month
// are UTC calendar periods.
type KeyBudget struct {
	PerDay   money.Amount `json:"per_day,omitempty"`
	PerMonth money.Amount `json:"per_month,omitempty"`
	Total    money.Amount `json:"total,omitempty"`
}

// Key is an API key's record; the secret itself is stored only as a hash.
type Key struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Prefix        string    `json:"prefix"` // first characters of the secret, for display
	Budget        KeyBudget `json:"budget"`
	RatePerMinute int       `json:"rate_per_minute,omitempty"`
	Created       time.Time `json:"created"`
	Revoked       bool      `json:"revoked,omitempty"`
}

// Spending is what a key spent in its budget periods.
type Spending struct {
	Day, Month, Total money.Amount
	Held              money.Amount // reserved, not yet committed
	// Overage is what calls cost beyond their reservations, all time: an
	// upstream billed past the bound Baton asked for. It is not in Day,
	// Month or Total (a budget never commits beyond a reservation).
	Overage money.Amount
	// OpenOverage is the overage recorded since the key's budget was last
	// set. While it is above zero the key is frozen: every reservation is
	// refused until an operator sets its budget again
	// (`baton keys set-budget`).
	OpenOverage money.Amount
}

// Run is a stored run.
type Run struct {
	ID      string           `json:"id"`
	KeyID   string           `json:"key_id,omitempty"`
	Status  string           `json:"status"` // running, or an episode.Status, or "interrupted"
	Task    episode.Task     `json:"task"`
	Episode *episode.Episode `json:"episode,omitempty"`
	Created time.Time        `json:"created"`
	Updated time.Time        `json:"updated"`
}
