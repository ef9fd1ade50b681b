package retrieval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Shape of the synthetic benchmark corpus: benchFiles files of
// benchParagraphs paragraphs, each paragraph one passage.
const (
	benchFiles      = 200
	benchParagraphs = 50
	benchPassages   = benchFiles * benchParagraphs
	benchVocabulary = 20000
	benchChunkWords = 100
	benchSeed       = 2026
)

var bench struct {
	once    sync.Once
	dir     string
	kb      *KB
	queries []string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.kb != nil {
		bench.kb.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// vocabulary returns n distinct made-up words, none an English stop word
// (each ends in a consonant pair no stop word has).
func vocabulary(r *rand.Rand, n int) []string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		b := make([]byte, 3+r.IntN(7))
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		w := string(b) + "zk"
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// benchCorpus writes the synthetic corpus under dir and returns queries
// drawn from the same distribution. Word frequencies follow Zipf's law, as
// in natural text, so common words match many passages and rare ones few.
func benchCorpus(dir string) ([]string, error) {
	r := rand.New(rand.NewPCG(benchSeed, 0))
	vocab := vocabulary(r, benchVocabulary)
	zipf := rand.NewZipf(r, 1.1, 2, benchVocabulary-1)
	sentence := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = vocab[zipf.Uint64()]
		}
		return strings.Join(w, " ")
	}
	for f := range benchFiles {
		var b strings.Builder
		for range benchParagraphs {
			// 55..95 words: two never fit one passage, so each paragraph is one.
			b.WriteString(sentence(55 + r.IntN(41)))
			b.WriteString("\n\n")
		}
		p := filepath.Join(dir, fmt.Sprintf("d%02d", f%10), fmt.Sprintf("doc%03d.md", f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
	}
	queries := make([]string, 1000)
	for i := range queries {
		queries[i] = sentence(2 + r.IntN(3))
	}
	return queries, nil
}

// benchKB builds the 10,000-passage index once per test binary run; the
// benchmark function itself runs several times with growing b.N.
func benchKB(b *testing.B) (*KB, []string) {
	bench.once.Do(func() {
		bench.dir, bench.err = os.MkdirTemp("", "baton-retrieval-bench-")
		if bench.err != nil {
			return
		}
		bench.queries, bench.err = benchCorpus(bench.dir)
		if bench.err != nil {
			return
		}
		log, _ := newLogger()
		var st Stats
		bench.kb, st, bench.err = Open(context.Background(), Options{
			Dir: bench.dir, ChunkWords: benchChunkWords, OverlapWords: 10, Logger: log,
		})
		if bench.err == nil && st.Passages != benchPassages {
			bench.err = fmt.Errorf("corpus has %d passages, want %d", st.Passages, benchPassages)
		}
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.kb, bench.queries
}

// BenchmarkQuery10k measures one BM25 search for the top 10 passages of
// 10,000, loading their stored fields.
func BenchmarkQuery10k(b *testing.B) {
	kb, queries := benchKB(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		hits, err := kb.Search(ctx, queries[i%len(queries)], 10)
		if err != nil {
			b.Fatal(err)
		}
		if len(hits) == 0 {
			b.Fatalf("query %q matched nothing", queries[i%len(queries)])
		}
		i++
	}
}
