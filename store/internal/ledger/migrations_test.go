package ledger

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for _, tc := range []struct {
		name     string
		files    fstest.MapFS
		versions []int
		wantErr  string
	}{
		{
			name: "sorted by number, not by name",
			files: fstest.MapFS{
				"m/0010_b.sql": file("B"), "m/0002_a.sql": file("A"), "m/0001_init.sql": file("I"),
			},
			versions: []int{1, 2, 10},
		},
		{name: "empty directory", files: fstest.MapFS{"m": {Mode: fs.ModeDir | 0o755}}},
		{name: "no number", files: fstest.MapFS{"m/init.sql": file("")}, wantErr: `"init.sql" is not named NNNN_name.sql`},
		{name: "zero", files: fstest.MapFS{"m/0000_x.sql": file("")}, wantErr: "is not named"},
		{name: "shared version", files: fstest.MapFS{"m/0001_a.sql": file(""), "m/1_b.sql": file("")}, wantErr: "share version 1"},
		{name: "missing directory", files: fstest.MapFS{}, wantErr: "m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := Migrations(tc.files, "m")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != len(tc.versions) {
				t.Fatalf("%d migrations, want %d", len(ms), len(tc.versions))
			}
			for i, m := range ms {
				if m.Version != tc.versions[i] {
					t.Errorf("migration %d has version %d, want %d", i, m.Version, tc.versions[i])
				}
				if want := tc.files["m/"+m.Name]; want == nil || m.SQL != string(want.Data) {
					t.Errorf("migration %s: SQL %q does not match its file", m.Name, m.SQL)
				}
			}
		})
	}
}
