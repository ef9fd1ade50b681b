package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
)

// completeMarker is written into a cache directory after every file of the
// source verified, so later runs trust it without re-hashing.
const completeMarker = ".baton-complete"

// maxFileBytes bounds one download; the largest pinned file is ~7 MB.
const maxFileBytes = 256 << 20

// download fetches every upstream file of src into the cache, verifying
// each against its pin, and returns the cache directory.
func download(ctx context.Context, src Source, o Options) (string, error) {
	dir, err := cacheRoot(src, o)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, completeMarker)); err == nil && src.Holds(dir) {
		return dir, nil
	}
	base := o.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	var files []File
	for _, f := range src.Files {
		if f.Path != "" {
			files = append(files, f)
		}
	}
	for i, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(f.Local))
		if ok, _ := hashMatches(dst, f.SHA256); ok {
			continue // a previous, interrupted run already verified it
		}
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "dataset: downloading %s/%s (%d/%d)\n", src.Name, f.Local, i+1, len(files))
		}
		if err := fetch(ctx, src.URL(base, f), dst, f); err != nil {
			return "", fmt.Errorf("dataset: %s/%s: %w", src.Name, f.Local, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, completeMarker), []byte(src.Commit+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("dataset: %w", err)
	}
	return dir, nil
}

// fetch GETs url into a temporary file beside dst, checks its SHA-256 and
// renames it into place, so dst is either absent or verified.
func fetch(ctx context.Context, url, dst string, f File) (err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".download-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(resp.Body, maxFileBytes+1))
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	if n > maxFileBytes {
		return fmt.Errorf("GET %s: larger than %d bytes", url, maxFileBytes)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.SHA256 {
		hint := ""
		if f.Origin == DerivedSplit {
			hint = " (the pinned file is a derived split of upstream's; download it from a mirror of shared/data)"
		}
		return fmt.Errorf("%w: %s: expected %s, got %s%s", ErrHashMismatch, f.Local, f.SHA256, got, hint)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// hashMatches reports whether the file at path exists with the given hash.
func hashMatches(path, want string) (bool, error) {
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == want, nil
}
