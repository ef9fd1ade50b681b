package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/committest"
	"github.com/batonhq/baton/store/sqlite"
	"github.com/batonhq/baton/store/storetest"
)

func open(t *testing.T, path string, opts ...store.Option) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		return open(t, filepath.Join(t.TempDir(), "baton.db"), store.WithClock(now))
	})
}

func openURL(ctx context.Context, path string, opts ...store.Option) (store.Store, error) {
	return sqlite.Open(ctx, path, opts...)
}

func TestProcesses(t *testing.T) {
	storetest.RunProcesses(t, func(t *testing.T) string { return filepath.Join(t.TempDir(), "baton.db") }, openURL, true)
}

func TestHelperProcess(t *testing.T) { storetest.HelperProcess(t, openURL) }

// TestSecretNotStored reads the database files: the secret must not be in
// them, only its hash.
func TestSecretNotStored(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "baton.db")
	s := open(t, path)
	_, secret, err := s.CreateKey(context.Background(), store.NewKey{Name: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "baton.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(secret[3:])) {
			t.Errorf("%s contains the key secret", f)
		}
	}
}

// TestConcurrentOpen opens one new file from many goroutines at once, each
// with its own pool, as separate processes would (for administration: only
// one process may own the file): migrations must apply once and every open
// must succeed.
func TestConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baton.db")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			s, err := sqlite.Open(context.Background(), path, store.ForAdmin())
			if err != nil {
				t.Errorf("Open: %v", err)
				return
			}
			if _, err := s.ListKeys(context.Background()); err != nil {
				t.Errorf("ListKeys: %v", err)
			}
			_ = s.Close()
		})
	}
	wg.Wait()
	s := open(t, path) // reopening an up-to-date file is a no-op
	if _, _, err := s.CreateKey(context.Background(), store.NewKey{Name: "after"}); err != nil {
		t.Fatal(err)
	}
}

// TestOneOwnerPerFile: a second owner in this process is refused with
// ErrLocked naming this process; an admin store opens beside the owner but
// reserves nothing; closing the owner frees the file. (RunProcesses checks
// the same with a real second process.)
func TestOneOwnerPerFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	owner := open(t, path)
	_, err := sqlite.Open(ctx, path)
	if !errors.Is(err, sqlite.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d ", os.Getpid())) {
		t.Fatalf("second Open = %v, want ErrLocked naming pid %d", err, os.Getpid())
	}
	admin, err := sqlite.Open(ctx, path, store.ForAdmin())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	k, _, err := admin.CreateKey(ctx, store.NewKey{Name: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Account(k.ID).Reserve(ctx, 1); err == nil || !strings.Contains(err.Error(), "administration") {
		t.Fatalf("an admin store reserved: %v", err)
	}
	if err := owner.Close(); err != nil {
		t.Fatal(err)
	}
	_ = owner.Close() // closing twice is harmless
	again, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("after the owner closed: %v", err)
	}
	_ = again.Close()
}

// TestFilesAreOwnerOnly: the database (key hashes, prompts), its WAL and
// shared-memory files and the lock file are readable by their owner only.
func TestFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "baton.db")
	s := open(t, path)
	if _, _, err := s.CreateKey(context.Background(), store.NewKey{Name: "k"}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "baton.db*"))
	if len(files) < 3 {
		t.Fatalf("files %v: want the database, its WAL and the lock", files)
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{"empty", "", "empty"},
		{"memory", ":memory:", "in-memory"},
		{"query", "a.db?mode=ro", "'?'"},
		{"missing directory", filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"), "open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sqlite.Open(context.Background(), tc.path)
			if err == nil {
				_ = s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "sqlite: ") {
				t.Fatalf("Open = %v, want an sqlite: error mentioning %q", err, tc.want)
			}
		})
	}
}

func BenchmarkReserveCommit(b *testing.B) {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "baton.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkReserveCommit(b, s)
}

func BenchmarkLeasedReserveCommit(b *testing.B) {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "baton.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkLeasedReserveCommit(b, s)
}

func TestCommitRun(t *testing.T) {
	committest.Run(t, func(t *testing.T) store.Store { return open(t, filepath.Join(t.TempDir(), "baton.db")) })
}
