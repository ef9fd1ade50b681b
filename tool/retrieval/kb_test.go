package retrieval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

func TestSearchFindsEachFileType(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, corpus)
	kb, st, log := openKB(t, Options{Dir: dir})
	if st.Indexed != 4 || st.Files != 4 || st.Skipped != 0 {
		t.Fatalf("first sync stats = %+v, want 4 files indexed", st)
	}
	if !strings.Contains(log.String(), "data/people.jsonl:3") || !strings.Contains(log.String(), "data/people.jsonl:4") {
		t.Errorf("log does not name the malformed jsonl lines 3 and 4:\n%s", log)
	}
	if strings.Contains(log.String(), "people.jsonl:5") {
		t.Errorf("blank line 5 was reported as malformed:\n%s", log)
	}

	tests := []struct {
		name, query, want string
		wantText          string
	}{
		{"markdown", "photosynthesis chlorophyll", "biology/plants.md", "chloroplasts"},
		{"text", "viscous rhyolite magma", "notes/volcano.txt", "Basalt"},
		{"html body", "frigate sextant", "web/ships.html", "chronometer"},
		{"html title", "sailing", "web/ships.html", "Sailing ships"},
		{"html entity", "chronometer", "web/ships.html", "sextant & chronometer"},
		{"jsonl text", "analytical engine", "data/people.jsonl", "Ada Lovelace"},
		{"jsonl content", "enigma", "data/people.jsonl", "Turing"},
		{"jsonl body", "compiler debugging", "data/people.jsonl", "Grace Hopper"},
		{"stemmed", "erupting volcano", "notes/volcano.txt", "magma"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits := search(t, kb, tc.query, 3)
			if len(hits) == 0 || hits[0].Source != tc.want {
				t.Fatalf("top hits for %q = %v, want %s first", tc.query, sources(hits), tc.want)
			}
			if !strings.Contains(hits[0].Text, tc.wantText) {
				t.Errorf("top passage %q does not contain %q", hits[0].Text, tc.wantText)
			}
			if hits[0].Score <= 0 {
				t.Errorf("score = %v, want > 0", hits[0].Score)
			}
		})
	}

	negatives := []struct{ name, query string }{
		{"script content", "frigateScript galleon"},
		{"style content", "mizzenmast hull"},
		{"png", "document"},
		{"malformed jsonl", "field"},
		{"stop words only", "the and of"},
	}
	for _, tc := range negatives {
		t.Run("no "+tc.name, func(t *testing.T) {
			if hits := search(t, kb, tc.query, 5); len(hits) != 0 {
				t.Errorf("query %q matched %v, want nothing", tc.query, sources(hits))
			}
		})
	}
}

func TestJSONLRecordsKeepTitleAndID(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, corpus)
	kb, _, _ := openKB(t, Options{Dir: dir})
	hits := search(t, kb, "lovelace", 1)
	if len(hits) != 1 {
		t.Fatalf("got %d hits", len(hits))
	}
	if h := hits[0]; h.Title != "Ada Lovelace" || h.Ref != "1" || h.Chunk != 0 {
		t.Errorf("hit = %+v, want title Ada Lovelace, ref 1, chunk 0", h)
	}
	hits = search(t, kb, "hopper", 1)
	if len(hits) != 1 || hits[0].Chunk != 2 {
		t.Errorf("hopper hit = %+v, want the file's third passage (chunk 2)", hits)
	}
}

func TestMappingUsesBM25(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, corpus)
	kb, _, _ := openKB(t, Options{Dir: dir})
	m, ok := kb.idx.Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		t.Fatalf("mapping is %T", kb.idx.Mapping())
	}
	if m.ScoringModel != index.BM25Scoring {
		t.Errorf("scoring model = %q, want %q", m.ScoringModel, index.BM25Scoring)
	}
}

// TestBM25Ranking sets up a corpus where TF-IDF and BM25 disagree. Passage
// "short" mentions the term once in 4 words; "long" mentions it 9 times in
// 40. bleve's TF-IDF scores sqrt(tf)/sqrt(len): 1/2 for short against
// 3/6.3 for long, so short wins. BM25 normalises length against the average
// (bleve takes it as distinct terms per passage, about 97 here, which is why
// the filler words are all different) and saturates term frequency: long
// scores about 0.98·idf against 0.90·idf, so long wins.
func TestBM25Ranking(t *testing.T) {
	next := 0
	filler := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = "pa" + letters(next) + "q"
			next++
		}
		return strings.Join(w, " ")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"short.txt": "zymurgy " + filler(3),
		"long.txt":  strings.Repeat("zymurgy ", 9) + filler(31),
		"pad1.txt":  filler(150),
		"pad2.txt":  filler(150),
		"pad3.txt":  filler(150),
	})
	kb, _, _ := openKB(t, Options{Dir: dir})
	hits := search(t, kb, "zymurgy", 2)
	if got := sources(hits); !slices.Equal(got, []string{"long.txt", "short.txt"}) {
		t.Fatalf("ranking = %v, want [long.txt short.txt] as BM25 ranks them (TF-IDF would put short.txt first)", got)
	}
}

// letters writes n in base 26 with the letters a-z.
func letters(n int) string {
	s := ""
	for {
		s = string(rune('a'+n%26)) + s
		n /= 26
		if n == 0 {
			return s
		}
	}
}

func TestSyncIsIncremental(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, corpus)
	o := Options{Dir: dir}
	kb, _, _ := openKB(t, o)
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}

	// A second open of an unchanged folder re-indexes nothing.
	kb, st, _ := openKB(t, o)
	if want := (Stats{Skipped: 4, Files: 4}); st != want {
		t.Fatalf("reopen stats = %+v, want %+v", st, want)
	}

	ctx := context.Background()
	steps := []struct {
		name   string
		change func()
		want   Stats
		gone   string // a query that must now find nothing
		found  string // a query that must now find wantSrc
		src    string
	}{
		{
			name: "modify one file",
			change: func() {
				writeFiles(t, dir, map[string]string{"notes/volcano.txt": "Glaciers carve fjords and moraines.\n"})
			},
			want: Stats{Indexed: 1, Skipped: 3, Passages: 1, Files: 4},
			gone: "rhyolite", found: "fjords moraines", src: "notes/volcano.txt",
		},
		{
			name: "touch without change",
			change: func() {
				p := filepath.Join(dir, "biology", "plants.md")
				fi, _ := os.Stat(p)
				next := fi.ModTime().Add(5e9)
				if err := os.Chtimes(p, next, next); err != nil {
					t.Fatal(err)
				}
			},
			want:  Stats{Skipped: 4, Files: 4},
			found: "chlorophyll", src: "biology/plants.md",
		},
		{
			name: "delete a file",
			change: func() {
				if err := os.Remove(filepath.Join(dir, "web", "ships.html")); err != nil {
					t.Fatal(err)
				}
			},
			want: Stats{Skipped: 3, Removed: 1, Files: 3},
			gone: "frigate sextant",
		},
		{
			name:   "add a file",
			change: func() { writeFiles(t, dir, map[string]string{"new/tides.md": "Tides follow the moon."}) },
			want:   Stats{Indexed: 1, Skipped: 3, Passages: 1, Files: 4},
			found:  "tides moon", src: "new/tides.md",
		},
		{
			name:   "unchanged again",
			change: func() {},
			want:   Stats{Skipped: 4, Files: 4},
		},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.change()
			st, err := kb.Sync(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st != s.want {
				t.Errorf("stats = %+v, want %+v", st, s.want)
			}
			if s.gone != "" {
				if hits := search(t, kb, s.gone, 5); len(hits) != 0 {
					t.Errorf("%q still matches %v", s.gone, sources(hits))
				}
			}
			if s.found != "" {
				hits := search(t, kb, s.found, 1)
				if len(hits) == 0 || hits[0].Source != s.src {
					t.Errorf("%q matches %v, want %s", s.found, sources(hits), s.src)
				}
			}
		})
	}
}

func TestShrinkingFileDropsExtraPassages(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("alpha beta gamma delta epsilon. ", 40) + "\n\nomega tailword"
	writeFiles(t, dir, map[string]string{"a.txt": long})
	kb, st, _ := openKB(t, Options{Dir: dir, ChunkWords: 50, OverlapWords: 5})
	if st.Passages < 4 {
		t.Fatalf("passages = %d, want a multi-passage file", st.Passages)
	}
	writeFiles(t, dir, map[string]string{"a.txt": "alpha only"})
	if _, err := kb.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	hits := search(t, kb, "alpha gamma tailword", 10)
	if len(hits) != 1 || hits[0].Text != "alpha only" {
		t.Errorf("hits after shrink = %+v, want only the new single passage", hits)
	}
	if n, _ := kb.idx.DocCount(); n != 1 {
		t.Errorf("index holds %d passages, want 1", n)
	}
}

func TestRebuildsUnusableIndex(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, indexDir string)
	}{
		{"garbage index meta", func(t *testing.T, d string) {
			overwrite(t, filepath.Join(d, bleveDirName, "index_meta.json"), "{not json")
		}},
		{"garbage root bolt", func(t *testing.T, d string) {
			overwrite(t, filepath.Join(d, bleveDirName, "store", "root.bolt"), strings.Repeat("garbage!", 1000))
		}},
		{"garbage segments", func(t *testing.T, d string) {
			segs, _ := filepath.Glob(filepath.Join(d, bleveDirName, "store", "*.zap"))
			if len(segs) == 0 {
				t.Skip("no segment files to damage")
			}
			for _, s := range segs {
				overwrite(t, s, "short")
			}
		}},
		{"index dir removed", func(t *testing.T, d string) {
			if err := os.RemoveAll(filepath.Join(d, bleveDirName)); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage manifest", func(t *testing.T, d string) { overwrite(t, filepath.Join(d, manifestName), "][") }},
		{"manifest removed", func(t *testing.T, d string) {
			if err := os.Remove(filepath.Join(d, manifestName)); err != nil {
				t.Fatal(err)
			}
		}},
		{"future format", func(t *testing.T, d string) {
			m, err := loadManifest(d)
			if err != nil {
				t.Fatal(err)
			}
			m.Format = indexFormat + 1
			if err := m.save(d); err != nil {
				t.Fatal(err)
			}
		}},
		{"tf-idf index", func(t *testing.T, d string) {
			// An index another tool created with bleve's default scoring.
			if err := os.RemoveAll(filepath.Join(d, bleveDirName)); err != nil {
				t.Fatal(err)
			}
			m := newMapping()
			m.ScoringModel = ""
			idx, err := bleveNew(filepath.Join(d, bleveDirName), m)
			if err != nil {
				t.Fatal(err)
			}
			idx.Close()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, corpus)
			indexDir := filepath.Join(t.TempDir(), "idx")
			writeFiles(t, indexDir, map[string]string{"README.keep": "not ours"})
			o := Options{Dir: dir, IndexDir: indexDir}
			kb, _, _ := openKB(t, o)
			if err := kb.Close(); err != nil {
				t.Fatal(err)
			}
			tc.damage(t, indexDir)

			kb, st, log := openKB(t, o)
			if !st.Rebuilt || st.Indexed != 4 {
				t.Errorf("stats = %+v, want rebuilt with 4 files indexed", st)
			}
			if !strings.Contains(log.String(), "rebuilding index") {
				t.Errorf("no rebuild warning logged:\n%s", log)
			}
			if hits := search(t, kb, "photosynthesis", 1); len(hits) != 1 || hits[0].Source != "biology/plants.md" {
				t.Errorf("search after rebuild = %v", sources(hits))
			}
			if _, err := os.Stat(filepath.Join(indexDir, "README.keep")); err != nil {
				t.Errorf("rebuild removed a file it did not write: %v", err)
			}
		})
	}
}

func overwrite(t *testing.T, path, content string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("nothing to damage at %s: %v", path, err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSecondOpenOfSameIndexFailsClearly(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, corpus)
	kb, _, _ := openKB(t, Options{Dir: dir})
	_, _, err := Open(context.Background(), Options{Dir: dir, Logger: kb.opts.Logger})
	if !errors.Is(err, errLocked) {
		t.Fatalf("second Open error = %v, want errLocked", err)
	}
	// The first KB's index must be intact, not rebuilt under it.
	if hits := search(t, kb, "photosynthesis", 1); len(hits) != 1 {
		t.Errorf("first KB lost its index: %v", hits)
	}
}

func TestLifecycleErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, corpus)
	ctx := context.Background()

	kb, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, DefaultIndexDirName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("New touched the disk: %v", err)
	}
	if _, err := kb.Search(ctx, "x", 1); !errors.Is(err, ErrNotSynced) {
		t.Errorf("Search before Sync: %v, want ErrNotSynced", err)
	}
	if _, err := kb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := kb.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := kb.Search(ctx, "x", 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v, want ErrClosed", err)
	}
	if _, err := kb.Sync(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after Close: %v, want ErrClosed", err)
	}

	missing := filepath.Join(dir, "nope")
	_, _, err = Open(ctx, Options{Dir: missing})
	if err == nil || !strings.Contains(err.Error(), "set option dir") {
		t.Errorf("Open of missing folder: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open created the missing folder")
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err = Open(cancelled, Options{Dir: dir, IndexDir: t.TempDir()})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Open with cancelled context: %v, want context.Canceled", err)
	}
}

func TestOptionsValidation(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no dir", Options{}, "option dir is not set"},
		{"chunk too small", Options{Dir: dir, ChunkWords: 3}, "chunk_words is 3"},
		{"overlap too big", Options{Dir: dir, ChunkWords: 100, OverlapWords: 60}, "overlap_words is 60"},
		{"negative overlap", Options{Dir: dir, OverlapWords: -1}, "overlap_words is -1"},
		{"k too big", Options{Dir: dir, K: 51}, "k is 51"},
		{"index dir is folder", Options{Dir: dir, IndexDir: dir}, "index_dir"},
		{"index dir above folder", Options{Dir: filepath.Join(dir, "docs"), IndexDir: dir}, "index_dir"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.o)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New error = %v, want ErrConfig mentioning %q", err, tc.want)
			}
		})
	}
}

func TestConcurrentSearchAndSync(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, corpus)
	kb, _, _ := openKB(t, Options{Dir: dir})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				hits, err := kb.Search(ctx, "photosynthesis chlorophyll", 3)
				if err != nil {
					errs <- err
					return
				}
				if len(hits) == 0 || hits[0].Source != "biology/plants.md" {
					errs <- errors.New("wrong top hit: " + strings.Join(sources(hits), ","))
					return
				}
			}
		})
		if i%4 == 0 {
			wg.Go(func() {
				if _, err := kb.Sync(ctx); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
