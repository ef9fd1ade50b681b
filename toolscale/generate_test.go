package toolscale

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/episode"
)

const testSeed = 42

var (
	genOnce sync.Once
	genDir  string
	genRep  Report
	genErr  error
)

// generated returns one generation of every domain shared by the tests
// that only read it.
func generated(t *testing.T) (string, Report) {
	t.Helper()
	genOnce.Do(func() {
		genDir, genErr = os.MkdirTemp("", "toolscale-test-")
		if genErr != nil {
			return
		}
		genRep, genErr = Generate(context.Background(), Options{Seed: testSeed, TasksPerDomain: 10, Evolve: true, OutDir: genDir})
	})
	if genErr != nil {
		t.Fatal(genErr)
	}
	return genDir, genRep
}

func TestMain(m *testing.M) {
	code := m.Run()
	if genDir != "" {
		os.RemoveAll(genDir)
	}
	os.Exit(code)
}

func TestDomainsAreTheTenToolScaleDomains(t *testing.T) {
	want := "bank basketball ecommerce medicine movie railway restaurant school travel weather"
	if got := strings.Join(Domains(), " "); got != want {
		t.Fatalf("Domains() = %q, want %q", got, want)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	dir, _ := generated(t)
	for _, name := range Domains() {
		t.Run(name, func(t *testing.T) {
			again := t.TempDir()
			if _, err := Generate(context.Background(), Options{Domains: []string{name}, Seed: testSeed, TasksPerDomain: 10, Evolve: true, OutDir: again}); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{FileDB, FileTools, FilePolicy, FileTasks, FileSplits} {
				a, err := os.ReadFile(filepath.Join(dir, name, f))
				if err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(filepath.Join(again, name, f))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs between two runs with seed %d", f, testSeed)
				}
			}
		})
	}
}

func TestSeedChangesOutput(t *testing.T) {
	dir, _ := generated(t)
	other := t.TempDir()
	if _, err := Generate(context.Background(), Options{Domains: []string{"bank"}, Seed: testSeed + 1, TasksPerDomain: 3, OutDir: other}); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "bank", FileDB))
	b, _ := os.ReadFile(filepath.Join(other, "bank", FileDB))
	if bytes.Equal(a, b) {
		t.Fatal("seeds 42 and 43 gave the same db.json")
	}
}

func TestGeneratedDomainsAreWellFormed(t *testing.T) {
	dir, rep := generated(t)
	if len(rep.Domains) != 10 {
		t.Fatalf("report has %d domains, want 10", len(rep.Domains))
	}
	for _, dr := range rep.Domains {
		t.Run(dr.Domain, func(t *testing.T) {
			if dr.Records < 40 || dr.Records > 200 {
				t.Errorf("records = %d, want 40..200", dr.Records)
			}
			if dr.Kept < 15 || dr.Evolved < 5 {
				t.Errorf("kept %d tasks (%d evolved), want at least 15 (5 evolved)", dr.Kept, dr.Evolved)
			}
			db, err := LoadDir(context.Background(), filepath.Join(dir, dr.Domain))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(db.spec.Collections); n < 2 || n > 4 {
				t.Errorf("%d entity types, want 2..4", n)
			}
			tasks := readTasks(t, filepath.Join(dir, dr.Domain))
			if len(tasks) != dr.Kept {
				t.Fatalf("tasks.json has %d tasks, report says %d", len(tasks), dr.Kept)
			}
			v := NewVerifier(db)
			for _, task := range tasks {
				n := len(task.EvaluationCriteria.Actions)
				if n < 2 || n > 6 {
					t.Errorf("task %s: %d golden actions, want 2..6", task.ID, n)
				}
				if len(task.EvaluationCriteria.NLAssertions) == 0 {
					t.Errorf("task %s: no nl_assertions", task.ID)
				}
				if reason, err := v.Add(task); err != nil {
					t.Errorf("emitted task does not verify (%s): %v", reason, err)
				}
			}
			policy, _ := os.ReadFile(filepath.Join(dir, dr.Domain, FilePolicy))
			if !strings.Contains(string(policy), "identify the") || !strings.Contains(string(policy), "explicit confirmation") {
				t.Errorf("policy lacks the identity/confirmation rules:\n%s", policy)
			}
		})
	}
}

func readTasks(t *testing.T, dir string) []*Task {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, FileTasks))
	if err != nil {
		t.Fatal(err)
	}
	var tasks []*Task
	if err := json.Unmarshal(b, &tasks); err != nil {
		t.Fatal(err)
	}
	return tasks
}

// TestEnvScoresGoldenEpisodes loads each generated domain through
// env/domain and plays every task's golden actions as an episode.
func TestEnvScoresGoldenEpisodes(t *testing.T) {
	dir, _ := generated(t)
	ctx := context.Background()
	for _, name := range Domains() {
		t.Run(name, func(t *testing.T) {
			e, err := OpenEnv(ctx, filepath.Join(dir, name), "")
			if err != nil {
				t.Fatal(err)
			}
			tasks := readTasks(t, filepath.Join(dir, name))
			if len(e.Tasks()) != len(tasks) {
				t.Fatalf("env has %d tasks, tasks.json %d", len(e.Tasks()), len(tasks))
			}
			for i, et := range e.Tasks() {
				gold := tasks[i]
				ep := playGolden(t, e.Tools, et, gold)
				sc, err := e.Score(ctx, et, ep)
				if err != nil {
					t.Fatal(err)
				}
				if sc.Outcome != 1 || !sc.Correct {
					t.Fatalf("task %s: golden episode scored %v (%s)", et.ID, sc.Outcome, sc.Detail)
				}
				// The same episode without its final message misses the
				// communicate_info, and without its writes the database.
				if len(gold.EvaluationCriteria.CommunicateInfo) > 0 {
					quiet := *ep
					quiet.Answer = "Done."
					if sc, _ := e.Score(ctx, et, &quiet); sc.Outcome != 0 {
						t.Errorf("task %s: episode that said nothing scored %v", et.ID, sc.Outcome)
					}
				}
				idle := &episode.Episode{Task: et, Answer: ep.Answer, Status: episode.StatusAnswered}
				if sc, _ := e.Score(ctx, et, idle); sc.Outcome != 0 || sc.Breakdown["db"] != 0 {
					t.Errorf("task %s: episode without actions scored %v %v", et.ID, sc.Outcome, sc.Breakdown)
				}
			}
		})
	}
}
