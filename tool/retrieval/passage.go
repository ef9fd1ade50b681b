package retrieval

import (
	"fmt"
	"log/slog"
	"path"
	"strings"
	"unicode/utf8"
)

// Passage is one indexed piece of a document.
type Passage struct {
	// Source is the file's path relative to the folder, with '/' separators.
	Source string `json:"source"`
	// Chunk numbers the passages of one file from 0.
	Chunk int `json:"chunk"`
	// Title is the document's title, when it has one (a Markdown heading,
	// an HTML <title>, a JSONL title field).
	Title string `json:"title,omitempty"`
	// Ref is the id field of a JSONL record.
	Ref string `json:"ref,omitempty"`
	// Text is the passage itself.
	Text string `json:"text"`
}

// id is the passage's document ID in the index. The manifest remembers how
// many passages each file has, so a file's passages can be deleted by ID
// without a query.
func passageID(source string, chunk int) string { return fmt.Sprintf("%s#%d", source, chunk) }

// document is one unit of text in a file before it is chunked: a whole
// Markdown, text or HTML file, or one JSONL record.
type document struct {
	Title, Ref, Text string
}

// supported reports whether the file at rel is a document type this package
// reads.
func supported(rel string) bool {
	switch strings.ToLower(path.Ext(rel)) {
	case ".md", ".markdown", ".txt", ".html", ".htm", ".jsonl":
		return true
	}
	return false
}

// parseDocuments turns a file's bytes into documents according to its
// extension. Malformed JSONL lines are logged, naming file:line, and skipped.
func parseDocuments(rel string, data []byte, log *slog.Logger) []document {
	src := string(data)
	if !utf8.ValidString(src) {
		src = strings.ToValidUTF8(src, "\uFFFD")
	}
	switch strings.ToLower(path.Ext(rel)) {
	case ".html", ".htm":
		title, text := htmlToText(src)
		return []document{{Title: title, Text: text}}
	case ".jsonl":
		recs, bad := parseJSONL([]byte(src))
		for _, b := range bad {
			log.Warn("retrieval: skipping malformed jsonl line", "at", fmt.Sprintf("%s:%d", rel, b.Line), "err", b.Err)
		}
		docs := make([]document, len(recs))
		for i, r := range recs {
			docs[i] = document{Title: r.Title, Ref: r.ID, Text: r.Text}
		}
		return docs
	case ".md", ".markdown":
		return []document{{Title: markdownTitle(src), Text: src}}
	default:
		return []document{{Text: src}}
	}
}

// markdownTitle returns the text of the first level-one ATX heading.
func markdownTitle(src string) string {
	for line := range strings.Lines(src) {
		if t, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
			return strings.TrimSpace(t)
		}
	}
	return ""
}

// passages chunks a file's documents, numbering the passages of the file
// from 0. A title that the text does not already contain is put in front of
// the first passage so a search for it finds the document.
func passages(rel string, docs []document, chunkWords, overlapWords int) []Passage {
	var out []Passage
	for _, d := range docs {
		text := d.Text
		if d.Title != "" && !strings.Contains(text, d.Title) {
			text = d.Title + "\n\n" + text
		}
		for _, c := range chunk(text, chunkWords, overlapWords) {
			out = append(out, Passage{Source: rel, Chunk: len(out), Title: d.Title, Ref: d.Ref, Text: c})
		}
	}
	return out
}
