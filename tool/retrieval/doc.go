// Package retrieval is Baton's local knowledge base: a BM25 index (bleve,
// scorch on disk) over a folder of documents, exposed as one [tool.Tool]
// named "retrieve" and registered as the kind "retrieval.bm25".
//
// Documents are .md, .txt, .html/.htm (tags, scripts and styles stripped)
// and .jsonl (one object a line with a text, content or body field and an
// optional title and id), found by walking the folder recursively; hidden
// directories and the index directory are skipped. Each document is split
// into passages of about [Options.ChunkWords] words that overlap by
// [Options.OverlapWords] words and keep paragraph boundaries where they can.
//
// Lifecycle: [New] checks options and touches nothing; [KB.Sync] opens (or
// creates) the index in [Options.IndexDir] and brings it up to date with the
// folder, re-indexing only files whose size, modification time and content
// hash changed, and deleting the passages of removed files; it can be called
// again at any time to pick up changes. [KB.Search] and [KB.Call] are safe
// for concurrent use. [KB.Close] closes the index. [Open] is New plus Sync.
//
// An index directory that cannot be opened, or that was written with another
// format or mapping (for instance TF-IDF scoring), is rebuilt from the folder
// with a warning; only the files Baton itself writes there are removed.
package retrieval
