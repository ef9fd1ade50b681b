package promote

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzHistory: any promotions.jsonl (torn, garbage, huge lines) is read
// without panicking; a line that parses is kept, the rest dropped, and the
// serving checkpoint is the last promoted one that parsed.
func FuzzHistory(f *testing.F) {
	f.Add([]byte(`{"candidate":"a.ckpt","promoted":true,"reason":"x"}` + "\n"))
	f.Add([]byte(`{"candidate":"a.ckpt","promoted":true}` + "\n" + `{"candidate":"b.ck`))
	f.Add([]byte("\x00\xff\n{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		d, err := Open(dir, Options{Margin: DefaultMargin})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "promotions.jsonl"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		h, err := d.History()
		if err != nil {
			return // a line over the scanner's limit: reported, not a panic
		}
		last := ""
		for _, dec := range h {
			if dec.Promoted {
				last = dec.Candidate
			}
		}
		name, p, err := d.Serving()
		switch {
		case err == nil && (name != last || p == nil):
			t.Fatalf("serving %q, want %q (the last promoted)", name, last)
		case err == nil && name != "" && filepath.Base(name) != name:
			t.Fatalf("serving a path outside the directory: %q", name)
		case err != nil && last == "":
			t.Fatalf("no promotion recorded, yet Serving failed: %v", err)
		}
	})
}
