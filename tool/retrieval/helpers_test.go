package retrieval

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// logBuffer collects log output; bleve's background goroutines never log
// through slog, but the lock keeps the race detector honest regardless.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// writeFiles writes files (relative path → content) under dir. Each write
// moves the file's modification time forward by a second so a change is
// seen even on file systems with coarse timestamps.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var prev time.Time
		if fi, err := os.Stat(p); err == nil {
			prev = fi.ModTime()
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if !prev.IsZero() {
			next := prev.Add(time.Second)
			if err := os.Chtimes(p, next, next); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// openKB opens a KB over dir with a captured logger and closes it when the
// test ends.
func openKB(t *testing.T, o Options) (*KB, Stats, *logBuffer) {
	t.Helper()
	log, buf := newLogger()
	o.Logger = log
	kb, st, err := Open(context.Background(), o)
	if err != nil {
		t.Fatalf("Open: %v\nlog:\n%s", err, buf)
	}
	t.Cleanup(func() {
		if err := kb.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return kb, st, buf
}

// sources returns the source paths of hits in rank order.
func sources(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Source
	}
	return out
}

func search(t *testing.T, kb *KB, q string, k int) []Hit {
	t.Helper()
	hits, err := kb.Search(context.Background(), q, k)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return hits
}

// corpus is a small folder with one document of each type, each about a
// distinct subject.
var corpus = map[string]string{
	"biology/plants.md": "# Plants\n\nPhotosynthesis happens in chloroplasts. Chlorophyll absorbs red and blue light " +
		"and the plant turns carbon dioxide and water into glucose.\n\nLeaves are green because chlorophyll reflects green light.\n",
	"notes/volcano.txt": "Volcanoes erupt when magma rises through the crust. Basalt lava flows are runny; " +
		"andesite and rhyolite magma is viscous and erupts explosively.\n",
	"web/ships.html": `<!doctype html><html><head><title>Sailing ships</title>
<style>.hull { color: red } .mizzenmast { display: none }</style>
<script>var frigateScript = "galleon";</script></head>
<body><h1>Tall ships</h1><p>A <b>frigate</b> carries square sails on three masts; the mizzen mast is the aftmost.</p>
<p>Ships navigated by sextant &amp; chronometer.</p></body></html>`,
	"data/people.jsonl": `{"id": 1, "title": "Ada Lovelace", "text": "Ada Lovelace wrote the first algorithm for the Analytical Engine."}
{"id": "b2", "content": "Alan Turing described the universal machine and broke Enigma ciphers."}
not json at all
{"title": "no text field"}

{"body": "Grace Hopper built the first compiler and popularised the word debugging."}
`,
	"ignored/image.png": "not a document",
}
