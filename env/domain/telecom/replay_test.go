package telecom_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain"
	"github.com/batonhq/baton/env/domain/telecom"
)

// dataRoot is the tau2-bench data root (shared/data/tau2-bench).
func dataRoot(t testing.TB) string {
	t.Helper()
	dir, err := dataset.Resolve(context.Background(), "tau2-bench", dataset.Options{Offline: true})
	if err != nil {
		t.Skipf("tau2-bench data not available: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "telecom", telecom.AgentDBFile)); err != nil {
		t.Skipf("no telecom data under %s: %v", dir, err)
	}
	return dir
}

func openTelecom(t testing.TB) *domain.Domain {
	t.Helper()
	d, err := domain.Open(context.Background(), dataRoot(t), "telecom")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// replay runs a task's gold actions, agent's and user's alike, in order on
// a fresh session, failing the test on any error response.
func replay(t *testing.T, d *domain.Domain, task *domain.Task) *domain.Session {
	t.Helper()
	ctx := context.Background()
	s, err := d.NewSession(ctx, task)
	if err != nil {
		t.Fatalf("task %s: %v", task.ID, err)
	}
	for _, a := range task.EvaluationCriteria.Actions {
		if content, isErr := s.CallRaw(ctx, a.Name, a.Arguments); isErr {
			t.Errorf("task %s: gold action %s (%s, requestor %s): %s", task.ID, a.ActionID, a.Name, a.Requestor, content)
		}
	}
	return s
}

func TestGoldenReplayReachesReward(t *testing.T) {
	d := openTelecom(t)
	ctx := context.Background()
	if len(d.Tasks) != 92 {
		t.Errorf("tasks = %d, want 92", len(d.Tasks))
	}
	passed := 0
	for i := range d.Tasks {
		task := &d.Tasks[i]
		s1 := replay(t, d, task)
		s2 := replay(t, d, task)
		if s1.Hash() != s2.Hash() {
			t.Errorf("task %s: final hash differs between two replays", task.ID)
		}
		v, err := d.Evaluate(ctx, task, s1, nil)
		if err != nil {
			t.Fatalf("task %s: evaluate: %v", task.ID, err)
		}
		if v.Reward == 1 {
			passed++
		} else {
			t.Errorf("task %s: reward %v breakdown %v", task.ID, v.Reward, v.Breakdown)
		}
	}
	t.Logf("golden replay: %d/%d tasks reach reward 1", passed, len(d.Tasks))
}

// TestAssertionsNeedTheFix: with only the initial state (no gold actions)
// the assertions must fail, or the golden pass above would prove nothing.
func TestAssertionsNeedTheFix(t *testing.T) {
	d := openTelecom(t)
	ctx := context.Background()
	for i := range d.Tasks {
		task := &d.Tasks[i]
		s, err := d.NewSession(ctx, task)
		if err != nil {
			t.Fatal(err)
		}
		v, err := d.Evaluate(ctx, task, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Reward != 0 {
			t.Errorf("task %s: reward %v without any action", task.ID, v.Reward)
		}
	}
}

func TestSmallTaskSet(t *testing.T) {
	d := openTelecom(t)
	b, err := os.ReadFile(filepath.Join(d.Dir, "tasks_small.json"))
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := domain.ParseTasks(b)
	if err != nil {
		t.Fatal(err)
	}
	passed := 0
	for i := range tasks {
		s := replay(t, d, &tasks[i])
		v, err := d.Evaluate(context.Background(), &tasks[i], s, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Reward == 1 {
			passed++
		} else {
			t.Errorf("small task %s: reward %v breakdown %v", tasks[i].ID, v.Reward, v.Breakdown)
		}
	}
	t.Logf("small set golden replay: %d/%d tasks reach reward 1", passed, len(tasks))
}

// TestUserActionsMatter replays only the agent's gold actions: every task
// whose gold actions include the user's must then fail, since the device
// fixes are the user's to make.
func TestUserActionsMatter(t *testing.T) {
	d := openTelecom(t)
	ctx := context.Background()
	withUser := 0
	for i := range d.Tasks {
		task := &d.Tasks[i]
		hasUser := false
		s, err := d.NewSession(ctx, task)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range task.EvaluationCriteria.Actions {
			if a.Requestor == "user" {
				hasUser = true
				if !telecom.IsUserTool(a.Name) {
					t.Errorf("task %s: user action %s is not a phone tool", task.ID, a.Name)
				}
				continue
			}
			s.CallRaw(ctx, a.Name, a.Arguments)
		}
		if !hasUser {
			continue
		}
		withUser++
		v, err := d.Evaluate(ctx, task, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Reward != 0 {
			t.Errorf("task %s: reward %v without the user's actions", task.ID, v.Reward)
		}
	}
	t.Logf("%d tasks need user actions", withUser)
}
