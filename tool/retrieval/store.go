package retrieval

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"
)

// scoringModel is the ranking function the index is created with. bleve's
// default is TF-IDF; BM25 must be asked for in the mapping, and is then
// persisted with it.
const scoringModel = index.BM25Scoring

// lockTimeout bounds the wait for the index's file lock, held by whichever
// process or KB has the index open.
const lockTimeout = "1s"

// Fields of an indexed passage.
const (
	fieldSource = "source"
	fieldChunk  = "chunk"
	fieldTitle  = "title"
	fieldRef    = "ref"
	fieldText   = "text"
)

// storedFields are loaded with each hit.
var storedFields = []string{fieldSource, fieldChunk, fieldTitle, fieldRef, fieldText}

// newMapping returns the index mapping: BM25 over the English-analysed
// passage text; the other fields are stored for display only.
func newMapping() *mapping.IndexMappingImpl {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.IncludeInAll = false
	text.IncludeTermVectors = false
	text.DocValues = false

	stored := func(typ string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		if typ == "number" {
			f = bleve.NewNumericFieldMapping()
		} else {
			f.Analyzer = keyword.Name
		}
		f.Index = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldText, text)
	doc.AddFieldMappingsAt(fieldSource, stored("text"))
	doc.AddFieldMappingsAt(fieldChunk, stored("number"))
	doc.AddFieldMappingsAt(fieldTitle, stored("text"))
	doc.AddFieldMappingsAt(fieldRef, stored("text"))

	m := bleve.NewIndexMapping()
	m.ScoringModel = scoringModel
	m.DefaultAnalyzer = en.AnalyzerName
	m.DefaultMapping = doc
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	return m
}

// indexedPassage is a passage as the mapping sees it.
type indexedPassage struct {
	Source string `json:"source"`
	Chunk  int    `json:"chunk"`
	Title  string `json:"title,omitempty"`
	Ref    string `json:"ref,omitempty"`
	Text   string `json:"text"`
}

// errLocked means another KB or process has the index open.
var errLocked = errors.New("retrieval: index is in use by another process or knowledge base")

// openStore opens the index in o.IndexDir with its manifest, or creates an
// empty one. An index that cannot be opened or does not match o is rebuilt:
// its files are removed (only the ones this package writes) and rebuilt is
// true, so the caller re-indexes every document.
func openStore(o Options) (idx bleve.Index, m *manifest, rebuilt bool, err error) {
	if err := os.MkdirAll(o.IndexDir, 0o755); err != nil {
		return nil, nil, false, fmt.Errorf("retrieval: create index_dir: %w", err)
	}
	bdir := filepath.Join(o.IndexDir, bleveDirName)
	_, statErr := os.Stat(bdir)
	m, merr := loadManifest(o.IndexDir)
	if statErr != nil && errors.Is(merr, errNoManifest) {
		idx, m, err := createStore(o)
		return idx, m, false, err
	}

	var reason string
	switch {
	case statErr != nil:
		reason = "the index is missing"
	case errors.Is(merr, errNoManifest):
		reason = "the manifest is missing"
	case merr != nil:
		reason = merr.Error()
	default:
		reason = m.compatible(o)
	}
	if reason == "" {
		idx, err = openBleve(bdir)
		switch {
		case errors.Is(err, errLocked):
			return nil, nil, false, fmt.Errorf("%w: %s; close it or set another index_dir", err, o.IndexDir)
		case err != nil:
			reason = err.Error()
		default:
			if got := mappingScoring(idx); got != scoringModel {
				idx.Close()
				reason = fmt.Sprintf("the index scores with %q, want %q", got, scoringModel)
			} else {
				return idx, m, false, nil
			}
		}
	}

	o.Logger.Warn("retrieval: rebuilding index", "index_dir", o.IndexDir, "reason", reason)
	if err := os.RemoveAll(bdir); err != nil {
		return nil, nil, false, fmt.Errorf("retrieval: remove unusable index: %w", err)
	}
	if err := os.Remove(filepath.Join(o.IndexDir, manifestName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, false, fmt.Errorf("retrieval: remove unusable manifest: %w", err)
	}
	idx, m, err = createStore(o)
	return idx, m, true, err
}

func createStore(o Options) (bleve.Index, *manifest, error) {
	idx, err := bleve.NewUsing(filepath.Join(o.IndexDir, bleveDirName), newMapping(), scorch.Name, bleve.Config.DefaultKVStore,
		map[string]any{"bolt_timeout": lockTimeout})
	if err != nil {
		return nil, nil, fmt.Errorf("retrieval: create index: %w", err)
	}
	m := newManifest(o)
	if err := m.save(o.IndexDir); err != nil {
		idx.Close()
		return nil, nil, err
	}
	return idx, m, nil
}

// openBleve opens an existing index. A damaged index can make bleve panic
// while reading its segments; that is reported as an error so the index is
// rebuilt rather than taking the process down.
func openBleve(dir string) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("retrieval: open index: panic: %v", r)
		}
	}()
	idx, err = bleve.OpenUsing(dir, map[string]any{"bolt_timeout": lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, errLocked
	}
	if err != nil {
		return nil, fmt.Errorf("retrieval: open index: %w", err)
	}
	return idx, nil
}

// mappingScoring returns the scoring model idx was created with.
func mappingScoring(idx bleve.Index) string {
	m, ok := idx.Mapping().(*mapping.IndexMappingImpl)
	if !ok || m.ScoringModel == "" {
		return index.DefaultScoringModel
	}
	return m.ScoringModel
}
