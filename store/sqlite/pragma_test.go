package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// TestPragmasTakeEffect guards the connection string: the driver ignores
// parameters it does not know, so a misspelt pragma fails silently.
func TestPragmasTakeEffect(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode string
	var sync, busy, fk int
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 1 || busy != int(busyTimeout.Milliseconds()) || fk != 1 {
		t.Fatalf("journal_mode=%s synchronous=%d busy_timeout=%d foreign_keys=%d; want wal, 1 (NORMAL), %d, 1", mode, sync, busy, fk, busyTimeout.Milliseconds())
	}
	if _, err := s.r.ExecContext(ctx, "CREATE TABLE x (a)"); err == nil {
		t.Fatal("the reader pool accepted a write; query_only is not in effect")
	}
}
