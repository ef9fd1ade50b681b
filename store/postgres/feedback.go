package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
	"github.com/jackc/pgx/v5"
)

// SetFeedback implements [store.Store]. The replaced flag comes from the
// same statement that writes, so two concurrent feedbacks on one run see
// one "replaced".
func (s *Store) SetFeedback(ctx context.Context, f store.Feedback) (store.Feedback, bool, error) {
	if err := store.ValidateFeedback(f); err != nil {
		return store.Feedback{}, false, err
	}
	f.Created = ledger.Stamp(s.now())
	var inserted bool
	err := s.pool.QueryRow(ctx, `INSERT INTO feedback (run_id, score, text, created)
		SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM runs WHERE id = $1)
		ON CONFLICT (run_id) DO UPDATE SET score = excluded.score, text = excluded.text, created = excluded.created
		RETURNING (xmax = 0)`, f.RunID, f.Score, f.Text, f.Created).Scan(&inserted)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Feedback{}, false, fmt.Errorf("postgres: feedback: run %q: %w", f.RunID, store.ErrNotFound)
	}
	if err != nil {
		return store.Feedback{}, false, fmt.Errorf("postgres: feedback on run %s: %w", f.RunID, err)
	}
	return f, !inserted, nil
}

// GetFeedback implements [store.Store].
func (s *Store) GetFeedback(ctx context.Context, runID string) (store.Feedback, error) {
	f := store.Feedback{RunID: runID}
	var created time.Time
	err := s.pool.QueryRow(ctx, `SELECT score, text, created FROM feedback WHERE run_id = $1`, runID).Scan(&f.Score, &f.Text, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Feedback{}, fmt.Errorf("postgres: feedback on run %q: %w", runID, store.ErrNotFound)
	}
	if err != nil {
		return store.Feedback{}, fmt.Errorf("postgres: feedback on run %q: %w", runID, err)
	}
	f.Created = created.UTC()
	return f, nil
}

// ListFeedback implements [store.Store].
func (s *Store) ListFeedback(ctx context.Context, after string, limit int) ([]store.Feedback, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, `SELECT run_id, score, text, created FROM feedback WHERE run_id COLLATE "C" > $1 ORDER BY run_id COLLATE "C" LIMIT $2`, after, lim)
	if err != nil {
		return nil, fmt.Errorf("postgres: list feedback: %w", err)
	}
	defer rows.Close()
	out := []store.Feedback{}
	for rows.Next() {
		var (
			f       store.Feedback
			created time.Time
		)
		if err := rows.Scan(&f.RunID, &f.Score, &f.Text, &created); err != nil {
			return nil, fmt.Errorf("postgres: list feedback: %w", err)
		}
		f.Created = created.UTC()
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list feedback: %w", err)
	}
	return out, nil
}
