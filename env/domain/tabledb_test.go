package domain_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/env/domain"
)

type twoTables struct {
	Things *domain.Table[*rec] `json:"things" record:"thing"`
	Others *domain.Table[*rec] `json:"others" record:"other"`
}

func TestParseTableDB(t *testing.T) {
	for _, tc := range []struct {
		name, in  string
		wantPy    string // PyJSON of the parsed database
		wantErr   string
		wantEqual string // another input that must hash the same
	}{
		{name: "field order, file order within", in: `{"others":{"z":{"n":1},"a":{"n":2}},"things":{"t":{"n":3}}}`,
			wantPy: `{"things": {"t": {"n": 3}}, "others": {"z": {"n": 1}, "a": {"n": 2}}}`,
			// Hashes ignore key order within a table.
			wantEqual: `{"things":{"t":{"n":3}},"others":{"a":{"n":2},"z":{"n":1}}}`},
		{name: "missing table is empty", in: `{"things":{}}`, wantPy: `{"things": {}, "others": {}}`},
		{name: "null record", in: `{"others":{"x":null}}`, wantErr: `demo: db.json: others: other "x" is null`},
		{name: "table not an object", in: `{"things":[1]}`, wantErr: "demo: db.json: things:"},
		{name: "not an object", in: `[]`, wantErr: "demo: db.json:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := domain.ParseTableDB[twoTables]("demo", []byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := domain.PyJSON(db); got != tc.wantPy {
				t.Errorf("PyJSON = %s, want %s", got, tc.wantPy)
			}
			if tc.wantEqual != "" {
				other, err := domain.ParseTableDB[twoTables]("demo", []byte(tc.wantEqual))
				if err != nil {
					t.Fatal(err)
				}
				if db.Hash() != other.Hash() {
					t.Error("equal content hashes differently")
				}
			}
		})
	}
}

// TestTableDBFork checks that a fork's writes reach neither the base nor
// a sibling fork, and change the hash.
func TestTableDBFork(t *testing.T) {
	base, err := domain.ParseTableDB[twoTables]("demo", []byte(`{"things":{"a":{"n":1}},"others":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	h0 := base.Hash()
	f1 := base.Fork().(*domain.TableDB[twoTables])
	f2 := base.Fork().(*domain.TableDB[twoTables])
	r, _ := f1.T.Things.Edit("a")
	r.N = 9
	f1.T.Others.Put("new", &rec{N: 5})
	if base.Hash() != h0 || f2.Hash() != h0 {
		t.Fatal("a fork's write leaked into the base or a sibling")
	}
	if f1.Hash() == h0 {
		t.Fatal("a write did not change the fork's hash")
	}
	if got, _ := base.T.Things.Get("a"); got.N != 1 {
		t.Errorf("base record = %d, want 1", got.N)
	}
	if got := domain.PyJSON(f1); got != `{"things": {"a": {"n": 9}}, "others": {"new": {"n": 5}}}` {
		t.Errorf("fork PyJSON = %s", got)
	}
}

func TestLoadTableDB(t *testing.T) {
	dir := t.TempDir()
	if _, err := domain.LoadTableDB[twoTables](context.Background(), "demo", dir); err == nil || !strings.Contains(err.Error(), "demo:") {
		t.Fatalf("missing file: err = %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "db.json"), []byte(`{"things":{"a":{"n":1}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := domain.LoadTableDB[twoTables](context.Background(), "demo", dir)
	if err != nil || db.T.Things.Len() != 1 || db.T.Others.Len() != 0 {
		t.Fatalf("db %+v err %v", db, err)
	}
}

type badTables struct {
	Things *domain.Table[*rec] `json:"things"` // no record tag
}

func TestTableDBBadSchemaPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "record") {
			t.Errorf("recover() = %v, want a panic naming the missing tag", r)
		}
	}()
	_, _ = domain.ParseTableDB[badTables]("demo", []byte(`{}`))
}
