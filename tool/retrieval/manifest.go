package retrieval

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// indexFormat versions the index mapping and the manifest together; an
// index written with another format is rebuilt.
const indexFormat = 1

// Names inside the index directory. Only these are ever removed.
const (
	manifestName = "manifest.json"
	bleveDirName = "bleve"
)

// manifest records what the index holds, so a sync re-indexes only what
// changed.
type manifest struct {
	Format       int                  `json:"format"`
	Scoring      string               `json:"scoring"`
	ChunkWords   int                  `json:"chunk_words"`
	OverlapWords int                  `json:"overlap_words"`
	Files        map[string]fileEntry `json:"files"`
}

// fileEntry is what the index knows about one file.
type fileEntry struct {
	Size   int64  `json:"size"`
	MTime  int64  `json:"mtime_ns"`
	SHA256 string `json:"sha256"`
	Chunks int    `json:"chunks"`
}

func newManifest(o Options) *manifest {
	return &manifest{
		Format:       indexFormat,
		Scoring:      scoringModel,
		ChunkWords:   o.ChunkWords,
		OverlapWords: o.OverlapWords,
		Files:        map[string]fileEntry{},
	}
}

// errNoManifest means the index directory has no manifest yet.
var errNoManifest = errors.New("retrieval: no manifest")

func loadManifest(dir string) (*manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoManifest
	}
	if err != nil {
		return nil, fmt.Errorf("retrieval: read manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("retrieval: manifest %s is not valid JSON: %w", filepath.Join(dir, manifestName), err)
	}
	if m.Files == nil {
		m.Files = map[string]fileEntry{}
	}
	return &m, nil
}

// compatible says why an index with manifest m cannot be reused with
// options o, or returns "" when it can.
func (m *manifest) compatible(o Options) string {
	switch {
	case m.Format != indexFormat:
		return fmt.Sprintf("index format %d, want %d", m.Format, indexFormat)
	case m.Scoring != scoringModel:
		return fmt.Sprintf("scoring model %q, want %q", m.Scoring, scoringModel)
	case m.ChunkWords != o.ChunkWords || m.OverlapWords != o.OverlapWords:
		return fmt.Sprintf("chunking changed from %d/%d to %d/%d words", m.ChunkWords, m.OverlapWords, o.ChunkWords, o.OverlapWords)
	}
	return ""
}

// save writes the manifest atomically: a crash leaves the old one or the
// new one, never half of either.
func (m *manifest) save(dir string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("retrieval: encode manifest: %w", err)
	}
	tmp, err := os.CreateTemp(dir, manifestName+".*.tmp")
	if err != nil {
		return fmt.Errorf("retrieval: write manifest: %w", err)
	}
	_, werr := tmp.Write(b)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("retrieval: write manifest: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, manifestName)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("retrieval: write manifest: %w", err)
	}
	return nil
}
