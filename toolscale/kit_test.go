package toolscale

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/batonhq/baton/env/domain/airline" // a built-in kit to collide with
)

func copyDomain(t *testing.T, from, to string, edit func(name string, b []byte) []byte) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{FileDB, FileTools, FilePolicy, FileTasks, FileSplits} {
		b, err := os.ReadFile(filepath.Join(from, f))
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			b = edit(f, b)
		}
		if err := os.WriteFile(filepath.Join(to, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenDomainNameCollisions(t *testing.T) {
	dir, _ := generated(t)
	ctx := context.Background()
	t.Run("built-in name", func(t *testing.T) {
		to := filepath.Join(t.TempDir(), "airline")
		copyDomain(t, filepath.Join(dir, "school"), to, nil)
		if _, err := OpenDomain(ctx, to); !errors.Is(err, ErrNameTaken) {
			t.Fatalf("err = %v, want ErrNameTaken", err)
		}
	})
	t.Run("same name, other tools.json", func(t *testing.T) {
		if _, err := OpenDomain(ctx, filepath.Join(dir, "school")); err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(t.TempDir(), "school")
		copyDomain(t, filepath.Join(dir, "school"), to, func(name string, b []byte) []byte {
			if name == FileTools {
				return []byte(strings.Replace(string(b), "Drop an enrollment", "Drop one enrollment", 1))
			}
			return b
		})
		if _, err := OpenDomain(ctx, to); !errors.Is(err, ErrSpecConflict) {
			t.Fatalf("err = %v, want ErrSpecConflict", err)
		}
	})
	t.Run("same name, same tools.json", func(t *testing.T) {
		to := filepath.Join(t.TempDir(), "school")
		copyDomain(t, filepath.Join(dir, "school"), to, nil)
		d, err := OpenDomain(ctx, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Tasks) == 0 || !strings.Contains(d.Policy, "Northgate") {
			t.Fatalf("domain loaded %d tasks, policy %.60q", len(d.Tasks), d.Policy)
		}
	})
}
