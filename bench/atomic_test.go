package bench

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	for _, tc := range []struct {
		name string
		old  string // existing content; "" means no file yet
		want string
	}{
		{name: "new file", want: "first\n"},
		{name: "replaces an existing file", old: "a longer old content\n", want: "new\n"},
		{name: "empty content", old: "x", want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.json")
			if tc.old != "" {
				if err := os.WriteFile(path, []byte(tc.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteFileAtomic(path, []byte(tc.want)); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("content = %q, want %q", got, tc.want)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if perm := fi.Mode().Perm(); perm != 0o644 {
				t.Errorf("mode = %v, want 0644", perm)
			}
			ents, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(ents) != 1 {
				t.Errorf("directory holds %d entries, want only out.json (no temporary left behind)", len(ents))
			}
		})
	}
	if err := WriteFileAtomic(filepath.Join(t.TempDir(), "missing", "x"), nil); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
