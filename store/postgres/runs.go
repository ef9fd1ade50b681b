package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// CreateRun implements [store.Store]. An empty status is "running"; zero
// times are now.
func (s *Store) CreateRun(ctx context.Context, r store.Run) error {
	enc, err := s.encodeRun(&r)
	if err != nil {
		return err
	}
	dup, err := insertRun(ctx, s.pool, enc)
	if err == nil {
		err = dup
	}
	if err != nil {
		return fmt.Errorf("postgres: create run %s: %w", r.ID, err)
	}
	return nil
}

var errRunExists = errors.New("a run with this id already exists")

// encodedRun is a run validated and encoded for its row.
type encodedRun struct {
	r    store.Run
	task string
	ep   *string // NULL unless given
	// replica owns the run while it runs.
	replica string
}

func (s *Store) encodeRun(r *store.Run) (encodedRun, error) {
	if err := ledger.ValidateRun(r, s.now()); err != nil {
		return encodedRun{}, err
	}
	task, err := json.Marshal(r.Task)
	if err != nil {
		return encodedRun{}, fmt.Errorf("postgres: run %s: encoding task: %w", r.ID, err)
	}
	enc := encodedRun{r: *r, task: string(task), replica: s.opts.Replica}
	if r.Episode != nil {
		b, err := json.Marshal(r.Episode)
		if err != nil {
			return encodedRun{}, fmt.Errorf("postgres: run %s: encoding episode: %w", r.ID, err)
		}
		str := string(b)
		enc.ep = &str
	}
	return enc, nil
}

// insertRun stores the run. A run ID already stored is dup, not err: the
// statement changed nothing and did not fail, so a transaction may go on.
func insertRun(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, e encodedRun) (dup, err error) {
	tag, err := db.Exec(ctx, `INSERT INTO runs (id, key_id, status, task, episode, created, updated, replica)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
		e.r.ID, e.r.KeyID, e.r.Status, e.task, e.ep, e.r.Created, e.r.Updated, e.replica)
	if err != nil {
		return nil, err
	}
	if tag.RowsAffected() == 0 {
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
		return fmt.Errorf("postgres: run %s: encoding episode: %w", id, err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE runs SET status = $2, episode = $3, updated = $4 WHERE id = $1`,
		id, status, string(b), ledger.Stamp(s.now()))
	if err != nil {
		return fmt.Errorf("postgres: finish run %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: finish run %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// GetRun implements [store.Store].
func (s *Store) GetRun(ctx context.Context, id string) (store.Run, error) {
	var (
		r                store.Run
		task             string
		ep               *string
		created, updated time.Time
	)
	err := s.pool.QueryRow(ctx, `SELECT id, key_id, status, task::text, episode::text, created, updated FROM runs WHERE id = $1`, id).
		Scan(&r.ID, &r.KeyID, &r.Status, &task, &ep, &created, &updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Run{}, fmt.Errorf("postgres: run %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("postgres: get run %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(task), &r.Task); err != nil {
		return store.Run{}, fmt.Errorf("postgres: run %s: decoding task: %w", id, err)
	}
	if ep != nil {
		r.Episode = new(episode.Episode)
		if err := json.Unmarshal([]byte(*ep), r.Episode); err != nil {
			return store.Run{}, fmt.Errorf("postgres: run %s: decoding episode: %w", id, err)
		}
	}
	r.Created, r.Updated = created.UTC(), updated.UTC()
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
		return fmt.Errorf("postgres: run %s: encoding event %d: %w", runID, e.Seq, err)
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO events (run_id, seq, body)
		SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM runs WHERE id = $1)
		ON CONFLICT (run_id, seq) DO NOTHING`, runID, e.Seq, string(b))
	if err != nil {
		return fmt.Errorf("postgres: append event %d to run %s: %w", e.Seq, runID, err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	if ok, err := s.runExists(ctx, runID); err != nil || !ok {
		return errors.Join(err, fmt.Errorf("postgres: append event %d: run %q: %w", e.Seq, runID, store.ErrNotFound))
	}
	return nil
}

func (s *Store) runExists(ctx context.Context, runID string) (bool, error) {
	var ok bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM runs WHERE id = $1)`, runID).Scan(&ok); err != nil {
		return false, fmt.Errorf("postgres: run %s: %w", runID, err)
	}
	return ok, nil
}

// Events implements [store.Store]. An unknown run is ErrNotFound.
func (s *Store) Events(ctx context.Context, runID string, afterSeq int) ([]episode.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT body::text FROM events WHERE run_id = $1 AND seq > $2 ORDER BY seq`, runID, afterSeq)
	if err != nil {
		return nil, fmt.Errorf("postgres: events of run %s: %w", runID, err)
	}
	events, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (episode.Event, error) {
		var body string
		var e episode.Event
		if err := r.Scan(&body); err != nil {
			return e, err
		}
		return e, json.Unmarshal([]byte(body), &e)
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: events of run %s: %w", runID, err)
	}
	if len(events) == 0 {
		if ok, err := s.runExists(ctx, runID); err != nil || !ok {
			return nil, errors.Join(err, fmt.Errorf("postgres: events: run %q: %w", runID, store.ErrNotFound))
		}
		events = []episode.Event{}
	}
	return events, nil
}
