package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Source is one pinned data set: where its original lives and what each of
// its files must hash to.
type Source struct {
	// Name is the source's folder name under a data root, e.g. "llmrouter".
	Name string
	// Doc says in one line what the source holds.
	Doc string
	// Repo is the upstream GitHub repository, "owner/name".
	Repo string
	// Commit is the upstream commit the files were taken from.
	Commit string
	// Sentinel is a file (relative to the source directory) whose presence
	// marks a directory as holding this source.
	Sentinel string
	// Files lists every file of the source in shared/data.
	Files []File
}

// File is one pinned file of a [Source].
type File struct {
	// Local is the file's path relative to the source directory.
	Local string
	// Path is the file's path inside the upstream repository; empty when
	// the file has no upstream counterpart (it is then not downloaded).
	Path string
	// Commit overrides [Source.Commit] for files taken from another commit.
	Commit string
	// SHA256 is the lower-case hex SHA-256 of the file as shipped in
	// shared/data, which a download must match.
	SHA256 string
	// Origin says how the shipped file relates to the upstream file.
	Origin Origin
}

// Origin says how a shipped file relates to its upstream original.
type Origin int

// Origins of a shipped file.
const (
	// Verbatim files are byte-identical to upstream.
	Verbatim Origin = iota
	// DerivedSplit files hold the shared ~80% of upstream's rows (every
	// fifth row or question is held out); their hash differs from
	// upstream's, so only a mirror of the split files verifies.
	DerivedSplit
	// Rebuilt files were reconstructed from other sources and verified
	// byte-identical to upstream by git blob hash.
	Rebuilt
	// NotUpstream files were added next to the data (e.g. a license text)
	// and have no upstream path.
	NotUpstream
)

// String names the origin.
func (o Origin) String() string {
	switch o {
	case Verbatim:
		return "verbatim"
	case DerivedSplit:
		return "derived split"
	case Rebuilt:
		return "rebuilt"
	case NotUpstream:
		return "not upstream"
	}
	return fmt.Sprintf("Origin(%d)", int(o))
}

// Sources returns every pinned source, in a stable order.
func Sources() []Source {
	out := make([]Source, len(pins))
	copy(out, pins)
	return out
}

// Lookup returns the pinned source named name.
func Lookup(name string) (Source, error) {
	for _, s := range pins {
		if s.Name == name {
			return s, nil
		}
	}
	names := make([]string, len(pins))
	for i, s := range pins {
		names[i] = s.Name
	}
	return Source{}, fmt.Errorf("%w %q; known sources: %s", ErrUnknownSource, name, strings.Join(names, ", "))
}

// Holds reports whether dir holds the source, i.e. its sentinel file exists.
func (s Source) Holds(dir string) bool {
	if dir == "" {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(s.Sentinel)))
	return err == nil && !fi.IsDir()
}

// URL returns where f is downloaded from: base/<repo>/<commit>/<path>.
func (s Source) URL(base string, f File) string {
	commit := s.Commit
	if f.Commit != "" {
		commit = f.Commit
	}
	return strings.TrimRight(base, "/") + "/" + s.Repo + "/" + commit + "/" + f.Path
}
