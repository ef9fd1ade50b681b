package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/sqlite"
)

// TestMigrateFeedbackSource upgrades a database made before feedback had a
// source: its feedback reads as a user's, with no judge cost, and a judge
// does not replace it.
func TestMigrateFeedbackSource(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for v, name := range []string{"0001_init.sql", "0002_overage.sql", "0003_replicas.sql", "0004_feedback.sql"} {
		b, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, v+1, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO runs (id, status, task, created, updated) VALUES ('run_old', 'answered', '{}', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO feedback (run_id, score, text, created) VALUES ('run_old', 0.5, 'before judges', 1)`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := st.GetFeedback(ctx, "run_old")
	if err != nil || f.Source != store.SourceUser || f.JudgeCost != 0 || f.Score != 0.5 || f.Text != "before judges" {
		t.Fatalf("old feedback after the upgrade: %+v %v", f, err)
	}
	if _, _, err := st.SetFeedback(ctx, store.Feedback{RunID: "run_old", Score: 1, Source: store.SourceJudge, JudgeCost: 7}); !errors.Is(err, store.ErrFeedbackExists) {
		t.Fatalf("a judge on upgraded feedback: %v, want ErrFeedbackExists", err)
	}
	if f, _ := st.GetFeedback(ctx, "run_old"); f.Score != 0.5 || f.JudgeCost != 7 {
		t.Fatalf("after the judge: %+v", f)
	}
}
