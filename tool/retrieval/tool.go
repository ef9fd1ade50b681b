package retrieval

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/batonhq/baton/tool"
)

// searchArgs are the arguments of the search tool.
type searchArgs struct {
	Query string `json:"query"`
	K     *int   `json:"k,omitempty"`
}

// searchSchema is written by hand rather than derived so that it carries
// the bounds of k, which a [tool.Set] then enforces before the call.
func searchSchema(defaultK int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{
  "type": "object",
  "properties": {
    "query": {"type": "string", "minLength": 1, "description": "Keywords to search for; distinctive words work best."},
    "k": {"type": "integer", "minimum": 1, "maximum": %d, "description": "How many passages to return (default %d)."}
  },
  "required": ["query"],
  "additionalProperties": false
}`, MaxK, defaultK))
}

// Typical and limiting wall times of one search.
const (
	typicalLatency = 5 * time.Millisecond
	callTimeout    = 30 * time.Second
)

func (kb *KB) spec() tool.Spec {
	return tool.Spec{
		Name: kb.opts.Name,
		Description: fmt.Sprintf("Searches a local knowledge base (the documents in folder %q) by keyword with BM25 "+
			"and returns the best-matching passages with their source files. Free and fast; use it for facts "+
			"the user's own documents hold.", filepath.Base(kb.opts.Dir)),
		Parameters: searchSchema(kb.opts.K),
		Latency:    typicalLatency,
		Timeout:    callTimeout,
		Tags:       []string{tool.TagLocal, tool.TagSearch, tool.TagFree},
	}
}

// call is the search tool's body. The result's Content is a numbered list
// for a policy to read; its Data is the JSON array of hits.
func (kb *KB) call(ctx context.Context, in searchArgs) (*tool.Result, error) {
	q := strings.TrimSpace(in.Query)
	if q == "" {
		return nil, fmt.Errorf("query is empty; send the words to search for")
	}
	k := kb.opts.K
	if in.K != nil {
		k = *in.K
	}
	if k < 1 || k > MaxK {
		return nil, fmt.Errorf("k is %d; send a number from 1 to %d", k, MaxK)
	}
	hits, err := kb.Search(ctx, q, k)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(hits)
	if err != nil {
		return nil, fmt.Errorf("retrieval: encode hits: %w", err)
	}
	return &tool.Result{Content: formatHits(q, hits), Data: data}, nil
}

// formatHits renders hits as a numbered list, each with its source.
func formatHits(query string, hits []Hit) string {
	if len(hits) == 0 {
		return fmt.Sprintf("No passages match %q. Try other or fewer words.", query)
	}
	var b strings.Builder
	noun := "passages"
	if len(hits) == 1 {
		noun = "passage"
	}
	fmt.Fprintf(&b, "%d %s for %q:\n", len(hits), noun, query)
	for i, h := range hits {
		fmt.Fprintf(&b, "\n%d. %s, passage %d", i+1, h.Source, h.Chunk)
		if h.Title != "" {
			fmt.Fprintf(&b, " (%s)", h.Title)
		}
		if h.Ref != "" {
			fmt.Fprintf(&b, " [id %s]", h.Ref)
		}
		fmt.Fprintf(&b, ", score %.3f\n", h.Score)
		for line := range strings.Lines(h.Text) {
			if l := strings.TrimRight(line, "\n"); l != "" {
				b.WriteString("   " + l + "\n")
			} else {
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}
