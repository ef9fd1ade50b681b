package store

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"
)

// Option configures a backend when it is opened.
type Option func(*Options)

// Options is what the backends are configured with; [Option] values fill it
// and [NewOptions] supplies the defaults.
type Options struct {
	// Now is the clock that dates holds and runs and picks the budget day
	// and month (UTC); tests pass a controllable one.
	Now func() time.Time
	// Logger receives what recovery repaired; it never sees secrets.
	Logger *slog.Logger
	// Admin opens the store for administration only (baton keys, reading
	// the ledger): the process makes no reservations, so it takes no lock
	// on a SQLite file and registers no replica, and may run beside a
	// server. Reserve on an admin store fails.
	Admin bool
	// Replica is the replica ID the store's holds and runs belong to;
	// empty picks a random one.
	Replica string
}

// WithClock makes a backend read time from now instead of time.Now.
func WithClock(now func() time.Time) Option { return func(o *Options) { o.Now = now } }

// WithLogger makes a backend log to l instead of slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *Options) { o.Logger = l } }

// WithReplica sets the store's replica ID (see [Options.Replica]).
func WithReplica(id string) Option { return func(o *Options) { o.Replica = id } }

// ForAdmin opens a store for administration only; see [Options.Admin].
func ForAdmin() Option { return func(o *Options) { o.Admin = true } }

// NewOptions applies opts over the defaults (time.Now, slog.Default()).
func NewOptions(opts ...Option) Options {
	o := Options{Now: time.Now, Logger: slog.Default()}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Replica == "" && !o.Admin {
		o.Replica = newReplicaID()
	}
	return o
}

// newReplicaID returns a random replica ID.
func newReplicaID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "rep_" + hex.EncodeToString(b[:])
}
