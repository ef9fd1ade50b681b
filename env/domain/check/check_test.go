package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
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
	if rep.Failed() != 0 {
		t.Errorf("%d checks failed", rep.Failed())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; last != rep.Summary() || !strings.HasPrefix(last, "fidelity: ") {
		t.Errorf("last line %q, want the labelled summary %q", last, rep.Summary())
	}
	// Gold actions that fail by the task's design (retail 12 and 13
	// refund to PayPal, 105 lacks gift card balance) are tolerated and
	// reported with their messages, with no list of expected task ids.
	var retailErrs []string
	for _, dr := range rep.Domains {
		if dr.Domain == "retail" {
			retailErrs = dr.GoldErrors
		}
	}
	for _, want := range []string{
		"task 12: 12_4 return_delivered_order_items: Error: Payment method should be the original payment method",
		"task 105: 106_0 exchange_delivered_order_items: Error: Insufficient gift card balance to pay for the price difference",
	} {
		if !slices.Contains(retailErrs, want) {
			t.Errorf("retail gold errors lack %q: %q", want, retailErrs)
		}
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
		if dr.ToolMatched != dr.ToolCalls || dr.ToolTextEqual != dr.ToolCalls || dr.RewardMatched != dr.Rewards || dr.GoldDeterministic != dr.Tasks {
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
	want := fmt.Sprintf("fidelity: %d passed, 0 failed; determinism: 40 passed, 0 failed", rep.Fidelity.Passed)
	if last := lines[len(lines)-1]; last != want || rep.Fidelity.Passed == 0 {
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

// linkDomain makes root/airline with the real airline files linked, and
// tasks.json written from tasks when non-empty.
func linkDomain(t *testing.T, src, root, tasks string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(root, "airline"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"db.json", "policy.md", "tasks.json"} {
		dst := filepath.Join(root, "airline", f)
		if f == "tasks.json" && tasks != "" {
			if err := os.WriteFile(dst, []byte(tasks), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.Symlink(filepath.Join(src, "airline", f), dst); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRunGoldErrorTolerated runs a task like held-out retail/64, whose
// state-changing gold action fails in tau2 too: the error is reported with
// its message and the determinism check still passes.
func TestRunGoldErrorTolerated(t *testing.T) {
	src := dataDir(t)
	root := t.TempDir()
	linkDomain(t, src, root, `[{"id":"900","user_scenario":{"instructions":"x"},"evaluation_criteria":{"actions":[
		{"action_id":"900_0","name":"cancel_reservation","arguments":{"reservation_id":"NOSUCH"}},
		{"action_id":"900_1","name":"get_user_details","arguments":{"user_id":"emma_kim_9957"}}]}}]`)
	var buf bytes.Buffer
	rep, err := check.Run(context.Background(), root, &buf)
	if err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	if rep.Failed() != 0 || rep.Determinism.Passed != 1 {
		t.Errorf("report %+v, want one passed determinism check:\n%s", rep, text)
	}
	want := "gold error: task 900: 900_0 cancel_reservation: Error: Reservation NOSUCH not found"
	if !strings.Contains(text, want) {
		t.Errorf("output lacks %q:\n%s", want, text)
	}
	if last := strings.TrimSpace(text[strings.LastIndex(strings.TrimSpace(text), "\n")+1:]); last != "fidelity: 0 passed, 0 failed; determinism: 1 passed, 0 failed" {
		t.Errorf("last line %q", last)
	}
}

// TestRunNothingToCheck: a missing directory, an empty one and one whose
// domain has no task nor trajectory are errors, never a pass.
func TestRunNothingToCheck(t *testing.T) {
	src := dataDir(t)
	noTasks := t.TempDir()
	linkDomain(t, src, noTasks, "[]")
	for _, tc := range []struct{ name, dir, want string }{
		{"missing", filepath.Join(t.TempDir(), "nope"), "is not a directory"},
		{"empty", t.TempDir(), "no task or recorded trajectory"},
		{"no tasks", noTasks, "no task or recorded trajectory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := check.Run(context.Background(), tc.dir, &buf)
			if !errors.Is(err, check.ErrNothingToCheck) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrNothingToCheck saying %q", err, tc.want)
			}
			if strings.Contains(buf.String(), "passed") {
				t.Errorf("printed a pass count:\n%s", buf.String())
			}
		})
	}
}
