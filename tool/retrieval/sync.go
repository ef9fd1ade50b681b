package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
)

// maxFileBytes bounds the size of one document file; larger files are
// skipped with a warning rather than read into memory.
const maxFileBytes = 64 << 20

// batchPassages is how many passages go into one index batch; the manifest
// is saved after each, so an interrupted sync keeps what it finished.
const batchPassages = 2000

// Stats is what one [KB.Sync] did.
type Stats struct {
	// Indexed is the number of files (re-)indexed: new or changed.
	Indexed int `json:"indexed"`
	// Skipped is the number of files left alone because they had not
	// changed.
	Skipped int `json:"skipped"`
	// Removed is the number of files whose passages were deleted because
	// the file is gone.
	Removed int `json:"removed"`
	// Passages is the number of passages written.
	Passages int `json:"passages"`
	// Files is the number of files the index holds after the sync.
	Files int `json:"files"`
	// Rebuilt is set when the index directory was unusable and was rebuilt.
	Rebuilt bool `json:"rebuilt"`
}

// Sync opens the index on first use and brings it up to date with the
// folder: files are re-indexed when new or when their content changed, and
// the passages of removed files are deleted. Unchanged files (same size and
// modification time, or same content hash) are not read again.
func (kb *KB) Sync(ctx context.Context) (st Stats, err error) {
	kb.syncMu.Lock()
	defer kb.syncMu.Unlock()
	// Check the folder first: opening the index would create it.
	if fi, err := os.Stat(kb.opts.Dir); err != nil || !fi.IsDir() {
		if err == nil {
			err = errors.New("not a directory")
		}
		return st, fmt.Errorf("retrieval: documents folder %s: %w; set option dir in baton.yaml to an existing folder", kb.opts.Dir, err)
	}
	if err := kb.ensureOpen(&st); err != nil {
		return st, err
	}
	files, err := kb.walk(ctx)
	if err != nil {
		return st, err
	}

	kb.mu.RLock()
	defer kb.mu.RUnlock()
	if kb.closed {
		return st, ErrClosed
	}
	b := &batcher{kb: kb, batch: kb.idx.NewBatch(), pending: map[string]*fileEntry{}}

	var gone []string
	for rel := range kb.man.Files {
		if _, ok := files[rel]; !ok {
			gone = append(gone, rel)
		}
	}
	sort.Strings(gone)
	for _, rel := range gone {
		b.remove(rel)
		st.Removed++
	}

	names := make([]string, 0, len(files))
	for rel := range files {
		names = append(names, rel)
	}
	sort.Strings(names)
	for _, rel := range names {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("retrieval: sync: %w", err)
		}
		fi := files[rel]
		old, known := kb.man.Files[rel]
		if known && old.Size == fi.Size() && old.MTime == fi.ModTime().UnixNano() {
			st.Skipped++
			continue
		}
		data, err := readFile(filepath.Join(kb.opts.Dir, filepath.FromSlash(rel)), fi)
		if err != nil {
			kb.opts.Logger.Warn("retrieval: skipping unreadable file", "file", rel, "err", err)
			continue
		}
		sum := sha256.Sum256(data)
		e := fileEntry{Size: fi.Size(), MTime: fi.ModTime().UnixNano(), SHA256: hex.EncodeToString(sum[:])}
		if known && old.SHA256 == e.SHA256 {
			// Touched but not changed: remember the new mtime only.
			e.Chunks = old.Chunks
			b.pending[rel] = &e
			st.Skipped++
			continue
		}
		ps := passages(rel, parseDocuments(rel, data, kb.opts.Logger), kb.opts.ChunkWords, kb.opts.OverlapWords)
		if err := b.put(rel, e, old.Chunks, ps); err != nil {
			return st, err
		}
		st.Indexed++
		st.Passages += len(ps)
		if b.batch.Size() >= batchPassages {
			if err := b.flush(ctx); err != nil {
				return st, err
			}
		}
	}
	if err := b.flush(ctx); err != nil {
		return st, err
	}
	st.Files = len(kb.man.Files)
	return st, nil
}

// ensureOpen opens the index on the first sync. A damaged index is rebuilt
// from scratch, which the manifest, reset with it, makes the sync do.
func (kb *KB) ensureOpen(st *Stats) error {
	kb.mu.Lock()
	defer kb.mu.Unlock()
	if kb.closed {
		return ErrClosed
	}
	if kb.idx != nil {
		return nil
	}
	idx, man, rebuilt, err := openStore(kb.opts)
	if err != nil {
		return err
	}
	kb.idx, kb.man = idx, man
	st.Rebuilt = rebuilt
	return nil
}

// walk lists the supported files under the folder by slash-separated
// relative path. Hidden directories and the index directory are skipped; an
// unreadable subdirectory is logged and skipped.
func (kb *KB) walk(ctx context.Context) (map[string]fs.FileInfo, error) {
	root := kb.opts.Dir
	files := map[string]fs.FileInfo{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			kb.opts.Logger.Warn("retrieval: skipping unreadable path", "path", p, "err", err)
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (strings.HasPrefix(d.Name(), ".") || p == kb.opts.IndexDir) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if !supported(rel) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			kb.opts.Logger.Warn("retrieval: skipping file", "file", rel, "err", err)
			return nil
		}
		files[rel] = fi
		return nil
	})
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("retrieval: sync: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("retrieval: read dir %s: %w (check option dir in baton.yaml)", root, err)
	}
	return files, nil
}

func readFile(path string, fi fs.FileInfo) ([]byte, error) {
	if fi.Size() > maxFileBytes {
		return nil, fmt.Errorf("file is %d bytes, more than the %d this tool reads", fi.Size(), maxFileBytes)
	}
	return os.ReadFile(path)
}

// batcher collects index changes and the manifest entries they imply, and
// applies both together.
type batcher struct {
	kb    *KB
	batch *bleve.Batch
	// pending maps a file to its new manifest entry, or to nil when the
	// file was removed.
	pending map[string]*fileEntry
}

// remove deletes every passage of rel.
func (b *batcher) remove(rel string) {
	for i := range b.kb.man.Files[rel].Chunks {
		b.batch.Delete(passageID(rel, i))
	}
	b.pending[rel] = nil
}

// put replaces the oldChunks passages of rel with ps.
func (b *batcher) put(rel string, e fileEntry, oldChunks int, ps []Passage) error {
	for i := len(ps); i < oldChunks; i++ {
		b.batch.Delete(passageID(rel, i))
	}
	for _, p := range ps {
		err := b.batch.Index(passageID(rel, p.Chunk), indexedPassage{
			Source: p.Source, Chunk: p.Chunk, Title: p.Title, Ref: p.Ref, Text: p.Text,
		})
		if err != nil {
			return fmt.Errorf("retrieval: index %s: %w", passageID(rel, p.Chunk), err)
		}
	}
	e.Chunks = len(ps)
	b.pending[rel] = &e
	return nil
}

// flush applies the batch, then records it in the manifest.
func (b *batcher) flush(ctx context.Context) error {
	if len(b.pending) == 0 && b.batch.Size() == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("retrieval: sync: %w", err)
	}
	if b.batch.Size() > 0 {
		if err := b.kb.idx.Batch(b.batch); err != nil {
			return fmt.Errorf("retrieval: write index: %w", err)
		}
	}
	for rel, e := range b.pending {
		if e == nil {
			delete(b.kb.man.Files, rel)
		} else {
			b.kb.man.Files[rel] = *e
		}
	}
	if err := b.kb.man.save(b.kb.opts.IndexDir); err != nil {
		return err
	}
	// A fresh batch, not Reset: scorch may still be ranging over the old
	// one's operations in a goroutine after Batch returns.
	b.batch = b.kb.idx.NewBatch()
	clear(b.pending)
	return nil
}
