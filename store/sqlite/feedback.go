package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
)

// SetFeedback implements [store.Store].
func (s *Store) SetFeedback(ctx context.Context, f store.Feedback) (store.Feedback, bool, error) {
	if err := store.ValidateFeedback(f); err != nil {
		return store.Feedback{}, false, err
	}
	f.Created = ledger.Stamp(s.now())
	var runs, had int
	err := s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE id = ?`, f.RunID).Scan(&runs); err != nil || runs == 0 {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM feedback WHERE run_id = ?`, f.RunID).Scan(&had); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO feedback (run_id, score, text, created) VALUES (?, ?, ?, ?)
			ON CONFLICT (run_id) DO UPDATE SET score = excluded.score, text = excluded.text, created = excluded.created`,
			f.RunID, f.Score, f.Text, micros(f.Created))
		return err
	})
	if err != nil {
		return store.Feedback{}, false, fmt.Errorf("sqlite: feedback on run %s: %w", f.RunID, err)
	}
	if runs == 0 {
		return store.Feedback{}, false, fmt.Errorf("sqlite: feedback: run %q: %w", f.RunID, store.ErrNotFound)
	}
	return f, had > 0, nil
}

// GetFeedback implements [store.Store].
func (s *Store) GetFeedback(ctx context.Context, runID string) (store.Feedback, error) {
	f := store.Feedback{RunID: runID}
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT score, text, created FROM feedback WHERE run_id = ?`, runID).Scan(&f.Score, &f.Text, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Feedback{}, fmt.Errorf("sqlite: feedback on run %q: %w", runID, store.ErrNotFound)
	}
	if err != nil {
		return store.Feedback{}, fmt.Errorf("sqlite: feedback on run %q: %w", runID, err)
	}
	f.Created = fromMicros(created)
	return f, nil
}

// ListFeedback implements [store.Store].
func (s *Store) ListFeedback(ctx context.Context, after string, limit int) ([]store.Feedback, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT run_id, score, text, created FROM feedback WHERE run_id > ? ORDER BY run_id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list feedback: %w", err)
	}
	defer rows.Close()
	out := []store.Feedback{}
	for rows.Next() {
		var (
			f       store.Feedback
			created int64
		)
		if err := rows.Scan(&f.RunID, &f.Score, &f.Text, &created); err != nil {
			return nil, fmt.Errorf("sqlite: list feedback: %w", err)
		}
		f.Created = fromMicros(created)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list feedback: %w", err)
	}
	return out, nil
}
