package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/internal/committest"
	"github.com/batonhq/baton/store/postgres"
	"github.com/batonhq/baton/store/postgres/pgtest"
	"github.com/batonhq/baton/store/storetest"
)

// server is the cluster the tests of this package share; startErr says why
// there is none.
var (
	server   *pgtest.Server
	startErr error
)

func TestMain(m *testing.M) {
	if storetest.IsHelperProcess() || pgtest.SkipRequested() {
		os.Exit(m.Run())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	server, startErr = pgtest.Start(ctx)
	cancel()
	code := m.Run()
	if server != nil {
		if err := server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.Exit(code)
}

// newURL returns a fresh database, skipping t only if BATON_SKIP_POSTGRES=1.
func newURL(t *testing.T) string {
	t.Helper()
	if pgtest.SkipRequested() {
		t.Skip(pgtest.SkipEnv + "=1: skipping a test that needs a PostgreSQL server")
	}
	if startErr != nil {
		t.Fatal(startErr)
	}
	url, err := server.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return url
}

func open(t *testing.T, url string, opts ...store.Option) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		return open(t, newURL(t), store.WithClock(now))
	})
}

func openURL(ctx context.Context, url string, opts ...store.Option) (store.Store, error) {
	return postgres.Open(ctx, url, opts...)
}

func TestProcesses(t *testing.T) { storetest.RunProcesses(t, newURL, openURL, false) }

func TestHelperProcess(t *testing.T) { storetest.HelperProcess(t, openURL) }

// TestConcurrentOpen opens one new database from many pools at once, as
// replicas starting together do: migrations must apply once.
func TestConcurrentOpen(t *testing.T) {
	url := newURL(t)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Errorf("Open: %v", err)
				return
			}
			_ = s.Close()
		})
	}
	wg.Wait()
	s := open(t, url)
	if _, _, err := s.CreateKey(context.Background(), store.NewKey{Name: "after"}); err != nil {
		t.Fatal(err)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"garbage", "postgres://%zz", "cannot parse"},
		{"password not echoed", "postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable&connect_timeout=1", "postgres: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s, err := postgres.Open(ctx, tc.url)
			if err == nil {
				_ = s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("Open = %v, want an error mentioning %q and no password", err, tc.want)
			}
		})
	}
}

func TestStartTestServer(t *testing.T) {
	url := pgtest.StartTestServer(t)
	s := open(t, url)
	if _, err := s.ListKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkReserveCommit(b *testing.B) {
	if pgtest.SkipRequested() {
		b.Skip(pgtest.SkipEnv + "=1")
	}
	if startErr != nil {
		b.Fatal(startErr)
	}
	url, err := server.NewDatabase(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkReserveCommit(b, s)
}

func BenchmarkLeasedReserveCommit(b *testing.B) {
	if pgtest.SkipRequested() {
		b.Skip(pgtest.SkipEnv + "=1")
	}
	if startErr != nil {
		b.Fatal(startErr)
	}
	url, err := server.NewDatabase(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkLeasedReserveCommit(b, s)
}

func TestCommitRun(t *testing.T) {
	committest.Run(t, func(t *testing.T) store.Store { return open(t, newURL(t)) })
}
