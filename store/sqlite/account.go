package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
)

// settleTimeout bounds a commit or release. They ignore the caller's
// cancellation: the call they settle has already run, and a client that
// hung up must not leave its money held or unbilled.
const settleTimeout = time.Minute

// Account implements [store.Store].
func (s *Store) Account(keyID string) budget.Account { return account{s: s, keyID: keyID} }

type account struct {
	s     *Store
	keyID string
}

var _ budget.Account = account{}

// ledgerRow is what a reservation decides on.
type ledgerRow struct {
	budget  store.KeyBudget
	revoked bool
	ledger.Counters
}

func (s *Store) readLedger(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, keyID string) (ledgerRow, error) {
	var (
		r                                          ledgerRow
		perDay, perMonth, total, held, spent, d, m int64
	)
	err := q.QueryRowContext(ctx, `SELECT per_day, per_month, total, revoked, held, spent_total, day, spent_day, month, spent_month
		FROM keys WHERE id = ?`, keyID).Scan(&perDay, &perMonth, &total, &r.revoked, &held, &spent, &r.Day, &d, &r.Month, &m)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("sqlite: key %q: %w", keyID, store.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("sqlite: key %q: %w", keyID, err)
	}
	r.budget = store.KeyBudget{PerDay: money.Amount(perDay), PerMonth: money.Amount(perMonth), Total: money.Amount(total)}
	r.Held, r.Total, r.SpentDay, r.SpentMonth = money.Amount(held), money.Amount(spent), money.Amount(d), money.Amount(m)
	return r, nil
}

// Reserve implements [budget.Account]: the check and the hold are one
// immediate transaction, so no other writer can slip in between.
func (a account) Reserve(ctx context.Context, max money.Amount) (budget.Hold, error) {
	if err := ledger.CheckAmount("reservation", max); err != nil {
		return nil, err
	}
	id, err := ledger.NewID("hold_")
	if err != nil {
		return nil, err
	}
	now := a.s.now()
	err = a.s.write(ctx, func(tx *sql.Tx) error {
		r, err := a.s.readLedger(ctx, tx, a.keyID)
		if err != nil {
			return err
		}
		if r.revoked {
			return fmt.Errorf("sqlite: reserve on key %s: %w", a.keyID, store.ErrRevoked)
		}
		if err := ledger.Check(a.keyID, r.budget, r.Spending(now), max); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE keys SET held = held + ? WHERE id = ?`, int64(max), a.keyID); err != nil {
			return fmt.Errorf("sqlite: reserve: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO holds (id, key_id, amount, state, created) VALUES (?, ?, ?, 'held', ?)`,
			id, a.keyID, int64(max), micros(ledger.Stamp(now))); err != nil {
			return fmt.Errorf("sqlite: reserve: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &hold{s: a.s, id: id}, nil
}

// hold is a reservation row; its state in the database, not in memory,
// decides whether a commit or release still has anything to do.
type hold struct {
	s  *Store
	id string
}

// Commit implements [budget.Hold]. Only the first commit or release of a
// hold changes the ledger. A hold that Recover already released is still
// charged on a late commit (the call ran), without freeing it twice.
func (h *hold) Commit(ctx context.Context, actual money.Amount) error {
	if err := ledger.CheckAmount("actual cost", actual); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	now := h.s.now()
	var (
		amount  money.Amount
		charged bool
	)
	err := h.s.write(ctx, func(tx *sql.Tx) error {
		var (
			keyID, state string
			amt          int64
		)
		err := tx.QueryRowContext(ctx, `SELECT key_id, amount, state FROM holds WHERE id = ?`, h.id).Scan(&keyID, &amt, &state)
		if err != nil {
			return fmt.Errorf("sqlite: commit hold %s: %w", h.id, err)
		}
		amount = money.Amount(amt)
		var free int64
		switch state {
		case "held":
			free = amt
		case "recovered":
		default:
			return nil // settled before
		}
		charged = true
		day, month := ledger.Day(now), ledger.Month(now)
		if _, err := tx.ExecContext(ctx, `UPDATE keys SET held = held - ?, spent_total = spent_total + ?,
			spent_day = CASE WHEN day = ? THEN spent_day + ? ELSE ? END, day = ?,
			spent_month = CASE WHEN month = ? THEN spent_month + ? ELSE ? END, month = ?
			WHERE id = ?`, free, int64(actual), day, int64(actual), int64(actual), day,
			month, int64(actual), int64(actual), month, keyID); err != nil {
			return fmt.Errorf("sqlite: commit hold %s: %w", h.id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE holds SET state = 'committed', actual = ?, finished = ? WHERE id = ?`,
			int64(actual), micros(ledger.Stamp(now)), h.id); err != nil {
			return fmt.Errorf("sqlite: commit hold %s: %w", h.id, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if charged && actual > amount {
		return ledger.OverrunError(h.id, actual, amount)
	}
	return nil
}

// Release implements [budget.Hold].
func (h *hold) Release(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	now := h.s.now()
	return h.s.write(ctx, func(tx *sql.Tx) error {
		var keyID string
		var amt int64
		err := tx.QueryRowContext(ctx, `UPDATE holds SET state = 'released', finished = ? WHERE id = ? AND state = 'held'
			RETURNING key_id, amount`, micros(ledger.Stamp(now)), h.id).Scan(&keyID, &amt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // settled before
		}
		if err != nil {
			return fmt.Errorf("sqlite: release hold %s: %w", h.id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE keys SET held = held - ? WHERE id = ?`, amt, keyID); err != nil {
			return fmt.Errorf("sqlite: release hold %s: %w", h.id, err)
		}
		return nil
	})
}

// Spent implements [store.Store].
func (s *Store) Spent(ctx context.Context, keyID string) (store.Spending, error) {
	r, err := s.readLedger(ctx, s.r, keyID)
	if err != nil {
		return store.Spending{}, err
	}
	return r.Spending(s.now()), nil
}
