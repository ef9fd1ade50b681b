// Package store is the ledger and trace store behind `baton serve`: API
// keys (stored hashed) with per-day, per-month and total budgets, atomic
// budget reservations (a [budget.Account] per key), runs, and their trace
// events for streaming and resumption. Backends: SQLite (embedded default,
// pure Go) and Postgres (shared by replicas); one test suite runs on both.
package store
