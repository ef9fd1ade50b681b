package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

var _ store.Store = (*Store)(nil)

// Store is a [store.Store] in a PostgreSQL database, safe for concurrent
// use by goroutines and by replicas sharing the database.
type Store struct {
	pool *pgxpool.Pool
	opts store.Options
}

// Open connects to the database at url (postgres://user@host:port/db?...,
// any form pgx accepts) and migrates it to the current schema.
func Open(ctx context.Context, url string, opts ...store.Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message can quote the URL, password included.
		return nil, fmt.Errorf("postgres: cannot parse the database URL (want postgres://user:password@host:port/database)")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool, opts: store.NewOptions(opts...)}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s@%s/%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	if !s.opts.Admin {
		if err := s.register(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("postgres: open %s@%s/%s: register replica: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
		}
	}
	return s, nil
}

// Close implements [store.Store].
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// write runs fn in one transaction, again if Postgres aborted it to break
// a deadlock (replicas recovering at once) or a serialisation conflict; fn
// must set its results afresh on each attempt.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, fn)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || (pe.Code != "40P01" && pe.Code != "40001") {
			return err
		}
	}
	return err
}

func (s *Store) now() time.Time { return s.opts.Now() }
