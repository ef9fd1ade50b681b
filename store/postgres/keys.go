package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
	"github.com/jackc/pgx/v5"
)

const keyColumns = `id, name, prefix, per_day, per_month, total, rate_per_minute, created, revoked`

// CreateKey implements [store.Store].
func (s *Store) CreateKey(ctx context.Context, k store.NewKey) (store.Key, string, error) {
	if err := ledger.ValidateNewKey(k); err != nil {
		return store.Key{}, "", err
	}
	id, err := ledger.NewID("key_")
	if err != nil {
		return store.Key{}, "", err
	}
	secret, prefix, hash, err := ledger.NewSecret()
	if err != nil {
		return store.Key{}, "", err
	}
	key := store.Key{ID: id, Name: k.Name, Prefix: prefix, Budget: k.Budget,
		RatePerMinute: k.RatePerMinute, Created: ledger.Stamp(s.now())}
	_, err = s.pool.Exec(ctx, `INSERT INTO keys (id, name, prefix, secret_hash, per_day, per_month, total, rate_per_minute, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		id, k.Name, prefix, hash, int64(k.Budget.PerDay), int64(k.Budget.PerMonth), int64(k.Budget.Total),
		k.RatePerMinute, key.Created)
	if err != nil {
		return store.Key{}, "", fmt.Errorf("postgres: create key: %w", err)
	}
	return key, secret, nil
}

func scanKey(row pgx.Row) (store.Key, error) {
	var (
		k                 store.Key
		day, month, total int64
		created           time.Time
	)
	if err := row.Scan(&k.ID, &k.Name, &k.Prefix, &day, &month, &total, &k.RatePerMinute, &created, &k.Revoked); err != nil {
		return store.Key{}, err
	}
	k.Budget = store.KeyBudget{PerDay: money.Amount(day), PerMonth: money.Amount(month), Total: money.Amount(total)}
	k.Created = created.UTC()
	return k, nil
}

// Authenticate implements [store.Store].
func (s *Store) Authenticate(ctx context.Context, secret string) (store.Key, error) {
	if !ledger.PlausibleSecret(secret) {
		return store.Key{}, fmt.Errorf("postgres: authenticate: %w", store.ErrNotFound)
	}
	k, err := scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM keys WHERE secret_hash = $1`, ledger.HashSecret(secret)))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Key{}, fmt.Errorf("postgres: authenticate: no key has this secret: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Key{}, fmt.Errorf("postgres: authenticate: %w", err)
	}
	if k.Revoked {
		return store.Key{}, fmt.Errorf("postgres: authenticate: key %s: %w", k.ID, store.ErrRevoked)
	}
	return k, nil
}

// GetKey implements [store.Store].
func (s *Store) GetKey(ctx context.Context, id string) (store.Key, error) {
	k, err := scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM keys WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Key{}, fmt.Errorf("postgres: key %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Key{}, fmt.Errorf("postgres: get key %q: %w", id, err)
	}
	return k, nil
}

// ListKeys implements [store.Store]; keys come oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]store.Key, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM keys ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list keys: %w", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Key, error) { return scanKey(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: list keys: %w", err)
	}
	if keys == nil {
		keys = []store.Key{}
	}
	return keys, nil
}

// RevokeKey implements [store.Store]; revoking twice is not an error.
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	return s.updateKey(ctx, id, "revoke key", `UPDATE keys SET revoked = true WHERE id = $1`, id)
}

// SetBudget implements [store.Store]. Holds already granted stand; the new
// limits apply to the next reservation.
func (s *Store) SetBudget(ctx context.Context, id string, b store.KeyBudget) error {
	if err := ledger.ValidateBudget(b); err != nil {
		return err
	}
	return s.updateKey(ctx, id, "set budget", `UPDATE keys SET per_day = $2, per_month = $3, total = $4, overage_open = 0 WHERE id = $1`,
		id, int64(b.PerDay), int64(b.PerMonth), int64(b.Total))
}

func (s *Store) updateKey(ctx context.Context, id, what, query string, args ...any) error {
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("postgres: %s %q: %w", what, id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: %s: key %q: %w", what, id, store.ErrNotFound)
	}
	return nil
}
