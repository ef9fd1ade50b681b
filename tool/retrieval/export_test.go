package retrieval

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
)

// bleveNew creates a bare bleve index with mapping m, as another program
// might have.
func bleveNew(dir string, m mapping.IndexMapping) (bleve.Index, error) {
	return bleve.NewUsing(dir, m, scorch.Name, bleve.Config.DefaultKVStore, nil)
}
