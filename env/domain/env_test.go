package domain_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain"
	_ "github.com/batonhq/baton/env/domain/airline"
	_ "github.com/batonhq/baton/env/domain/retail"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/tool"
)

func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := dataset.Resolve(context.Background(), "tau2-bench", dataset.Options{Offline: true})
	if err != nil {
		t.Skipf("tau2-bench data not available: %v", err)
	}
	return dir
}

func open(t testing.TB, name string) *domain.Domain {
	t.Helper()
	d, err := domain.Open(context.Background(), dataDir(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := domain.Open(ctx, t.TempDir(), "airline"); !errors.Is(err, domain.ErrNoDomainDir) {
		t.Errorf("missing dir: err = %v, want ErrNoDomainDir", err)
	}
	if _, err := domain.Open(ctx, t.TempDir(), "nosuch"); !errors.Is(err, domain.ErrUnknownDomain) {
		t.Errorf("unknown domain: err = %v, want ErrUnknownDomain", err)
	}
}

func TestToolSetAndErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, domain, tool, args, want string
		isErr                          bool
	}{
		{"airline unknown user", "airline", "get_user_details", `{"user_id":"nobody"}`, "Error: User nobody not found", true},
		{"airline unknown reservation", "airline", "cancel_reservation", `{"reservation_id":"ZZZZZZ"}`, "Error: Reservation ZZZZZZ not found", true},
		{"airline status", "airline", "get_flight_status", `{"flight_number":"HAT039","date":"2024-05-15"}`, "delayed", false},
		{"airline transfer", "airline", "transfer_to_human_agents", `{"summary":"x"}`, "Transfer successful", false},
		{"airline think", "airline", "think", `{"thought":"x"}`, "", false},
		{"retail order", "retail", "get_order_details", `{"order_id":"9502127"}`, "Error: Order not found", true},
		{"retail calculate", "retail", "calculate", `{"expression":"1 + 2"}`, "3.0", false},
		{"schema rejects", "retail", "get_order_details", `{}`, "get_order_details: ", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := open(t, c.domain).NewSession(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Call(ctx, c.tool, json.RawMessage(c.args))
			if err != nil {
				t.Fatal(err)
			}
			if res.IsError != c.isErr || !strings.HasPrefix(res.Content, c.want) || (!c.isErr && res.Content != c.want) {
				t.Errorf("got %q (error %v), want %q (error %v)", res.Content, res.IsError, c.want, c.isErr)
			}
		})
	}
}

func TestSessionsAreIsolated(t *testing.T) {
	ctx := context.Background()
	d := open(t, "airline")
	a, _ := d.NewSession(ctx, nil)
	b, _ := d.NewSession(ctx, nil)
	initial := a.Hash()
	res, _ := a.Call(ctx, "send_certificate", json.RawMessage(`{"user_id":"ethan_martin_2396","amount":150}`))
	if res.Content != "Certificate certificate_3221322 added to user ethan_martin_2396 with amount 150." {
		t.Fatalf("send_certificate: %q", res.Content)
	}
	if a.Hash() == initial {
		t.Error("hash unchanged after a write")
	}
	if b.Hash() != initial {
		t.Error("a write in one session changed another")
	}
	got, _ := b.Call(ctx, "get_user_details", json.RawMessage(`{"user_id":"ethan_martin_2396"}`))
	if strings.Contains(got.Content, "certificate_3221322") {
		t.Error("second session sees the first session's certificate")
	}
	again, _ := a.Call(ctx, "send_certificate", json.RawMessage(`{"user_id":"ethan_martin_2396","amount":50.0}`))
	if again.Content != "Certificate certificate_3221323 added to user ethan_martin_2396 with amount 50.0." {
		t.Errorf("second certificate: %q", again.Content)
	}
}

// goldEpisode plays a task's gold actions through the tool set as an
// orchestrator would and answers with text.
func goldEpisode(t *testing.T, set *tool.Set, task *domain.Task, answer string) *episode.Episode {
	t.Helper()
	ep := &episode.Episode{Answer: answer, Status: episode.StatusAnswered}
	for i, a := range task.EvaluationCriteria.Actions {
		res, err := set.Call(context.Background(), a.Name, a.Arguments)
		if err != nil {
			t.Fatal(err)
		}
		ep.Steps = append(ep.Steps, episode.Step{Turn: i, Action: episode.Action{Tool: a.Name, Args: a.Arguments}, Result: res})
	}
	return ep
}

func TestEnvScore(t *testing.T) {
	ctx := context.Background()
	d := open(t, "retail")
	e, err := domain.NewEnv(d, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Tasks()) == 0 || e.Name() != "tau2-retail" {
		t.Fatalf("env: %d tasks, name %q", len(e.Tasks()), e.Name())
	}
	// A task that writes and must communicate something.
	var task *domain.Task
	for i := range d.Tasks {
		c := d.Tasks[i].EvaluationCriteria
		if len(c.CommunicateInfo) > 0 && len(c.Actions) > 0 {
			for _, a := range c.Actions {
				if strings.HasPrefix(a.Name, "exchange") || strings.HasPrefix(a.Name, "modify") || strings.HasPrefix(a.Name, "return") {
					task = &d.Tasks[i]
				}
			}
		}
		if task != nil {
			break
		}
	}
	if task == nil {
		t.Fatal("no task with writes and communicate_info")
	}
	et := episode.Task{ID: task.ID}
	said := strings.Join(task.EvaluationCriteria.CommunicateInfo, " and ")
	for _, c := range []struct {
		name      string
		play      bool
		answer    string
		outcome   float64
		db, comms float64
	}{
		{"gold actions and info", true, "Done: " + said, 1, 1, 1},
		{"gold actions, info missing", true, "Done.", 0, 1, 0},
		{"nothing done", false, "Done: " + said, 0, 0, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			set, err := e.Tools(ctx, et)
			if err != nil {
				t.Fatal(err)
			}
			ep := &episode.Episode{Answer: c.answer}
			if c.play {
				ep = goldEpisode(t, set, task, c.answer)
			}
			sc, err := e.Score(ctx, et, ep)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Outcome != c.outcome || sc.Breakdown["db"] != c.db || sc.Breakdown["communicate"] != c.comms {
				t.Errorf("score = %+v, want outcome %v db %v communicate %v", sc, c.outcome, c.db, c.comms)
			}
		})
	}
	if _, err := domain.NewEnv(d, "nosuch"); err == nil || !strings.Contains(err.Error(), "train") {
		t.Errorf("unknown split: err = %v, want one listing the splits", err)
	}
}

func TestMissingInfo(t *testing.T) {
	for _, c := range []struct {
		name  string
		info  []string
		texts []string
		want  int
	}{
		{"found case-insensitively", []string{"Tactile"}, []string{"a tactile switch"}, 0},
		{"commas removed from text", []string{"1000"}, []string{"total 1,000 dollars"}, 0},
		{"absent", []string{"42"}, []string{"nothing"}, 1},
		{"no texts", []string{"x"}, nil, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := domain.MissingInfo(c.info, c.texts); len(got) != c.want {
				t.Errorf("MissingInfo = %q, want %d missing", got, c.want)
			}
		})
	}
}
