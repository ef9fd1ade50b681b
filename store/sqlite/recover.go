package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
)

// Recover implements [store.Store]: holds still open and runs still running
// that were created before olderThan are taken to belong to a dead process.
func (s *Store) Recover(ctx context.Context, olderThan time.Time) (store.RecoverStats, error) {
	var st store.RecoverStats
	now := micros(ledger.Stamp(s.now()))
	cutoff := micros(olderThan)
	err := s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT key_id, sum(amount), count(*) FROM holds
			WHERE state = 'held' AND created < ? GROUP BY key_id`, cutoff)
		if err != nil {
			return err
		}
		type freed struct {
			key    string
			amount int64
		}
		var fs []freed
		for rows.Next() {
			var f freed
			var n int
			if err := rows.Scan(&f.key, &f.amount, &n); err != nil {
				rows.Close()
				return err
			}
			fs = append(fs, f)
			st.HoldsReleased += n
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE holds SET state = 'recovered', finished = ?
			WHERE state = 'held' AND created < ?`, now, cutoff); err != nil {
			return err
		}
		for _, f := range fs {
			if _, err := tx.ExecContext(ctx, `UPDATE keys SET held = held - ? WHERE id = ?`, f.amount, f.key); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, updated = ? WHERE status = ? AND created < ?`,
			ledger.StatusInterrupted, now, ledger.StatusRunning, cutoff)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		st.RunsMarked = int(n)
		return err
	})
	if err != nil {
		return store.RecoverStats{}, fmt.Errorf("sqlite: recover: %w", err)
	}
	if st.HoldsReleased > 0 || st.RunsMarked > 0 {
		s.opts.Logger.InfoContext(ctx, "store recovered", "backend", "sqlite",
			"holds_released", st.HoldsReleased, "runs_interrupted", st.RunsMarked)
	}
	return st, nil
}
