package retrieval

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
)

// Defaults filled in by [Options.withDefaults].
const (
	// DefaultChunkWords is the target passage length in words.
	DefaultChunkWords = 200
	// DefaultOverlapWords is how many words consecutive passages share, so a
	// sentence cut at a boundary is still found whole in one of them.
	DefaultOverlapWords = 20
	// DefaultK is how many passages a search returns when the caller does
	// not say.
	DefaultK = 5
	// MaxK is the most passages one search returns.
	MaxK = 50
	// DefaultIndexDirName is the index directory created inside the folder
	// when [Options.IndexDir] is empty.
	DefaultIndexDirName = ".baton-index"
	// DefaultName is the tool name when [Options.Name] is empty.
	DefaultName = "retrieve"
)

// Bounds of the chunking options.
const (
	minChunkWords = 10
	maxChunkWords = 10000
)

// Options configure a [KB]. The JSON names are the option names of the
// "retrieval.bm25" kind in baton.yaml.
type Options struct {
	// Dir is the folder of documents. Required.
	Dir string `json:"dir"`
	// IndexDir is where the index and its manifest live; empty means
	// Dir/.baton-index.
	IndexDir string `json:"index_dir,omitempty"`
	// ChunkWords is the target passage length in words.
	ChunkWords int `json:"chunk_words,omitempty"`
	// OverlapWords is how many words consecutive passages of one document
	// share; at most half of ChunkWords.
	OverlapWords int `json:"overlap_words,omitempty"`
	// K is the number of passages a search returns when the call does not
	// say; 1 to [MaxK].
	K int `json:"k,omitempty"`

	// Name is the tool name; empty means [DefaultName].
	Name string `json:"-"`
	// Logger receives warnings (skipped lines, rebuilt indexes); nil means
	// slog.Default().
	Logger *slog.Logger `json:"-"`
}

// withDefaults returns o with zero fields set to their defaults and paths
// made absolute.
func (o Options) withDefaults() (Options, error) {
	if o.ChunkWords == 0 {
		o.ChunkWords = DefaultChunkWords
	}
	if o.OverlapWords == 0 {
		o.OverlapWords = min(DefaultOverlapWords, o.ChunkWords/2)
	}
	if o.K == 0 {
		o.K = DefaultK
	}
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if strings.TrimSpace(o.Dir) == "" {
		return o, nil
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return o, fmt.Errorf("retrieval: dir %q: %w", o.Dir, err)
	}
	o.Dir = dir
	if o.IndexDir == "" {
		o.IndexDir = filepath.Join(dir, DefaultIndexDirName)
	}
	idx, err := filepath.Abs(o.IndexDir)
	if err != nil {
		return o, fmt.Errorf("retrieval: index_dir %q: %w", o.IndexDir, err)
	}
	o.IndexDir = idx
	return o, nil
}

// validate reports the first option that is out of range, saying what to
// set instead. It expects defaults filled in.
func (o Options) validate() error {
	if strings.TrimSpace(o.Dir) == "" {
		return fmt.Errorf("%w: option dir is not set; in baton.yaml give the tool a folder of documents, e.g. options: {dir: ./docs}", ErrConfig)
	}
	if o.ChunkWords < minChunkWords || o.ChunkWords > maxChunkWords {
		return fmt.Errorf("%w: option chunk_words is %d; set it between %d and %d", ErrConfig, o.ChunkWords, minChunkWords, maxChunkWords)
	}
	if o.OverlapWords < 0 || o.OverlapWords > o.ChunkWords/2 {
		return fmt.Errorf("%w: option overlap_words is %d; set it between 0 and half of chunk_words (%d)", ErrConfig, o.OverlapWords, o.ChunkWords/2)
	}
	if o.K < 1 || o.K > MaxK {
		return fmt.Errorf("%w: option k is %d; set it between 1 and %d", ErrConfig, o.K, MaxK)
	}
	if o.IndexDir == o.Dir || isWithin(o.Dir, o.IndexDir) {
		return fmt.Errorf("%w: option index_dir %q is the documents folder or contains it; use a directory of its own such as %s",
			ErrConfig, o.IndexDir, filepath.Join(o.Dir, DefaultIndexDirName))
	}
	return nil
}

// isWithin reports whether path is dir or lies below it.
func isWithin(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}
