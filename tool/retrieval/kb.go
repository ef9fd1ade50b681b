package retrieval

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"github.com/batonhq/baton/tool"
)

// KB is a BM25 knowledge base over a folder of documents, and the tool
// that searches it.
type KB struct {
	opts Options
	fn   *tool.FuncTool[searchArgs, *tool.Result]

	syncMu sync.Mutex // serialises Sync

	mu     sync.RWMutex // guards the fields below
	idx    bleve.Index
	man    *manifest
	closed bool
}

var (
	_ tool.Tool = (*KB)(nil)
	_ io.Closer = (*KB)(nil)
)

// New checks opts and returns a KB that has not touched the disk yet; call
// [KB.Sync] to open and update its index.
func New(opts Options) (*KB, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	kb := &KB{opts: o}
	kb.fn, err = tool.Func(kb.spec(), kb.call)
	if err != nil {
		return nil, fmt.Errorf("retrieval: %w", err)
	}
	return kb, nil
}

// Open is [New] followed by a first [KB.Sync]; it returns the KB ready to
// search and the statistics of that sync.
func Open(ctx context.Context, opts Options) (*KB, Stats, error) {
	kb, err := New(opts)
	if err != nil {
		return nil, Stats{}, err
	}
	st, err := kb.Sync(ctx)
	if err != nil {
		kb.Close()
		return nil, Stats{}, err
	}
	return kb, st, nil
}

// Options returns the options in force, with defaults filled in.
func (kb *KB) Options() Options { return kb.opts }

// Close closes the index. Searches after Close fail with [ErrClosed].
func (kb *KB) Close() error {
	kb.mu.Lock()
	defer kb.mu.Unlock()
	if kb.closed {
		return nil
	}
	kb.closed = true
	if kb.idx == nil {
		return nil
	}
	err := kb.idx.Close()
	kb.idx = nil
	if err != nil {
		return fmt.Errorf("retrieval: close index: %w", err)
	}
	return nil
}

// Spec describes the search tool.
func (kb *KB) Spec() tool.Spec { return kb.fn.Spec() }

// Call runs a search with arguments {"query": string, "k": int}.
func (kb *KB) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	return kb.fn.Call(ctx, args)
}
