package dataset

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mkSource creates dir holding the llmrouter sentinel and returns dir.
func mkSource(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "default_llm.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestResolveOrder(t *testing.T) {
	root := t.TempDir()
	flagRoot := filepath.Join(root, "flag")
	mkSource(t, filepath.Join(flagRoot, "llmrouter"))
	envRoot := filepath.Join(root, "env")
	mkSource(t, filepath.Join(envRoot, "llmrouter"))
	bare := mkSource(t, filepath.Join(root, "bare-llmrouter"))
	sib := mkSource(t, filepath.Join(root, "shared", "data", "llmrouter"))
	work := filepath.Join(root, "main", "env", "replay")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir() // outside root, so no shared/data above it
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvVar {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name    string
		opts    Options
		want    string
		wantErr []string
	}{
		{"flag beats env and sibling", Options{Dir: flagRoot, Getenv: env(envRoot), WorkDir: work}, filepath.Join(flagRoot, "llmrouter"), nil},
		{"flag may name the source dir itself", Options{Dir: bare, Getenv: env(envRoot), WorkDir: work}, bare, nil},
		{"env beats sibling", Options{Getenv: env(envRoot), WorkDir: work}, filepath.Join(envRoot, "llmrouter"), nil},
		{"sibling of the checkout", Options{Getenv: env(""), WorkDir: work, Offline: true}, sib, nil},
		{"flag without the source is an error", Options{Dir: empty, Getenv: env(envRoot), WorkDir: work},
			"", []string{"--data", empty, "default_llm.json"}},
		{"env without the source is an error", Options{Getenv: env(empty), WorkDir: work},
			"", []string{"BATON_DATA", empty}},
		{"nothing found names all four options", Options{Getenv: env(""), WorkDir: empty, Offline: true},
			"", []string{"--data", "BATON_DATA", "../shared/data", "download", "offline"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(context.Background(), "llmrouter", tc.opts)
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("Resolve = %q, want error", got)
				}
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("error %v does not wrap ErrNotFound", err)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Resolve = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestResolveUnknownSource(t *testing.T) {
	_, err := Resolve(context.Background(), "nope", Options{Offline: true})
	if !errors.Is(err, ErrUnknownSource) || !strings.Contains(err.Error(), "llmrouter") {
		t.Fatalf("err = %v, want ErrUnknownSource listing known sources", err)
	}
}

func TestResolveFindsSharedDataFromThisPackage(t *testing.T) {
	sharedRoot := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(sharedRoot); err != nil {
		t.Skip("no ../shared/data beside the checkout")
	}
	for _, s := range Sources() {
		t.Run(s.Name, func(t *testing.T) {
			dir, err := Resolve(context.Background(), s.Name, Options{Getenv: func(string) string { return "" }, WorkDir: ".", Offline: true})
			if err != nil {
				t.Fatal(err)
			}
			if !s.Holds(dir) || filepath.Base(dir) != s.Name {
				t.Errorf("Resolve = %q, want a %s directory", dir, s.Name)
			}
		})
	}
}
