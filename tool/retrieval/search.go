package retrieval

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
)

// Hit is one passage a search returned.
type Hit struct {
	Passage
	// Score is the passage's BM25 score for the query; higher is better.
	Score float64 `json:"score"`
}

// Search returns the k passages that best match query by BM25, best
// first. k is clamped to 1..[MaxK]; a query with no searchable words (empty,
// or only stop words) matches nothing.
func (kb *KB) Search(ctx context.Context, query string, k int) ([]Hit, error) {
	k = max(1, min(k, MaxK))
	kb.mu.RLock()
	defer kb.mu.RUnlock()
	switch {
	case kb.closed:
		return nil, ErrClosed
	case kb.idx == nil:
		return nil, ErrNotSynced
	}
	// A match query analyses the text like the documents and ORs its terms;
	// unlike a query-string query it has no syntax a model could get wrong.
	q := bleve.NewMatchQuery(query)
	q.SetField(fieldText)
	req := bleve.NewSearchRequestOptions(q, k, 0, false)
	req.Fields = storedFields
	res, err := kb.idx.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("retrieval: search: %w", ctx.Err())
		}
		return nil, fmt.Errorf("retrieval: search: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, Hit{
			Passage: Passage{
				Source: stringOf(h.Fields[fieldSource]),
				Chunk:  intOf(h.Fields[fieldChunk]),
				Title:  stringOf(h.Fields[fieldTitle]),
				Ref:    stringOf(h.Fields[fieldRef]),
				Text:   stringOf(h.Fields[fieldText]),
			},
			Score: h.Score,
		})
	}
	return hits, nil
}

func stringOf(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []any:
		// A field indexed more than once comes back as a list.
		parts := make([]string, 0, len(s))
		for _, p := range s {
			parts = append(parts, stringOf(p))
		}
		return strings.Join(parts, " ")
	}
	return ""
}

func intOf(v any) int {
	if f, ok := v.(float64); ok {
		return int(f)
	}
	return 0
}
