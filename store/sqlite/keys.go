package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
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
	err = s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO keys (id, name, prefix, secret_hash, per_day, per_month, total, rate_per_minute, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, k.Name, prefix, hash, int64(k.Budget.PerDay), int64(k.Budget.PerMonth), int64(k.Budget.Total),
			k.RatePerMinute, micros(key.Created))
		return err
	})
	if err != nil {
		return store.Key{}, "", fmt.Errorf("sqlite: create key: %w", err)
	}
	return key, secret, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanKey(row scanner) (store.Key, error) {
	var (
		k                 store.Key
		day, month, total int64
		created           int64
		revoked           bool
	)
	if err := row.Scan(&k.ID, &k.Name, &k.Prefix, &day, &month, &total, &k.RatePerMinute, &created, &revoked); err != nil {
		return store.Key{}, err
	}
	k.Budget = store.KeyBudget{PerDay: money.Amount(day), PerMonth: money.Amount(month), Total: money.Amount(total)}
	k.Created = fromMicros(created)
	k.Revoked = revoked
	return k, nil
}

// Authenticate implements [store.Store].
func (s *Store) Authenticate(ctx context.Context, secret string) (store.Key, error) {
	if !ledger.PlausibleSecret(secret) {
		return store.Key{}, fmt.Errorf("sqlite: authenticate: %w", store.ErrNotFound)
	}
	k, err := scanKey(s.st.authenticate.QueryRowContext(ctx, ledger.HashSecret(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Key{}, fmt.Errorf("sqlite: authenticate: no key has this secret: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Key{}, fmt.Errorf("sqlite: authenticate: %w", err)
	}
	if k.Revoked {
		return store.Key{}, fmt.Errorf("sqlite: authenticate: key %s: %w", k.ID, store.ErrRevoked)
	}
	return k, nil
}

// GetKey implements [store.Store].
func (s *Store) GetKey(ctx context.Context, id string) (store.Key, error) {
	k, err := scanKey(s.r.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM keys WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Key{}, fmt.Errorf("sqlite: key %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Key{}, fmt.Errorf("sqlite: get key %q: %w", id, err)
	}
	return k, nil
}

// ListKeys implements [store.Store]; keys come oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]store.Key, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+keyColumns+` FROM keys ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list keys: %w", err)
	}
	defer rows.Close()
	keys := []store.Key{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list keys: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list keys: %w", err)
	}
	return keys, nil
}

// RevokeKey implements [store.Store]; revoking twice is not an error.
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	return s.updateKey(ctx, id, "revoke key", `UPDATE keys SET revoked = 1 WHERE id = ?`, id)
}

// SetBudget implements [store.Store]. Holds already granted stand; the new
// limits apply to the next reservation.
func (s *Store) SetBudget(ctx context.Context, id string, b store.KeyBudget) error {
	if err := ledger.ValidateBudget(b); err != nil {
		return err
	}
	return s.updateKey(ctx, id, "set budget", `UPDATE keys SET per_day = ?, per_month = ?, total = ?, overage_open = 0 WHERE id = ?`,
		int64(b.PerDay), int64(b.PerMonth), int64(b.Total), id)
}

func (s *Store) updateKey(ctx context.Context, id, what, query string, args ...any) error {
	var n int64
	err := s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: %s %q: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s: key %q: %w", what, id, store.ErrNotFound)
	}
	return nil
}
