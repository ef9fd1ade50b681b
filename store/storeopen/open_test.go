package storeopen_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/storeopen"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, url string
		want      storeopen.Target
		err       string // substring of the error; "" means success
	}{
		{"postgres", "postgres://u:p@db:5432/baton?sslmode=disable", storeopen.Target{Backend: storeopen.Postgres, DSN: "postgres://u:p@db:5432/baton?sslmode=disable"}, ""},
		{"postgresql", "postgresql://db/baton", storeopen.Target{Backend: storeopen.Postgres, DSN: "postgresql://db/baton"}, ""},
		{"upper-case scheme", "POSTGRES://db/baton", storeopen.Target{Backend: storeopen.Postgres, DSN: "POSTGRES://db/baton"}, ""},
		{"postgres without slashes", "postgres:db", storeopen.Target{}, "starts with postgres://"},
		{"sqlite relative", "sqlite:baton.db", storeopen.Target{Backend: storeopen.SQLite, DSN: "baton.db"}, ""},
		{"sqlite absolute", "sqlite:///var/lib/baton.db", storeopen.Target{Backend: storeopen.SQLite, DSN: "/var/lib/baton.db"}, ""},
		{"sqlite two slashes", "sqlite://baton.db", storeopen.Target{Backend: storeopen.SQLite, DSN: "baton.db"}, ""},
		{"plain path", "/data/baton.db", storeopen.Target{Backend: storeopen.SQLite, DSN: "/data/baton.db"}, ""},
		{"relative path", "baton.db", storeopen.Target{Backend: storeopen.SQLite, DSN: "baton.db"}, ""},
		{"windows drive", `C:\baton.db`, storeopen.Target{Backend: storeopen.SQLite, DSN: `C:\baton.db`}, ""},
		{"colon in file name", "run:1.db", storeopen.Target{Backend: storeopen.SQLite, DSN: "run:1.db"}, ""},
		{"empty", "", storeopen.Target{}, "empty"},
		{"sqlite without path", "sqlite:", storeopen.Target{}, "without a path"},
		{"query in path", "sqlite:a.db?mode=ro", storeopen.Target{}, "'?'"},
		{"mysql", "mysql://u:secret@h/db", storeopen.Target{}, `unsupported store URL scheme "mysql"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := storeopen.Parse(tc.url)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Parse = %+v, %v; want an error containing %q", got, err, tc.err)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("the error quotes the URL's password: %v", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestOpenSQLite(t *testing.T) {
	for _, form := range []string{"sqlite:", "sqlite://", ""} {
		path := filepath.Join(t.TempDir(), "baton.db")
		s, err := storeopen.Open(context.Background(), form+path)
		if err != nil {
			t.Fatalf("Open(%q): %v", form+path, err)
		}
		if _, _, err := s.CreateKey(context.Background(), store.NewKey{Name: "k"}); err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
	}
	if _, err := storeopen.Open(context.Background(), "sqlite::memory:"); err == nil || !strings.HasPrefix(err.Error(), "storeopen: sqlite: ") {
		t.Fatalf("Open(sqlite::memory:) = %v, want the sqlite backend's refusal", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"postgres://u:p@h/db", "postgresql://h", "sqlite:a.db", "sqlite:///a", "/x/y.db",
		"C:\\x", "mysql://h", "", "sqlite:", "a:b:c", "postgres:x", "x?y", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, url string) {
		got, err := storeopen.Parse(url)
		if err != nil {
			if got != (storeopen.Target{}) {
				t.Fatalf("Parse(%q) = %+v with error %v", url, got, err)
			}
			return
		}
		switch got.Backend {
		case storeopen.Postgres:
			if got.DSN != url {
				t.Fatalf("Parse(%q): postgres DSN %q is not the URL", url, got.DSN)
			}
		case storeopen.SQLite:
			if got.DSN == "" || strings.ContainsAny(got.DSN, "?\x00") || !strings.HasSuffix(url, got.DSN) {
				t.Fatalf("Parse(%q): bad sqlite path %q", url, got.DSN)
			}
		default:
			t.Fatalf("Parse(%q): unknown backend %q", url, got.Backend)
		}
	})
}
