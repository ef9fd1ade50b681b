package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
)

// Replica implements [store.Store].
func (s *Store) Replica() string { return s.opts.Replica }

// register records the replica at open, alive now.
func (s *Store) register(ctx context.Context) error {
	host, _ := os.Hostname()
	now := micros(ledger.Stamp(s.now()))
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO replicas (id, pid, host, started, heartbeat) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat`, s.opts.Replica, os.Getpid(), host, now, now)
		return err
	})
}

// Heartbeat implements [store.Store]. A replica found missing was taken
// for dead and swept; it is registered again and the log says so.
func (s *Store) Heartbeat(ctx context.Context) error {
	if s.opts.Admin {
		return nil
	}
	now := micros(ledger.Stamp(s.now()))
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE replicas SET heartbeat = ? WHERE id = ?`, now, s.opts.Replica)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: heartbeat: %w", err)
	}
	if n == 0 {
		s.opts.Logger.ErrorContext(ctx, "this replica was taken for dead and swept (its open holds were charged in full); registering again",
			"backend", "sqlite", "replica", s.opts.Replica)
		if err := s.register(ctx); err != nil {
			return fmt.Errorf("sqlite: heartbeat: %w", err)
		}
	}
	return nil
}

// Sweep implements [store.Store].
func (s *Store) Sweep(ctx context.Context, ttl time.Duration) (store.SweepStats, error) {
	ttl = max(ttl, store.MinHeartbeatTTL)
	return s.sweep(ctx, micros(s.now().Add(-ttl)))
}

// sweepAll settles every replica but this one: the file lock proves they
// are dead.
func (s *Store) sweepAll(ctx context.Context) (store.SweepStats, error) {
	return s.sweep(ctx, math.MaxInt64)
}

// sweep settles the replicas, other than this one, whose heartbeat is
// before cutoff (micros), and holds and runs of replicas no longer known.
func (s *Store) sweep(ctx context.Context, cutoff int64) (store.SweepStats, error) {
	var st store.SweepStats
	now := s.now()
	stamp := micros(ledger.Stamp(now))
	day, month := ledger.Day(now), ledger.Month(now)
	const dead = `replica != ? AND replica NOT IN (SELECT id FROM replicas WHERE heartbeat >= ?)`
	err := s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		st = store.SweepStats{}
		rows, err := tx.QueryContext(ctx, `SELECT key_id, sum(amount), count(*) FROM holds
			WHERE state = 'held' AND `+dead+` GROUP BY key_id`, s.opts.Replica, cutoff)
		if err != nil {
			return err
		}
		type charge struct {
			key    string
			amount int64
		}
		var cs []charge
		for rows.Next() {
			var c charge
			var n int
			if err := rows.Scan(&c.key, &c.amount, &n); err != nil {
				rows.Close()
				return err
			}
			cs = append(cs, c)
			st.Holds += n
			st.Charged += money.Amount(c.amount)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE holds SET state = 'committed', actual = amount, finished = ?
			WHERE state = 'held' AND `+dead, stamp, s.opts.Replica, cutoff); err != nil {
			return err
		}
		for _, c := range cs {
			if _, err := tx.StmtContext(ctx, s.st.chargeKey).ExecContext(ctx, c.amount, c.amount, day, c.amount, c.amount, day,
				month, c.amount, c.amount, month, c.key); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, updated = ? WHERE status = ? AND `+dead,
			ledger.StatusInterrupted, stamp, ledger.StatusRunning, s.opts.Replica, cutoff)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		st.Runs = int(n)
		res, err = tx.ExecContext(ctx, `DELETE FROM replicas WHERE id != ? AND heartbeat < ?`, s.opts.Replica, cutoff)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		st.Replicas = int(n)
		return err
	})
	if err != nil {
		return store.SweepStats{}, fmt.Errorf("sqlite: sweep: %w", err)
	}
	if st.Holds > 0 || st.Runs > 0 || st.Replicas > 0 {
		s.opts.Logger.InfoContext(ctx, "swept dead replicas", "backend", "sqlite", "replicas", st.Replicas,
			"holds_charged", st.Holds, "charged", st.Charged.String(), "runs_interrupted", st.Runs)
	}
	return st, nil
}
