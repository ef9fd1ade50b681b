package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// stmts are the statements of the hot paths (authentication, reservation,
// settlement, run records), prepared once: parsing SQL was about half of
// what a write cost the single writer. Writer statements are used in
// transactions through tx.StmtContext, which reuses the writer
// connection's prepared handle.
type stmts struct {
	// Writer, prepared before migrating (they touch no table).
	savepoint, release, rollbackTo *sql.Stmt
	// Writer, prepared after migrating.
	ledger, reserveKey, insertHold, holdOf, chargeKey, commitHold, insertRun *sql.Stmt
	// Readers.
	authenticate, ledgerRead *sql.Stmt

	all []*sql.Stmt
}

const (
	ledgerQuery = `SELECT per_day, per_month, total, revoked, held, spent_total, day, spent_day, month, spent_month, overage, overage_open
		FROM keys WHERE id = ?`
	insertRunQuery = `INSERT INTO runs (id, key_id, status, task, episode, created, updated, replica)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
)

type stmtDef struct {
	dst   **sql.Stmt
	db    *sql.DB
	query string
}

func (st *stmts) prepareAll(ctx context.Context, defs []stmtDef) error {
	for _, d := range defs {
		p, err := d.db.PrepareContext(ctx, d.query)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", d.query, err)
		}
		*d.dst = p
		st.all = append(st.all, p)
	}
	return nil
}

// prepareSavepoints prepares the statements the writer itself needs.
func (st *stmts) prepareSavepoints(ctx context.Context, w *sql.DB) error {
	return st.prepareAll(ctx, []stmtDef{
		{&st.savepoint, w, `SAVEPOINT w`},
		{&st.release, w, `RELEASE w`},
		{&st.rollbackTo, w, `ROLLBACK TO w`},
	})
}

// prepare prepares the statements on the schema's tables.
func (st *stmts) prepare(ctx context.Context, w, r *sql.DB) error {
	return st.prepareAll(ctx, []stmtDef{
		{&st.ledger, w, ledgerQuery},
		{&st.reserveKey, w, `UPDATE keys SET held = held + ? WHERE id = ?`},
		{&st.insertHold, w, `INSERT INTO holds (id, key_id, amount, state, created, replica) VALUES (?, ?, ?, 'held', ?, ?)`},
		{&st.holdOf, w, `SELECT key_id, amount, state FROM holds WHERE id = ?`},
		{&st.chargeKey, w, `UPDATE keys SET held = held - ?, spent_total = spent_total + ?,
			spent_day = CASE WHEN day = ? THEN spent_day + ? ELSE ? END, day = ?,
			spent_month = CASE WHEN month = ? THEN spent_month + ? ELSE ? END, month = ?
			WHERE id = ?`},
		{&st.commitHold, w, `UPDATE holds SET state = 'committed', actual = ?, finished = ? WHERE id = ?`},
		{&st.insertRun, w, insertRunQuery},
		{&st.authenticate, r, `SELECT ` + keyColumns + ` FROM keys WHERE secret_hash = ?`},
		{&st.ledgerRead, r, ledgerQuery},
	})
}

func (st *stmts) close() error {
	var errs []error
	for _, p := range st.all {
		errs = append(errs, p.Close())
	}
	st.all = nil
	return errors.Join(errs...)
}
