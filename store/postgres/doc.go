// Package postgres is the [store.Store] backend that server replicas share,
// through pgx (pgxpool).
//
// Reservations are atomic across replicas: a reservation locks its key's
// ledger row (SELECT ... FOR UPDATE), checks every limit, raises the held
// amount and inserts the hold in one transaction. Settling a hold locks the
// hold row first, so a retried or concurrent commit finds it settled and
// bills nothing twice. Migrations run at [Open] under an advisory lock, so
// replicas starting together apply each one once.
package postgres
