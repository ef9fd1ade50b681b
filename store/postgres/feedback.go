package postgres

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
	"github.com/jackc/pgx/v5"
)

// SetFeedback implements [store.Store]. Each case is one statement, and
// whether it inserted comes from the statement that writes, so two
// concurrent feedbacks on one run see one "replaced", and a judge's racing
// a user's never replaces it.
func (s *Store) SetFeedback(ctx context.Context, f store.Feedback) (store.Feedback, bool, error) {
	if err := store.ValidateFeedback(f); err != nil {
		return store.Feedback{}, false, err
	}
	if f.Source == "" {
		f.Source = store.SourceUser
	}
	f.Created = ledger.Stamp(s.now())
	onConflict := `score = excluded.score, text = excluded.text, source = excluded.source, created = excluded.created`
	if f.IsJudge() {
		onConflict = `judge_cost = feedback.judge_cost + excluded.judge_cost`
	}
	var (
		inserted bool
		stored   = store.Feedback{RunID: f.RunID}
		cost     int64
		created  time.Time
	)
	err := s.pool.QueryRow(ctx, `INSERT INTO feedback (run_id, score, text, source, judge_cost, created)
		SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM runs WHERE id = $1)
		ON CONFLICT (run_id) DO UPDATE SET `+onConflict+`
		RETURNING (xmax = 0), score, text, source, judge_cost, created`,
		f.RunID, f.Score, f.Text, f.Source, int64(f.JudgeCost), f.Created).Scan(&inserted, &stored.Score, &stored.Text, &stored.Source, &cost, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Feedback{}, false, fmt.Errorf("postgres: feedback: run %q: %w", f.RunID, store.ErrNotFound)
	}
	if err != nil {
		return store.Feedback{}, false, fmt.Errorf("postgres: feedback on run %s: %w", f.RunID, err)
	}
	stored.JudgeCost, stored.Created = money.Amount(cost), created.UTC()
	if f.IsJudge() && !inserted {
		return stored, false, fmt.Errorf("postgres: judge's feedback on run %s not stored: %w", f.RunID, store.ErrFeedbackExists)
	}
	return stored, !inserted, nil
}

// scanFeedback reads a row of run_id, score, text, source, judge_cost,
// created.
func scanFeedback(row pgx.Row) (store.Feedback, error) {
	var (
		f       store.Feedback
		cost    int64
		created time.Time
	)
	if err := row.Scan(&f.RunID, &f.Score, &f.Text, &f.Source, &cost, &created); err != nil {
		return store.Feedback{}, err
	}
	f.JudgeCost, f.Created = money.Amount(cost), created.UTC()
	return f, nil
}

// GetFeedback implements [store.Store].
func (s *Store) GetFeedback(ctx context.Context, runID string) (store.Feedback, error) {
	f, err := scanFeedback(s.pool.QueryRow(ctx, `SELECT run_id, score, text, source, judge_cost, created FROM feedback WHERE run_id = $1`, runID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Feedback{}, fmt.Errorf("postgres: feedback on run %q: %w", runID, store.ErrNotFound)
	}
	if err != nil {
		return store.Feedback{}, fmt.Errorf("postgres: feedback on run %q: %w", runID, err)
	}
	return f, nil
}

// ListFeedback implements [store.Store].
func (s *Store) ListFeedback(ctx context.Context, after string, limit int) ([]store.Feedback, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, `SELECT run_id, score, text, source, judge_cost, created FROM feedback WHERE run_id COLLATE "C" > $1 ORDER BY run_id COLLATE "C" LIMIT $2`, after, lim)
	if err != nil {
		return nil, fmt.Errorf("postgres: list feedback: %w", err)
	}
	defer rows.Close()
	out := []store.Feedback{}
	for rows.Next() {
		f, err := scanFeedback(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: list feedback: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list feedback: %w", err)
	}
	return out, nil
}

// ClaimUnjudged implements [store.Store] in one statement: the rows it
// takes are locked, and a concurrent claim skips them (SKIP LOCKED) or,
// once committed, sees them owned by a live replica.
func (s *Store) ClaimUnjudged(ctx context.Context, since time.Time, limit int) ([]string, error) {
	if s.opts.Admin || limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `WITH c AS (
			SELECT id, created FROM runs
			WHERE status = $2 AND created >= $3 AND replica <> $1 AND replica NOT IN (SELECT id FROM replicas)
			AND NOT EXISTS (SELECT 1 FROM feedback WHERE feedback.run_id = runs.id)
			ORDER BY created, id LIMIT $4
			FOR UPDATE SKIP LOCKED)
		UPDATE runs SET replica = $1 FROM c WHERE runs.id = c.id
		RETURNING runs.id, c.created`, s.opts.Replica, string(episode.StatusAnswered), since, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: claiming unjudged runs: %w", err)
	}
	type claimed struct {
		id      string
		created time.Time
	}
	var cs []claimed
	for rows.Next() {
		var c claimed
		if err := rows.Scan(&c.id, &c.created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("postgres: claiming unjudged runs: %w", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: claiming unjudged runs: %w", err)
	}
	// RETURNING keeps no order: oldest first, as the selection was.
	sort.Slice(cs, func(i, j int) bool {
		if !cs[i].created.Equal(cs[j].created) {
			return cs[i].created.Before(cs[j].created)
		}
		return cs[i].id < cs[j].id
	})
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.id
	}
	return ids, nil
}
