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
	return a.s.updateKey(ctx, a.keyID, "record overage", `UPDATE keys SET overage = overage + ?, overage_open = overage_open + ? WHERE id = ?`,
		int64(excess), int64(excess), a.keyID)
}

// ledgerRow is what a reservation decides on.
type ledgerRow struct {
	budget  store.KeyBudget
	revoked bool
	ledger.Counters
}

// readLedger scans the ledger row of keyID from row (a query of
// ledgerQuery).
func readLedger(row *sql.Row, keyID string) (ledgerRow, error) {
	var (
		r                                          ledgerRow
		perDay, perMonth, total, held, spent, d, m int64
		over, open                                 int64
	)
	err := row.Scan(&perDay, &perMonth, &total, &r.revoked, &held, &spent, &r.Day, &d, &r.Month, &m, &over, &open)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("sqlite: key %q: %w", keyID, store.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("sqlite: key %q: %w", keyID, err)
	}
	r.budget = store.KeyBudget{PerDay: money.Amount(perDay), PerMonth: money.Amount(perMonth), Total: money.Amount(total)}
	r.Held, r.Total, r.SpentDay, r.SpentMonth = money.Amount(held), money.Amount(spent), money.Amount(d), money.Amount(m)
	r.Overage, r.OpenOverage = money.Amount(over), money.Amount(open)
	return r, nil
}

// Reserve implements [budget.Account]: the check and the hold are one
// immediate transaction, so no other writer can slip in between.
func (a account) Reserve(ctx context.Context, max money.Amount) (budget.Hold, error) {
	if a.s.opts.Admin {
		return nil, errors.New("sqlite: this store was opened for administration only (store.ForAdmin) and makes no reservations")
	}
	if err := ledger.CheckAmount("reservation", max); err != nil {
		return nil, err
	}
	id, err := ledger.NewID("hold_")
	if err != nil {
		return nil, err
	}
	now := a.s.now()
	st := &a.s.st
	err = a.s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r, err := readLedger(tx.StmtContext(ctx, st.ledger).QueryRowContext(ctx, a.keyID), a.keyID)
		if err != nil {
			return err
		}
		if r.revoked {
			return fmt.Errorf("sqlite: reserve on key %s: %w", a.keyID, store.ErrRevoked)
		}
		if err := ledger.Check(a.keyID, r.budget, r.Spending(now), max); err != nil {
			return err
		}
		if _, err := tx.StmtContext(ctx, st.reserveKey).ExecContext(ctx, int64(max), a.keyID); err != nil {
			return fmt.Errorf("sqlite: reserve: %w", err)
		}
		if _, err := tx.StmtContext(ctx, st.insertHold).ExecContext(ctx, id, a.keyID, int64(max), micros(ledger.Stamp(now)), a.s.opts.Replica); err != nil {
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

var _ store.RunCommitter = (*hold)(nil)

// Commit implements [budget.Hold]. Only the first commit or release of a
// hold changes the ledger. A hold a sweep already charged in full (its
// replica was taken for dead) is not charged again; one in the 'recovered'
// state of earlier versions is still charged, without being freed twice.
func (h *hold) Commit(ctx context.Context, actual money.Amount) error {
	return h.commit(ctx, actual, nil)
}

// CommitRun implements [store.RunCommitter]: the commit and the run's row
// are one write.
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
	st := &h.s.st
	var (
		amount  money.Amount
		charged bool
		runErr  error
	)
	err := h.s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		charged, runErr = false, nil
		var (
			keyID, state string
			amt          int64
		)
		err := tx.StmtContext(ctx, st.holdOf).QueryRowContext(ctx, h.id).Scan(&keyID, &amt, &state)
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
			state = "" // settled before: nothing to charge
		}
		if state != "" {
			charged = true
			day, month := ledger.Day(now), ledger.Month(now)
			if _, err := tx.StmtContext(ctx, st.chargeKey).ExecContext(ctx, free, int64(actual), day, int64(actual), int64(actual), day,
				month, int64(actual), int64(actual), month, keyID); err != nil {
				return fmt.Errorf("sqlite: commit hold %s: %w", h.id, err)
			}
			if _, err := tx.StmtContext(ctx, st.commitHold).ExecContext(ctx, int64(actual), micros(ledger.Stamp(now)), h.id); err != nil {
				return fmt.Errorf("sqlite: commit hold %s: %w", h.id, err)
			}
		}
		if run != nil {
			// A duplicate ID is not the commit's failure: it stands.
			runErr, err = h.s.insertRun(ctx, tx, enc)
			if runErr != nil {
				runErr = fmt.Errorf("sqlite: create run %s: %w", run.ID, runErr)
			}
			if err != nil {
				return fmt.Errorf("sqlite: create run %s: %w", run.ID, err)
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
	return h.s.writeTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
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
	r, err := readLedger(s.st.ledgerRead.QueryRowContext(ctx, keyID), keyID)
	if err != nil {
		return store.Spending{}, err
	}
	return r.Spending(s.now()), nil
}
