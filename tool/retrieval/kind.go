package retrieval

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/batonhq/baton/tool"
)

// KindID is the kind this package registers.
const KindID = "retrieval.bm25"

func init() {
	tool.Register(tool.Kind{
		ID:   KindID,
		Doc:  "local BM25 knowledge base over a folder of .md, .txt, .html and .jsonl files (options: dir, index_dir, chunk_words, overlap_words, k)",
		Open: openKind,
	})
}

// openKind builds the search tool of one configured instance and indexes
// its folder. Relative paths are resolved against cfg.Dir.
func openKind(ctx context.Context, cfg tool.Config) ([]tool.Tool, error) {
	var o Options
	if err := cfg.Decode(&o); err != nil {
		return nil, fmt.Errorf("retrieval: %w", err)
	}
	if strings.TrimSpace(o.Dir) == "" {
		name := cfg.Name
		if name == "" {
			name = DefaultName
		}
		return nil, fmt.Errorf("%w: option dir is not set; in baton.yaml add to tool %q: options: {dir: path/to/documents}", ErrConfig, name)
	}
	o.Dir = resolve(cfg.Dir, o.Dir)
	if o.IndexDir != "" {
		o.IndexDir = resolve(cfg.Dir, o.IndexDir)
	}
	o.Name = cfg.Name
	kb, _, err := Open(ctx, o)
	if err != nil {
		return nil, err
	}
	return []tool.Tool{kb}, nil
}

func resolve(base, p string) string {
	if filepath.IsAbs(p) || base == "" {
		return p
	}
	return filepath.Join(base, p)
}
