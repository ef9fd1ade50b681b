package storeopen

import (
	"context"
	"fmt"
	"strings"

	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/postgres"
	"github.com/batonhq/baton/store/sqlite"
)

// Backend names a store implementation.
type Backend string

// The backends a URL can select.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// Target is what a store URL selects: a backend and what to open it with
// (a file path for SQLite, the URL itself for Postgres).
type Target struct {
	Backend Backend
	DSN     string
}

// Parse reads a store URL without opening anything. Its errors never quote
// the URL, which may hold a password.
func Parse(url string) (Target, error) {
	if url == "" {
		return Target{}, fmt.Errorf("storeopen: empty store URL (want postgres://..., sqlite:PATH or a file path)")
	}
	scheme, rest, hasScheme := strings.Cut(url, ":")
	if !hasScheme || !isScheme(scheme) {
		return sqlitePath(url)
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		if !strings.HasPrefix(rest, "//") {
			return Target{}, fmt.Errorf("storeopen: a %s URL starts with %s:// (postgres://user:password@host:port/database)", scheme, scheme)
		}
		return Target{Backend: Postgres, DSN: url}, nil
	case "sqlite", "sqlite3":
		return sqlitePath(strings.TrimPrefix(rest, "//"))
	}
	if strings.HasPrefix(rest, "//") {
		return Target{}, fmt.Errorf("storeopen: unsupported store URL scheme %q (want postgres://, sqlite:PATH or a file path)", scheme)
	}
	return sqlitePath(url) // a file name with a colon in it
}

// isScheme reports whether s is a URL scheme of two or more characters; a
// single letter is more likely a Windows drive.
func isScheme(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

func sqlitePath(p string) (Target, error) {
	if p == "" {
		return Target{}, fmt.Errorf("storeopen: sqlite URL without a path (want sqlite:PATH)")
	}
	if strings.ContainsAny(p, "?\x00") {
		return Target{}, fmt.Errorf("storeopen: sqlite path must not contain '?' or NUL")
	}
	return Target{Backend: SQLite, DSN: p}, nil
}

// Open parses url and opens the store it selects, migrated to the current
// schema.
func Open(ctx context.Context, url string, opts ...store.Option) (store.Store, error) {
	t, err := Parse(url)
	if err != nil {
		return nil, err
	}
	switch t.Backend {
	case Postgres:
		s, err := postgres.Open(ctx, t.DSN, opts...)
		if err != nil {
			return nil, fmt.Errorf("storeopen: %w", err)
		}
		return s, nil
	default:
		s, err := sqlite.Open(ctx, t.DSN, opts...)
		if err != nil {
			return nil, fmt.Errorf("storeopen: %w", err)
		}
		return s, nil
	}
}
