package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
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

	// Writes are group-committed: concurrent writes queue here and the
	// writer goroutine runs each batch in one transaction, every write in
	// its own savepoint, so a busy server pays one commit per batch
	// instead of one per request.
	st stmts

	lock *fileLock // nil for an admin store

	queue     chan *writeReq
	closing   chan struct{}
	closeOnce sync.Once
	writerWG  sync.WaitGroup
}

type writeReq struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// maxReaders bounds the reader connection pool.
const maxReaders = 8

// maxBatch bounds how many writes share one transaction.
const maxBatch = 256

// Open opens (creating if needed, readable by its owner only) the SQLite
// database at path and migrates it to the current schema. path is a file
// path; ":memory:" is refused, since the store's reader and writer
// connections must share one database.
//
// One process at a time may own the database's money: Open takes an
// exclusive lock on path+".lock" and fails with an error wrapping
// [ErrLocked], naming the holder, if another process has it. A store opened
// with [store.ForAdmin] takes no lock and makes no reservations, so `baton
// keys` can run beside `baton serve`.
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
	o := store.NewOptions(opts...)
	var lock *fileLock
	if o.Admin {
		o.Replica = ""
	} else {
		var err error
		if lock, err = lockFile(path); err != nil {
			return nil, err
		}
	}
	s, err := open(ctx, path, o)
	if err != nil {
		_ = lock.release()
		return nil, err
	}
	s.lock = lock
	return s, nil
}

func open(ctx context.Context, path string, o store.Options) (*Store, error) {
	// The database holds key hashes and every run's prompts: its owner
	// alone may read it. SQLite gives its -wal and -shm files the mode of
	// the database file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	_ = f.Close()
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
	// Idle readers are kept: the default of two idle connections would
	// close and reopen (re-running the pragmas) a connection on most reads
	// under load.
	r.SetMaxOpenConns(maxReaders)
	r.SetMaxIdleConns(maxReaders)
	r.SetConnMaxIdleTime(0)
	s := &Store{w: w, r: r, opts: o, queue: make(chan *writeReq, maxBatch), closing: make(chan struct{})}
	if err := s.st.prepareSavepoints(ctx, w); err != nil {
		_ = s.st.close()
		_ = errors.Join(r.Close(), w.Close())
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.writerWG.Add(1)
	go s.writer()
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := s.st.prepare(ctx, w, r); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if !o.Admin {
		// This process holds the file lock, so every other replica that
		// left holds or runs is dead: settle them now.
		if err := s.register(ctx); err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("sqlite: open %s: register replica: %w", path, err)
		}
		if _, err := s.sweepAll(ctx); err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
	}
	return s, nil
}

// Close implements [store.Store]. Writes already queued finish first.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.writerWG.Wait()
	err := errors.Join(s.st.close(), s.r.Close(), s.w.Close())
	// The lock goes last: the next owner must not start while we write.
	return errors.Join(err, s.lock.release())
}

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("sqlite: store is closed")

// write is writeTx for a fn that needs no context of its own.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeTx(ctx, func(_ context.Context, tx *sql.Tx) error { return fn(tx) })
}

// writeTx runs fn in a transaction on the writer, batched with concurrent
// writes (each in its own savepoint, so one write's error rolls back only
// its own changes). It returns fn's error, or the commit's. Once queued, a
// write is waited for even if ctx ends, so the caller never mistakes a
// committed write for a failed one.
//
// fn must use the context it is given, not ctx: that one carries ctx's
// values but not its cancellation. A cancelled statement would make the
// driver interrupt the connection, and SQLite rolls back the whole
// transaction of an interrupted write, the other writes of the batch
// included; it would also cost a watcher goroutine per statement.
func (s *Store) writeTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case <-s.closing:
		return ErrClosed
	default:
	}
	select {
	case s.queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return ErrClosed
	}
	return <-req.done
}

// writer drains the queue in batches until Close, then finishes what is
// queued.
func (s *Store) writer() {
	defer s.writerWG.Done()
	for {
		var first *writeReq
		select {
		case first = <-s.queue:
		case <-s.closing:
			for {
				select {
				case r := <-s.queue:
					s.runBatch([]*writeReq{r})
				default:
					return
				}
			}
		}
		batch := []*writeReq{first}
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-s.queue:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		s.runBatch(batch)
	}
}

func (s *Store) runBatch(batch []*writeReq) {
	errs := make([]error, len(batch))
	ran := make([]bool, len(batch))
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("sqlite: begin: %w", err)
		}
		return
	}
	if len(batch) == 1 {
		// Alone in its transaction, a write needs no savepoint: its error
		// rolls back the transaction.
		s.runAlone(tx, batch[0])
		return
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		ctx := context.WithoutCancel(r.ctx)
		if _, err := tx.StmtContext(ctx, s.st.savepoint).ExecContext(ctx); err != nil {
			errs[i] = fmt.Errorf("sqlite: savepoint: %w", err)
			continue
		}
		if err := r.fn(ctx, tx); err != nil {
			errs[i] = err
			if _, rerr := tx.StmtContext(ctx, s.st.rollbackTo).ExecContext(ctx); rerr != nil {
				errs[i] = errors.Join(err, fmt.Errorf("sqlite: rollback to savepoint: %w", rerr))
			}
		}
		if _, err := tx.StmtContext(ctx, s.st.release).ExecContext(ctx); err != nil && errs[i] == nil {
			errs[i] = fmt.Errorf("sqlite: release savepoint: %w", err)
		}
		ran[i] = true
	}
	if err := tx.Commit(); err != nil {
		for i := range batch {
			if ran[i] && errs[i] == nil {
				errs[i] = fmt.Errorf("sqlite: commit: %w", err)
			}
		}
	}
	for i, r := range batch {
		r.done <- errs[i]
	}
}

// runAlone runs a batch of one write in tx and ends tx.
func (s *Store) runAlone(tx *sql.Tx, r *writeReq) {
	err := r.ctx.Err()
	if err == nil {
		err = r.fn(context.WithoutCancel(r.ctx), tx)
	}
	if err != nil {
		_ = tx.Rollback()
		r.done <- err
		return
	}
	if err := tx.Commit(); err != nil {
		r.done <- fmt.Errorf("sqlite: commit: %w", err)
		return
	}
	r.done <- nil
}

func (s *Store) now() time.Time { return s.opts.Now() }

// micros is how instants are stored: integer microseconds since the epoch.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
