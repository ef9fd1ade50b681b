package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/ledger"
	"github.com/jackc/pgx/v5"
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

var (
	_ budget.Account         = account{}
	_ budget.OverageRecorder = account{}
)

// RecordOverage implements [budget.OverageRecorder]: the key's overage
// grows and it is frozen until its budget is set again.
func (a account) RecordOverage(ctx context.Context, excess money.Amount) error {
	if err := ledger.CheckOverage(excess); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	return a.s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE keys SET overage = overage + $2, overage_open = overage_open + $2 WHERE id = $1`, a.keyID, int64(excess))
		if err != nil {
			return fmt.Errorf("postgres: record overage on key %q: %w", a.keyID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("postgres: record overage: key %q: %w", a.keyID, store.ErrNotFound)
		}
		return nil
	})
}

type ledgerRow struct {
	budget  store.KeyBudget
	revoked bool
	ledger.Counters
}

// readLedger reads a key's ledger row; lock makes it SELECT ... FOR UPDATE.
func readLedger(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, keyID string, lock bool) (ledgerRow, error) {
	var (
		r                                          ledgerRow
		perDay, perMonth, total, held, spent, d, m int64
		over, open                                 int64
	)
	query := `SELECT per_day, per_month, total, revoked, held, spent_total, day, spent_day, month, spent_month, overage, overage_open
		FROM keys WHERE id = $1`
	if lock {
		query += ` FOR UPDATE`
	}
	err := q.QueryRow(ctx, query, keyID).Scan(&perDay, &perMonth, &total, &r.revoked, &held, &spent, &r.Day, &d, &r.Month, &m, &over, &open)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("postgres: key %q: %w", keyID, store.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("postgres: key %q: %w", keyID, err)
	}
	r.budget = store.KeyBudget{PerDay: money.Amount(perDay), PerMonth: money.Amount(perMonth), Total: money.Amount(total)}
	r.Held, r.Total, r.SpentDay, r.SpentMonth = money.Amount(held), money.Amount(spent), money.Amount(d), money.Amount(m)
	r.Overage, r.OpenOverage = money.Amount(over), money.Amount(open)
	return r, nil
}

// Reserve implements [budget.Account]. The key's row stays locked from the
// check to the commit, so replicas reserving on one key take turns.
func (a account) Reserve(ctx context.Context, max money.Amount) (budget.Hold, error) {
	if a.s.opts.Admin {
		return nil, errors.New("postgres: this store was opened for administration only (store.ForAdmin) and makes no reservations")
	}
	if err := ledger.CheckAmount("reservation", max); err != nil {
		return nil, err
	}
	id, err := ledger.NewID("hold_")
	if err != nil {
		return nil, err
	}
	now := a.s.now()
	err = a.s.write(ctx, func(tx pgx.Tx) error {
		r, err := readLedger(ctx, tx, a.keyID, true)
		if err != nil {
			return err
		}
		if r.revoked {
			return fmt.Errorf("postgres: reserve on key %s: %w", a.keyID, store.ErrRevoked)
		}
		if err := ledger.Check(a.keyID, r.budget, r.Spending(now), max); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE keys SET held = held + $2 WHERE id = $1`, a.keyID, int64(max)); err != nil {
			return fmt.Errorf("postgres: reserve: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO holds (id, key_id, amount, state, created, replica) VALUES ($1, $2, $3, 'held', $4, $5)`,
			id, a.keyID, int64(max), ledger.Stamp(now), a.s.opts.Replica); err != nil {
			return fmt.Errorf("postgres: reserve: %w", err)
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

var _ store.RunCommitter = (*hold)(nil)

// Commit implements [budget.Hold]. The hold's row is locked first, so of
// concurrent settlements exactly one finds it open. A hold a sweep
// already charged in full (its replica was taken for dead) is not charged
// again; one in the 'recovered' state of earlier versions is still
// charged, without being freed twice.
func (h *hold) Commit(ctx context.Context, actual money.Amount) error {
	return h.commit(ctx, actual, nil)
}

// CommitRun implements [store.RunCommitter]: the commit and the run's row
// are one transaction, one round of the pool instead of two.
func (h *hold) CommitRun(ctx context.Context, actual money.Amount, r store.Run) error {
	return h.commit(ctx, actual, &r)
}

// commit commits the hold and, unless run is nil, stores run in the same
// transaction.
func (h *hold) commit(ctx context.Context, actual money.Amount, run *store.Run) error {
	if err := ledger.CheckAmount("actual cost", actual); err != nil {
		return err
	}
	var enc encodedRun
	if run != nil {
		var err error
		if enc, err = h.s.encodeRun(run); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	now := h.s.now()
	var (
		amount  money.Amount
		charged bool
		runErr  error
	)
	err := h.s.write(ctx, func(tx pgx.Tx) error {
		charged, runErr = false, nil
		var (
			keyID, state string
			amt          int64
		)
		err := tx.QueryRow(ctx, `SELECT key_id, amount, state FROM holds WHERE id = $1 FOR UPDATE`, h.id).Scan(&keyID, &amt, &state)
		if err != nil {
			return fmt.Errorf("postgres: commit hold %s: %w", h.id, err)
		}
		amount = money.Amount(amt)
		var free int64
		switch state {
		case "held":
			free = amt
		case "recovered":
		default:
			state = "" // settled before: nothing to charge
		}
		if state != "" {
			charged = true
			day, month := ledger.Day(now), ledger.Month(now)
			if _, err := tx.Exec(ctx, `UPDATE keys SET held = held - $2, spent_total = spent_total + $3,
				spent_day = CASE WHEN day = $4 THEN spent_day + $3 ELSE $3 END, day = $4,
				spent_month = CASE WHEN month = $5 THEN spent_month + $3 ELSE $3 END, month = $5
				WHERE id = $1`, keyID, free, int64(actual), day, month); err != nil {
				return fmt.Errorf("postgres: commit hold %s: %w", h.id, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE holds SET state = 'committed', actual = $2, finished = $3 WHERE id = $1`,
				h.id, int64(actual), ledger.Stamp(now)); err != nil {
				return fmt.Errorf("postgres: commit hold %s: %w", h.id, err)
			}
		}
		if run != nil {
			// A duplicate ID is not the commit's failure: it stands.
			dup, err := insertRun(ctx, tx, enc)
			if err != nil {
				return fmt.Errorf("postgres: create run %s: %w", run.ID, err)
			}
			if dup != nil {
				runErr = fmt.Errorf("postgres: create run %s: %w", run.ID, dup)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if charged && actual > amount {
		return errors.Join(ledger.OverrunError(h.id, actual, amount), runErr)
	}
	return runErr
}

// Release implements [budget.Hold].
func (h *hold) Release(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	now := h.s.now()
	return h.s.write(ctx, func(tx pgx.Tx) error {
		var keyID string
		var amt int64
		err := tx.QueryRow(ctx, `UPDATE holds SET state = 'released', finished = $2 WHERE id = $1 AND state = 'held'
			RETURNING key_id, amount`, h.id, ledger.Stamp(now)).Scan(&keyID, &amt)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // settled before
		}
		if err != nil {
			return fmt.Errorf("postgres: release hold %s: %w", h.id, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE keys SET held = held - $2 WHERE id = $1`, keyID, amt); err != nil {
			return fmt.Errorf("postgres: release hold %s: %w", h.id, err)
		}
		return nil
	})
}

// Spent implements [store.Store].
func (s *Store) Spent(ctx context.Context, keyID string) (store.Spending, error) {
	r, err := readLedger(ctx, s.pool, keyID, false)
	if err != nil {
		return store.Spending{}, err
	}
	return r.Spending(s.now()), nil
}
