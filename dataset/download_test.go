package dataset

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir returns the shared data root, or skips: the pins hash the real
// files, so a faithful mirror needs them.
func sharedDir(t *testing.T) string {
	t.Helper()
	d := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(d); err != nil {
		t.Skip("no ../shared/data beside the checkout")
	}
	return d
}

// mirror serves src's files as <repo>/<commit>/<path>, passing each body
// through edit.
func mirror(t *testing.T, src Source, shared string, edit func(local string, b []byte) []byte) *httptest.Server {
	t.Helper()
	byURL := map[string]string{}
	for _, f := range src.Files {
		if f.Path != "" {
			byURL[src.URL("", f)] = f.Local
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local, ok := byURL[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join(shared, src.Name, filepath.FromSlash(local)))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		if edit != nil {
			b = edit(local, b)
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func noEnv(string) string { return "" }

func TestDownloadVerifiesAndCaches(t *testing.T) {
	shared := sharedDir(t)
	src, err := Lookup("toolorchestra")
	if err != nil {
		t.Fatal(err)
	}
	srv := mirror(t, src, shared, nil)
	cache := t.TempDir()
	var progress bytes.Buffer
	opts := Options{Getenv: noEnv, WorkDir: t.TempDir(), CacheDir: cache, BaseURL: srv.URL, Progress: &progress}
	dir, err := Resolve(context.Background(), "toolorchestra", opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dir, cache) || !src.Holds(dir) {
		t.Fatalf("Resolve = %q, want a verified copy under %q", dir, cache)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "tools.json"))
	want, _ := os.ReadFile(filepath.Join(shared, "toolorchestra", "tools.json"))
	if !bytes.Equal(got, want) {
		t.Error("downloaded tools.json differs from the shared copy")
	}
	if !strings.Contains(progress.String(), "downloading toolorchestra/tools.json") {
		t.Errorf("progress = %q, want a line per file", progress.String())
	}
	// The second resolution must come from the cache: the server is gone.
	srv.Close()
	dir2, err := Resolve(context.Background(), "toolorchestra", opts)
	if err != nil || dir2 != dir {
		t.Fatalf("cached Resolve = %q, %v; want %q", dir2, err, dir)
	}
}

func TestDownloadRejectsTamperedFile(t *testing.T) {
	shared := sharedDir(t)
	src, _ := Lookup("toolorchestra")
	srv := mirror(t, src, shared, func(local string, b []byte) []byte {
		if local == "tools.json" {
			return append(b, ' ')
		}
		return b
	})
	cache := t.TempDir()
	_, err := Resolve(context.Background(), "toolorchestra", Options{Getenv: noEnv, WorkDir: t.TempDir(), CacheDir: cache, BaseURL: srv.URL})
	if err == nil {
		t.Fatal("Resolve succeeded on a tampered file")
	}
	var want string
	for _, f := range src.Files {
		if f.Local == "tools.json" {
			want = f.SHA256
		}
	}
	for _, s := range []string{"tools.json", "expected " + want, "got "} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("error does not wrap ErrNotFound: %v", err)
	}
	filepath.Walk(cache, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		switch n := filepath.Base(p); {
		case n == "tools.json", n == completeMarker, strings.HasPrefix(n, ".download-"):
			t.Errorf("cache keeps %s after a failed verification", p)
		}
		return nil
	})
}

func TestDownloadHTTPError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := Resolve(context.Background(), "gsm8k", Options{Getenv: noEnv, WorkDir: t.TempDir(), CacheDir: t.TempDir(), BaseURL: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("err = %v, want a 404 named", err)
	}
}

func TestDownloadHonoursCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Resolve(ctx, "gsm8k", Options{Getenv: noEnv, WorkDir: t.TempDir(), CacheDir: t.TempDir(), BaseURL: srv.URL})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestPinsMatchSharedData checks that every file in shared/data is pinned
// with its current hash, and every pin names a file that exists.
func TestPinsMatchSharedData(t *testing.T) {
	shared := sharedDir(t)
	for _, src := range Sources() {
		t.Run(src.Name, func(t *testing.T) {
			if src.Repo == "" || len(src.Commit) != 40 || src.Sentinel == "" {
				t.Errorf("incomplete pin: %+v", src)
			}
			pinned := map[string]bool{}
			for _, f := range src.Files {
				pinned[f.Local] = true
				ok, err := hashMatches(filepath.Join(shared, src.Name, filepath.FromSlash(f.Local)), f.SHA256)
				if err != nil || !ok {
					t.Errorf("%s: hash differs from pin (err %v)", f.Local, err)
				}
				if (f.Path == "") != (f.Origin == NotUpstream) {
					t.Errorf("%s: has upstream path %q but origin %s", f.Local, f.Path, f.Origin)
				}
			}
			if !pinned[src.Sentinel] {
				t.Errorf("sentinel %s is not pinned", src.Sentinel)
			}
			root := filepath.Join(shared, src.Name)
			filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
				if err != nil || fi.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(root, p)
				if rel != "README.md" && !pinned[filepath.ToSlash(rel)] {
					t.Errorf("%s is in shared/data but not pinned", rel)
				}
				return nil
			})
		})
	}
}
