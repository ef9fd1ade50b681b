package dataset

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// EnvVar is the environment variable naming a data root.
const EnvVar = "BATON_DATA"

// DefaultBaseURL is the host pinned files are downloaded from.
const DefaultBaseURL = "https://raw.githubusercontent.com"

// Options controls resolution. The zero value means the defaults.
type Options struct {
	// Dir is the --data flag: a data root holding <source>/ directories,
	// or the source directory itself.
	Dir string
	// Getenv reads BATON_DATA; nil means os.Getenv.
	Getenv func(string) string
	// WorkDir is where the walk for ../shared/data starts; "" means the
	// process's working directory.
	WorkDir string
	// CacheDir is the download cache; "" means os.UserCacheDir()/baton/data.
	CacheDir string
	// Offline skips the download step.
	Offline bool
	// BaseURL overrides the download host (a mirror laid out as
	// <repo>/<commit>/<path>, or a test server); "" means [DefaultBaseURL].
	BaseURL string
	// Progress receives one line per downloaded file; nil means silence.
	Progress io.Writer
}

// Resolve returns the directory holding source (e.g. "llmrouter",
// "routerarena", "routellm", "tau2-bench"), trying in order [Options.Dir],
// $BATON_DATA, ../shared/data beside the checkout, and a verified download
// into the cache.
//
// A --data or BATON_DATA setting that does not hold the source is an error
// rather than a reason to look elsewhere: an explicit choice that silently
// lost to another copy would make results irreproducible. When no step finds
// the source the error wraps [ErrNotFound] and names all four options.
func Resolve(ctx context.Context, source string, o Options) (string, error) {
	src, err := Lookup(source)
	if err != nil {
		return "", err
	}
	if o.Dir != "" {
		return explicit(src, "--data", o.Dir)
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if v := getenv(EnvVar); v != "" {
		return explicit(src, EnvVar, v)
	}
	work := o.WorkDir
	if work == "" {
		if work, err = os.Getwd(); err != nil {
			work = ""
		}
	}
	if dir, ok := sibling(src, work); ok {
		return dir, nil
	}
	var why string
	if o.Offline {
		why = "skipped (offline)"
	} else {
		dir, err := download(ctx, src, o)
		if err == nil {
			return dir, nil
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("dataset: %s: %w", src.Name, ctx.Err())
		}
		why = err.Error()
	}
	return "", fmt.Errorf("%w: source %q: (1) pass --data DIR (a data root holding %s/, or that directory itself); "+
		"(2) or set %s=DIR; (3) or put the data at ../shared/data/%s beside the checkout (searched upward from %q); "+
		"(4) the pinned download from github.com/%s failed: %s",
		ErrNotFound, src.Name, src.Name, EnvVar, src.Name, work, src.Repo, why)
}

// explicit resolves a user-chosen data root or source directory.
func explicit(src Source, what, dir string) (string, error) {
	for _, d := range []string{filepath.Join(dir, src.Name), dir} {
		if src.Holds(d) {
			return filepath.Clean(d), nil
		}
	}
	return "", fmt.Errorf("%w: %s %s holds no %q data: neither %s nor %s exists; "+
		"point it at a data root holding %s/ or at that directory, or unset it to use ../shared/data or the download",
		ErrNotFound, what, dir, src.Name,
		filepath.Join(dir, src.Name, src.Sentinel), filepath.Join(dir, src.Sentinel), src.Name)
}

// sibling walks up from work looking for shared/data/<source>: at each
// ancestor D it checks D/../shared/data and D/shared/data.
func sibling(src Source, work string) (string, bool) {
	if work == "" {
		return "", false
	}
	d, err := filepath.Abs(work)
	if err != nil {
		return "", false
	}
	for {
		for _, c := range []string{
			filepath.Join(d, "..", "shared", "data", src.Name),
			filepath.Join(d, "shared", "data", src.Name),
		} {
			if src.Holds(c) {
				return filepath.Clean(c), true
			}
		}
		up := filepath.Dir(d)
		if up == d {
			return "", false
		}
		d = up
	}
}

// cacheRoot returns the directory downloads of src go to.
func cacheRoot(src Source, o Options) (string, error) {
	base := o.CacheDir
	if base == "" {
		uc, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("dataset: no user cache directory (%v); set Options.CacheDir or pass --data", err)
		}
		base = filepath.Join(uc, "baton", "data")
	}
	return filepath.Join(base, src.Name+"@"+shortCommit(src.Commit)), nil
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return strings.ToLower(c)
}
