package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain/check"
)

func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := dataset.Resolve(context.Background(), "tau2-bench", dataset.Options{Offline: true})
	if err != nil {
		t.Skipf("tau2-bench data not available: %v", err)
	}
	return dir
}

// TestRunSharedData replays the shared data in full: every tool response
// and every comparable reward must match the recordings.
func TestRunSharedData(t *testing.T) {
	var out bytes.Buffer
	rep, err := check.Run(context.Background(), dataDir(t), &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 0 {
		t.Errorf("%d checks failed", rep.Failed)
	}
	want := map[string][4]int{ // tasks, trajectories, tool calls, comparable rewards
		"airline": {40, 40, 508, 33},
		"retail":  {92, 92, 699, 71},
	}
	for _, dr := range rep.Domains {
		w, ok := want[dr.Domain]
		if !ok {
			continue
		}
		if got := [4]int{dr.Tasks, dr.Trajectories, dr.ToolCalls, dr.Rewards}; got != w {
			t.Errorf("%s: counts %v, want %v", dr.Domain, got, w)
		}
		if dr.ToolMatched != dr.ToolCalls || dr.ToolTextEqual != dr.ToolCalls || dr.RewardMatched != dr.Rewards || dr.GoldOK != dr.Tasks {
			t.Errorf("%s: %+v", dr.Domain, dr)
		}
	}
}

// TestRunSubset runs on a data root with only the airline domain (its
// files linked, not copied) and three of its trajectories.
func TestRunSubset(t *testing.T) {
	src := dataDir(t)
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "airline"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"db.json", "policy.md", "tasks.json", "split_tasks.json"} {
		if err := os.Symlink(filepath.Join(src, "airline", f), filepath.Join(root, "airline", f)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(check.TrajectoryPath(src, "airline"))
	if err != nil {
		t.Fatal(err)
	}
	var full struct {
		Simulations []json.RawMessage `json:"simulations"`
	}
	if err := json.Unmarshal(b, &full); err != nil {
		t.Fatal(err)
	}
	sub, _ := json.Marshal(map[string]any{"tasks": []any{}, "simulations": full.Simulations[:3]})
	out := check.TrajectoryPath(root, "airline")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, sub, 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rep, err := check.Run(context.Background(), root, &buf)
	if err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if last := lines[len(lines)-1]; last != fmt.Sprintf("%d passed, 0 failed", rep.Passed) || rep.Passed == 0 {
		t.Errorf("last line %q (report %+v)", last, rep)
	}
	if !strings.Contains(text, "retail: skipped: no directory") {
		t.Errorf("no skip note for retail in:\n%s", text)
	}
	for _, dr := range rep.Domains {
		if dr.Domain == "airline" && dr.Trajectories != 3 {
			t.Errorf("airline trajectories = %d, want 3", dr.Trajectories)
		}
	}
}

func TestRunBadTrajectoryFile(t *testing.T) {
	src := dataDir(t)
	root := t.TempDir()
	_ = os.Mkdir(filepath.Join(root, "airline"), 0o755)
	for _, f := range []string{"db.json", "policy.md", "tasks.json"} {
		if err := os.Symlink(filepath.Join(src, "airline", f), filepath.Join(root, "airline", f)); err != nil {
			t.Fatal(err)
		}
	}
	out := check.TrajectoryPath(root, "airline")
	_ = os.MkdirAll(filepath.Dir(out), 0o755)
	_ = os.WriteFile(out, []byte(`{"simulations":[{"task_id":""}]}`), 0o644)
	if _, err := check.Run(context.Background(), root, io.Discard); err == nil || !strings.Contains(err.Error(), "task_id") {
		t.Errorf("err = %v, want one naming task_id", err)
	}
}
