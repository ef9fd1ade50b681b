package postgres

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
	"github.com/jackc/pgx/v5"
)

// Replica implements [store.Store].
func (s *Store) Replica() string { return s.opts.Replica }

// register records the replica at open, alive now.
func (s *Store) register(ctx context.Context) error {
	host, _ := os.Hostname()
	now := ledger.Stamp(s.now())
	_, err := s.pool.Exec(ctx, `INSERT INTO replicas (id, pid, host, started, heartbeat) VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat`, s.opts.Replica, os.Getpid(), host, now)
	return err
}

// Heartbeat implements [store.Store]. A replica found missing was taken
// for dead and swept; it is registered again and the log says so.
func (s *Store) Heartbeat(ctx context.Context) error {
	if s.opts.Admin {
		return nil
	}
	tag, err := s.pool.Exec(ctx, `UPDATE replicas SET heartbeat = $2 WHERE id = $1`, s.opts.Replica, ledger.Stamp(s.now()))
	if err != nil {
		return fmt.Errorf("postgres: heartbeat: %w", err)
	}
	if tag.RowsAffected() == 0 {
		s.opts.Logger.ErrorContext(ctx, "this replica was taken for dead and swept (its open holds were charged in full); registering again",
			"backend", "postgres", "replica", s.opts.Replica)
		if err := s.register(ctx); err != nil {
			return fmt.Errorf("postgres: heartbeat: %w", err)
		}
	}
	return nil
}

// Sweep implements [store.Store]. It locks holds before keys, the order
// settlements use, so it cannot deadlock with them.
func (s *Store) Sweep(ctx context.Context, ttl time.Duration) (store.SweepStats, error) {
	ttl = max(ttl, store.MinHeartbeatTTL)
	now := s.now()
	cutoff := now.Add(-ttl)
	stamp := ledger.Stamp(now)
	var st store.SweepStats
	const alive = `(SELECT id FROM replicas WHERE heartbeat >= $1 OR id = $2)`
	err := s.write(ctx, func(tx pgx.Tx) error {
		st = store.SweepStats{}
		var holds, charged int64
		err := tx.QueryRow(ctx, `WITH r AS (
				UPDATE holds SET state = 'committed', actual = amount, finished = $3
				WHERE state = 'held' AND replica NOT IN `+alive+`
				RETURNING key_id, amount
			), per_key AS (
				SELECT key_id, sum(amount)::bigint AS amount, count(*) AS n FROM r GROUP BY key_id
			), u AS (
				UPDATE keys SET held = keys.held - per_key.amount, spent_total = keys.spent_total + per_key.amount,
					spent_day = CASE WHEN keys.day = $4 THEN keys.spent_day + per_key.amount ELSE per_key.amount END, day = $4,
					spent_month = CASE WHEN keys.month = $5 THEN keys.spent_month + per_key.amount ELSE per_key.amount END, month = $5
				FROM per_key WHERE keys.id = per_key.key_id RETURNING per_key.n, per_key.amount
			)
			SELECT coalesce(sum(n), 0)::bigint, coalesce(sum(amount), 0)::bigint FROM u`,
			cutoff, s.opts.Replica, stamp, ledger.Day(now), ledger.Month(now)).Scan(&holds, &charged)
		if err != nil {
			return err
		}
		st.Holds, st.Charged = int(holds), money.Amount(charged)
		tag, err := tx.Exec(ctx, `UPDATE runs SET status = $3, updated = $4 WHERE status = $5 AND replica NOT IN `+alive,
			cutoff, s.opts.Replica, ledger.StatusInterrupted, stamp, ledger.StatusRunning)
		if err != nil {
			return err
		}
		st.Runs = int(tag.RowsAffected())
		tag, err = tx.Exec(ctx, `DELETE FROM replicas WHERE heartbeat < $1 AND id != $2`, cutoff, s.opts.Replica)
		if err != nil {
			return err
		}
		st.Replicas = int(tag.RowsAffected())
		return nil
	})
	if err != nil {
		return store.SweepStats{}, fmt.Errorf("postgres: sweep: %w", err)
	}
	if st.Holds > 0 || st.Runs > 0 || st.Replicas > 0 {
		s.opts.Logger.InfoContext(ctx, "swept dead replicas", "backend", "postgres", "replicas", st.Replicas,
			"holds_charged", st.Holds, "charged", st.Charged.String(), "runs_interrupted", st.Runs)
	}
	return st, nil
}
