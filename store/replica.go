package store

import (
	"context"
	"log/slog"
	"time"

	"github.com/batonhq/baton/money"
)

// Replicas. Every store opened to serve (not [ForAdmin]) is a replica with
// an ID: the holds it reserves and the runs it starts belong to it, and it
// heartbeats into the store. A replica whose heartbeat is older than a TTL
// is dead, and any live replica's [Store.Sweep] settles what it left:
// each open hold is charged in full, as a call cut off mid-way is (it may
// have been billed upstream), and each running run is marked interrupted.
// A sweep never releases a hold and never touches the sweeping replica's
// own; a live replica taken for dead (a pause longer than the TTL) loses
// nothing but is over-charged its holds' worst cases, never under-charged.

// DefaultHeartbeatTTL is how long a replica may go without a heartbeat
// before others take it for dead.
const DefaultHeartbeatTTL = 10 * time.Second

// MinHeartbeatTTL is the shortest TTL a sweep accepts: shorter ones are
// raised to it, so no setting can sweep a replica that heartbeats on time.
const MinHeartbeatTTL = 3 * time.Second

// SweepStats says what a sweep settled.
type SweepStats struct {
	Replicas int          // dead replicas forgotten
	Holds    int          // their open holds, charged in full
	Charged  money.Amount // what those holds charged
	Runs     int          // their running runs, marked interrupted
}

// HeartbeatInterval is how often [Maintain] heartbeats and sweeps for a
// TTL: a quarter of it, so three heartbeats may be late before a replica is
// taken for dead.
func HeartbeatInterval(ttl time.Duration) time.Duration { return max(ttl, MinHeartbeatTTL) / 4 }

// Maintain keeps s's replica alive and settles dead ones until ctx ends:
// every [HeartbeatInterval] it heartbeats, then sweeps replicas silent for
// longer than ttl. A server runs it for its whole life.
func Maintain(ctx context.Context, s Store, ttl time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	t := time.NewTicker(HeartbeatInterval(ttl))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.Heartbeat(ctx); err != nil && ctx.Err() == nil {
			log.Error("store heartbeat failed; other replicas will take this one for dead and charge its open holds in full if it lasts",
				"replica", s.Replica(), "err", err)
		}
		if _, err := s.Sweep(ctx, ttl); err != nil && ctx.Err() == nil {
			log.Warn("sweeping dead replicas failed; retrying", "err", err)
		}
	}
}
