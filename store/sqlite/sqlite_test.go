package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

func openURL(ctx context.Context, path string) (store.Store, error) { return sqlite.Open(ctx, path) }

func TestProcesses(t *testing.T) {
	storetest.RunProcesses(t, func(t *testing.T) string { return filepath.Join(t.TempDir(), "baton.db") }, openURL)
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
// with its own pool, as separate processes would: migrations must apply
// once and every open must succeed.
func TestConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baton.db")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			s, err := sqlite.Open(context.Background(), path)
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

func TestCommitRun(t *testing.T) {
	committest.Run(t, func(t *testing.T) store.Store { return open(t, filepath.Join(t.TempDir(), "baton.db")) })
}
