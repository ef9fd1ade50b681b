package server_test

import (
	"database/sql"
	"testing"

	_ "modernc.org/sqlite"
)

// openDB opens the SQLite file read-only, to check the ledger's rows
// directly (holds are not exposed by the store interface).
func openDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_busy_timeout=30000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
