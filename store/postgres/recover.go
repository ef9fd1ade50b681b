package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
	"github.com/jackc/pgx/v5"
)

// Recover implements [store.Store]: holds still open and runs still running
// that were created before olderThan are taken to belong to a dead process.
// It locks holds before keys, the order settlements use, so it cannot
// deadlock with them.
func (s *Store) Recover(ctx context.Context, olderThan time.Time) (store.RecoverStats, error) {
	var st store.RecoverStats
	now := ledger.Stamp(s.now())
	err := s.write(ctx, func(tx pgx.Tx) error {
		var holds int64
		err := tx.QueryRow(ctx, `WITH r AS (
				UPDATE holds SET state = 'recovered', finished = $2
				WHERE state = 'held' AND created < $1
				RETURNING key_id, amount
			), per_key AS (
				SELECT key_id, sum(amount) AS amount, count(*) AS n FROM r GROUP BY key_id
			), u AS (
				UPDATE keys SET held = keys.held - per_key.amount FROM per_key
				WHERE keys.id = per_key.key_id RETURNING per_key.n
			)
			SELECT coalesce(sum(n), 0)::bigint FROM u`, olderThan, now).Scan(&holds)
		if err != nil {
			return err
		}
		st.HoldsReleased = int(holds)
		tag, err := tx.Exec(ctx, `UPDATE runs SET status = $3, updated = $2 WHERE status = $4 AND created < $1`,
			olderThan, now, ledger.StatusInterrupted, ledger.StatusRunning)
		if err != nil {
			return err
		}
		st.RunsMarked = int(tag.RowsAffected())
		return nil
	})
	if err != nil {
		return store.RecoverStats{}, fmt.Errorf("postgres: recover: %w", err)
	}
	if st.HoldsReleased > 0 || st.RunsMarked > 0 {
		s.opts.Logger.InfoContext(ctx, "store recovered", "backend", "postgres",
			"holds_released", st.HoldsReleased, "runs_interrupted", st.RunsMarked)
	}
	return st, nil
}
