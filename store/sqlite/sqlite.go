package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/store"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

var _ store.Store = (*Store)(nil)

// busyTimeout is how long a writer waits for another process's write lock.
// Transactions here are short; a long wait means a stuck process.
const busyTimeout = 30 * time.Second

// Store is a [store.Store] in one SQLite file. It is safe for concurrent use
// by goroutines and by other processes opening the same file.
type Store struct {
	w    *sql.DB // one connection; every write goes through it
	r    *sql.DB // readers, concurrent with the writer under WAL
	opts store.Options
}

// Open opens (creating if needed) the SQLite database at path and migrates
// it to the current schema. path is a file path; ":memory:" is refused,
// since the store's reader and writer connections must share one database.
func Open(ctx context.Context, path string, opts ...store.Option) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: empty database path")
	}
	if strings.ContainsAny(path, "?\x00") {
		return nil, fmt.Errorf("sqlite: database path %q must not contain '?' or NUL", path)
	}
	if path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		return nil, fmt.Errorf("sqlite: in-memory databases are not supported; use a file path (a temporary file for tests)")
	}
	// modernc.org/sqlite takes pragmas as _pragma=name(value); the
	// mattn-style _journal_mode=... parameters are silently ignored. WAL
	// with synchronous=NORMAL survives a killed process (only a power cut
	// can lose the last commits) and spares an fsync per transaction.
	params := fmt.Sprintf("?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)", busyTimeout.Milliseconds())
	w, err := sql.Open("sqlite", path+params+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", path+params+"&_pragma=query_only(1)")
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	s := &Store{w: w, r: r, opts: store.NewOptions(opts...)}
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// Close implements [store.Store].
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// write runs fn in one BEGIN IMMEDIATE transaction on the writer.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

func (s *Store) now() time.Time { return s.opts.Now() }

// micros is how instants are stored: integer microseconds since the epoch.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
