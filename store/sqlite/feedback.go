package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
)

// SetFeedback implements [store.Store]. The run's existing feedback is
// read and written in one write transaction, so a judge's feedback racing
// a user's never replaces it.
func (s *Store) SetFeedback(ctx context.Context, f store.Feedback) (store.Feedback, bool, error) {
	if err := store.ValidateFeedback(f); err != nil {
		return store.Feedback{}, false, err
	}
	if f.Source == "" {
		f.Source = store.SourceUser
	}
	f.Created = ledger.Stamp(s.now())
	var (
		runs   int
		had    bool
		stored store.Feedback
	)
	err := s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE id = ?`, f.RunID).Scan(&runs); err != nil || runs == 0 {
			return err
		}
		old, err := scanFeedback(tx.QueryRowContext(ctx, `SELECT run_id, score, text, source, judge_cost, created FROM feedback WHERE run_id = ?`, f.RunID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			had = true
		}
		if f.IsJudge() && had {
			// A judge never replaces feedback; what it cost is kept.
			old.JudgeCost += f.JudgeCost
			stored = old
			_, err := tx.ExecContext(ctx, `UPDATE feedback SET judge_cost = ? WHERE run_id = ?`, int64(old.JudgeCost), f.RunID)
			return err
		}
		stored = f
		if had {
			stored.JudgeCost = old.JudgeCost
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO feedback (run_id, score, text, source, judge_cost, created) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (run_id) DO UPDATE SET score = excluded.score, text = excluded.text, source = excluded.source, created = excluded.created`,
			f.RunID, f.Score, f.Text, f.Source, int64(f.JudgeCost), micros(f.Created))
		return err
	})
	if err != nil {
		return store.Feedback{}, false, fmt.Errorf("sqlite: feedback on run %s: %w", f.RunID, err)
	}
	if runs == 0 {
		return store.Feedback{}, false, fmt.Errorf("sqlite: feedback: run %q: %w", f.RunID, store.ErrNotFound)
	}
	if f.IsJudge() && had {
		return stored, false, fmt.Errorf("sqlite: judge's feedback on run %s not stored: %w", f.RunID, store.ErrFeedbackExists)
	}
	return stored, had, nil
}

// scanFeedback reads a row of run_id, score, text, source, judge_cost,
// created.
func scanFeedback(row interface{ Scan(...any) error }) (store.Feedback, error) {
	var (
		f       store.Feedback
		cost    int64
		created int64
	)
	if err := row.Scan(&f.RunID, &f.Score, &f.Text, &f.Source, &cost, &created); err != nil {
		return store.Feedback{}, err
	}
	f.JudgeCost = money.Amount(cost)
	f.Created = fromMicros(created)
	return f, nil
}

// GetFeedback implements [store.Store].
func (s *Store) GetFeedback(ctx context.Context, runID string) (store.Feedback, error) {
	f, err := scanFeedback(s.r.QueryRowContext(ctx, `SELECT run_id, score, text, source, judge_cost, created FROM feedback WHERE run_id = ?`, runID))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Feedback{}, fmt.Errorf("sqlite: feedback on run %q: %w", runID, store.ErrNotFound)
	}
	if err != nil {
		return store.Feedback{}, fmt.Errorf("sqlite: feedback on run %q: %w", runID, err)
	}
	return f, nil
}

// ListFeedback implements [store.Store].
func (s *Store) ListFeedback(ctx context.Context, after string, limit int) ([]store.Feedback, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT run_id, score, text, source, judge_cost, created FROM feedback WHERE run_id > ? ORDER BY run_id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list feedback: %w", err)
	}
	defer rows.Close()
	out := []store.Feedback{}
	for rows.Next() {
		f, err := scanFeedback(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list feedback: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list feedback: %w", err)
	}
	return out, nil
}

// ClaimUnjudged implements [store.Store]: one write transaction selects
// the runs and makes them this replica's.
func (s *Store) ClaimUnjudged(ctx context.Context, since time.Time, limit int) ([]string, error) {
	if s.opts.Admin || limit <= 0 {
		return nil, nil
	}
	var ids []string
	err := s.write(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		rows, err := tx.QueryContext(ctx, `SELECT id FROM runs
			WHERE status = ? AND created >= ? AND replica != ? AND replica NOT IN (SELECT id FROM replicas)
			AND NOT EXISTS (SELECT 1 FROM feedback WHERE feedback.run_id = runs.id)
			ORDER BY created, id LIMIT ?`, string(episode.StatusAnswered), micros(since), s.opts.Replica, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE runs SET replica = ? WHERE id = ?`, s.opts.Replica, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: claiming unjudged runs: %w", err)
	}
	return ids, nil
}
