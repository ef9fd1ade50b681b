package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
)

// CreateRun implements [store.Store]. An empty status is "running"; zero
// times are now.
func (s *Store) CreateRun(ctx context.Context, r store.Run) error {
	enc, err := s.encodeRun(&r)
	if err != nil {
		return err
	}
	var dup error
	err = s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		dup, err = s.insertRun(ctx, tx, enc)
		return err
	})
	if err == nil {
		err = dup
	}
	if err != nil {
		return fmt.Errorf("sqlite: create run %s: %w", r.ID, err)
	}
	return nil
}

var errRunExists = errors.New("a run with this id already exists")

// encodedRun is a run validated and encoded for its row.
type encodedRun struct {
	r    store.Run
	task string
	ep   any // NULL unless given
}

func (s *Store) encodeRun(r *store.Run) (encodedRun, error) {
	if err := ledger.ValidateRun(r, s.now()); err != nil {
		return encodedRun{}, err
	}
	task, err := json.Marshal(r.Task)
	if err != nil {
		return encodedRun{}, fmt.Errorf("sqlite: run %s: encoding task: %w", r.ID, err)
	}
	enc := encodedRun{r: *r, task: string(task)}
	if r.Episode != nil {
		b, err := json.Marshal(r.Episode)
		if err != nil {
			return encodedRun{}, fmt.Errorf("sqlite: run %s: encoding episode: %w", r.ID, err)
		}
		enc.ep = string(b)
	}
	return enc, nil
}

// insertRun stores the run in tx. A run ID already stored is dup, not err:
// the statement changed nothing, so the transaction may go on.
func (s *Store) insertRun(ctx context.Context, tx *sql.Tx, e encodedRun) (dup, err error) {
	res, err := tx.StmtContext(ctx, s.st.insertRun).ExecContext(ctx,
		e.r.ID, e.r.KeyID, e.r.Status, e.task, e.ep, micros(e.r.Created), micros(e.r.Updated), s.opts.Replica)
	if err != nil {
		return nil, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return errRunExists, nil
	}
	return nil, nil
}

// FinishRun implements [store.Store]: the run takes the episode's status.
func (s *Store) FinishRun(ctx context.Context, id string, ep *episode.Episode) error {
	status, err := ledger.FinishStatus(ep)
	if err != nil {
		return err
	}
	b, err := json.Marshal(ep)
	if err != nil {
		return fmt.Errorf("sqlite: run %s: encoding episode: %w", id, err)
	}
	var n int64
	err = s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, episode = ?, updated = ? WHERE id = ?`,
			status, string(b), micros(ledger.Stamp(s.now())), id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: finish run %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: finish run %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// GetRun implements [store.Store].
func (s *Store) GetRun(ctx context.Context, id string) (store.Run, error) {
	var (
		r                store.Run
		task             string
		ep               sql.NullString
		created, updated int64
	)
	err := s.r.QueryRowContext(ctx, `SELECT id, key_id, status, task, episode, created, updated FROM runs WHERE id = ?`, id).
		Scan(&r.ID, &r.KeyID, &r.Status, &task, &ep, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Run{}, fmt.Errorf("sqlite: run %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("sqlite: get run %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(task), &r.Task); err != nil {
		return store.Run{}, fmt.Errorf("sqlite: run %s: decoding task: %w", id, err)
	}
	if ep.Valid {
		r.Episode = new(episode.Episode)
		if err := json.Unmarshal([]byte(ep.String), r.Episode); err != nil {
			return store.Run{}, fmt.Errorf("sqlite: run %s: decoding episode: %w", id, err)
		}
	}
	r.Created, r.Updated = fromMicros(created), fromMicros(updated)
	return r, nil
}

// AppendEvent implements [store.Store]. The event is stored with RunID set;
// appending a seq that is already stored keeps the first and is not an
// error, so a retried append is harmless.
func (s *Store) AppendEvent(ctx context.Context, runID string, e episode.Event) error {
	if err := ledger.ValidateEvent(runID, e); err != nil {
		return err
	}
	e.RunID = runID
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("sqlite: run %s: encoding event %d: %w", runID, e.Seq, err)
	}
	var n int64
	err = s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO events (run_id, seq, body)
			SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?)
			ON CONFLICT (run_id, seq) DO NOTHING`, runID, e.Seq, string(b), runID)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE id = ?`, runID).Scan(&n)
	})
	if err != nil {
		return fmt.Errorf("sqlite: append event %d to run %s: %w", e.Seq, runID, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: append event %d: run %q: %w", e.Seq, runID, store.ErrNotFound)
	}
	return nil
}

// Events implements [store.Store]. An unknown run is ErrNotFound.
func (s *Store) Events(ctx context.Context, runID string, afterSeq int) ([]episode.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT body FROM events WHERE run_id = ? AND seq > ? ORDER BY seq`, runID, afterSeq)
	if err != nil {
		return nil, fmt.Errorf("sqlite: events of run %s: %w", runID, err)
	}
	defer rows.Close()
	events := []episode.Event{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("sqlite: events of run %s: %w", runID, err)
		}
		var e episode.Event
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			return nil, fmt.Errorf("sqlite: run %s: decoding an event: %w", runID, err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: events of run %s: %w", runID, err)
	}
	if len(events) == 0 {
		var n int
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE id = ?`, runID).Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlite: events of run %s: %w", runID, err)
		}
		if n == 0 {
			return nil, fmt.Errorf("sqlite: events: run %q: %w", runID, store.ErrNotFound)
		}
	}
	return events, nil
}
