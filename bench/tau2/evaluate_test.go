package tau2

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/env/domain"
)

var update = flag.Bool("update", false, "rewrite golden files")

func ids(ts []*domain.Task) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return strings.Join(out, ",")
}

func TestSelectTasks(t *testing.T) {
	d := openAirline(t)
	tests := []struct {
		name, spec, want, wantErr string
	}{
		{"positions", "0-4", "0,1,2,3,5", ""},
		{"ids", "42,3", "42,3", ""},
		{"mixed with duplicates", "3, 2-3 ,42", "3,2,42", ""},
		{"one position", "39-39", "48", ""},
		{"range past the end", "38-40", "", "has 40 tasks"},
		{"backwards range", "5-2", "", "want A-B"},
		{"not a number", "a-b", "", "want A-B"},
		{"unknown id", "4", "", `no task with id "4"`},
		{"only commas", ",,", "", "selects no task"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SelectTasks(d, tc.spec)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || ids(got) != tc.want {
				t.Fatalf("got %s %v, want %s", ids(got), err, tc.want)
			}
		})
	}
	all, err := SelectTasks(d, "")
	if err != nil || len(all) != len(d.Tasks) {
		t.Fatalf("all: %d %v", len(all), err)
	}
	test, err := SplitTasks(d, "test")
	if err != nil || len(test) == 0 {
		t.Fatalf("split test: %d %v", len(test), err)
	}
	if _, err := SplitTasks(d, "nope"); err == nil || !strings.Contains(err.Error(), "splits: base, test, train") {
		t.Fatalf("bad split: %v", err)
	}
}

func FuzzSelectTasks(f *testing.F) {
	d := openAirline(f)
	for _, s := range []string{"0-9", "42,3", "-", "1-", "-1", "9999999999999999999-1", " , 3-3", "0--1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		got, err := SelectTasks(d, spec)
		if err == nil && len(got) == 0 {
			t.Fatalf("%q: no error and no task", spec)
		}
	})
}

func TestScenarioTextGolden(t *testing.T) {
	d := openAirline(t)
	got := UserSystemPrompt("GUIDELINES", task(t, d, "3"))
	path := filepath.Join("testdata", "user_system_3.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("user system prompt differs from %s (run with -update):\n%s", path, got)
	}
}

func FuzzScenarioText(f *testing.F) {
	for _, s := range []string{`"plain text"`, `{"domain":"airline","reason_for_call":"x","known_info":null,"task_instructions":"y"}`, `[1,2]`, `null`, `{"known_info":5}`, ``} {
		f.Add(s, "persona")
	}
	f.Fuzz(func(t *testing.T, instr, persona string) {
		tk := &domain.Task{ID: "f", UserScenario: domain.UserScenario{Persona: &persona, Instructions: json.RawMessage(instr)}}
		out := ScenarioText(tk)
		if !strings.Contains(out, "Instructions:") {
			t.Fatalf("no Instructions block: %q", out)
		}
	})
}

func TestAgentPromptGolden(t *testing.T) {
	got := AgentPrompt("POLICY", []Message{
		{Role: RoleAgent, Content: Greeting},
		{Role: RoleUser, Content: "Cancel ABC123.", Turn: 0},
		{Role: RoleTool, Tool: "get_reservation_details", Args: json.RawMessage(`{"reservation_id":"ABC123"}`), Content: `{"status": null}`, Turn: 1},
		{Role: RoleTool, Tool: "cancel_reservation", Args: json.RawMessage(`{"reservation_id":"ABC123"}`), Content: "Error: not allowed", IsError: true, Turn: 1},
		{Role: RoleAgent, Content: "I cannot cancel it.", Turn: 1},
		{Role: RoleUser, Content: "Why?", Turn: 1},
	})
	path := filepath.Join("testdata", "agent_prompt.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("agent prompt differs from %s (run with -update):\n%s", path, got)
	}
}

// TestEvaluate runs two tasks three times each on four workers: the order
// of the results and the report do not depend on scheduling.
func TestEvaluate(t *testing.T) {
	d := openAirline(t)
	agent := chattest.NewFunc(cancel42)
	defer agent.Close()
	user := chattest.NewFunc(customer42)
	defer user.Close()
	r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL())}
	tasks, err := SelectTasks(d, "42,3")
	if err != nil {
		t.Fatal(err)
	}
	var done int
	convs, err := r.Evaluate(context.Background(), tasks, Options{Trials: 3, Workers: 4, OnDone: func(*Conversation) { done++ }})
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) != 6 || done != 6 {
		t.Fatalf("%d conversations, %d callbacks", len(convs), done)
	}
	for i, c := range convs {
		wantID := []string{"42", "3"}[i/3]
		if c.TaskID != wantID || c.Trial != i%3 {
			t.Fatalf("conversation %d is %s/%d", i, c.TaskID, c.Trial)
		}
	}
	s, rows := Summarise(convs)
	// Task 42 is solved every time; on task 3 the scripted agent never
	// says "4", so it fails every time.
	if rows[0].Successes != 3 || rows[1].Successes != 0 || s.PassHatK[0] != 0.5 || s.PassHatK[2] != 0.5 {
		t.Fatalf("rows %+v summary %+v", rows, s)
	}
	dir := t.TempDir()
	if err := WriteReport(dir, s.Results("tau2-airline", "llm:agent-model"), rows, convs); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"results.json", TasksFile, ConversationsFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	// Two rows at different costs make bench's plot and page possible.
	res := s.Results("tau2-airline", "llm:agent-model")
	other := res.Rows[0]
	other.Policy, other.CostUSD = "llm:other", other.CostUSD*2
	res.Rows = append(res.Rows, other)
	dir2 := t.TempDir()
	if err := WriteReport(dir2, res, rows, convs); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"results.json", "index.html", "pareto.png"} {
		if _, err := os.Stat(filepath.Join(dir2, f)); err != nil {
			t.Fatal(err)
		}
	}
	var back []TaskRow
	b, _ := os.ReadFile(filepath.Join(dir, TasksFile))
	if err := json.Unmarshal(b, &back); err != nil || len(back) != 2 || back[0].PassHatK[1] != 1 {
		t.Fatalf("tasks.json: %v %+v", err, back)
	}
	fh, _ := os.Open(filepath.Join(dir, ConversationsFile))
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<24)
	lines := 0
	for sc.Scan() {
		var c Conversation
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil || len(c.Messages) == 0 {
			t.Fatalf("line %d: %v", lines, err)
		}
		lines++
	}
	if lines != 6 {
		t.Fatalf("%d conversation lines", lines)
	}
}

func TestEvaluateStopsOnCancel(t *testing.T) {
	d := openAirline(t)
	ctx, cancel := context.WithCancel(context.Background())
	agent := chattest.NewFunc(func(chattest.Request) chattest.Reply { return answer("ok") })
	defer agent.Close()
	user := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		cancel()
		return say("hello")
	})
	defer user.Close()
	r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL())}
	_, err := r.Evaluate(ctx, []*domain.Task{task(t, d, "0")}, Options{Trials: 4, Workers: 1})
	if err == nil {
		t.Fatal("cancelled evaluation returned no error")
	}
}
