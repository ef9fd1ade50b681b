package envserver

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFullEpisodeScoresGolden(t *testing.T) {
	dir := synthDir(t)
	_, hs := testServer(t, Options{})
	envName := "synth:" + dir
	for _, gold := range goldTasks(t, dir) {
		t.Run(gold.ID, func(t *testing.T) {
			c := client{t: t, base: hs.URL}
			r := c.reset(map[string]any{"env": envName, "task_id": gold.ID})
			if r.ProtocolVersion != "1" || r.TaskID != gold.ID || !strings.Contains(r.Observation.Policy, "agent policy") ||
				!strings.Contains(r.Observation.Instructions, gold.UserScenario.Instructions.KnownInfo) {
				t.Fatalf("reset = %+v", r)
			}
			if len(r.Tools) != 11 || len(r.Tools[0].Parameters) == 0 {
				t.Fatalf("tools = %+v", r.Tools)
			}
			for _, a := range gold.EvaluationCriteria.Actions {
				s := c.step(r.SessionID, map[string]any{"tool": a.Name, "arguments": a.Arguments})
				if s.Observation.IsError || s.Done || s.Reward != 0 {
					t.Fatalf("%s: %+v", a.Name, s)
				}
			}
			ans := "Done: " + strings.Join(gold.EvaluationCriteria.CommunicateInfo, ", ")
			s := c.step(r.SessionID, map[string]any{"answer": ans})
			if !s.Done || s.Reward != 1 || s.Score == nil || s.Score.Breakdown["db"] != 1 {
				t.Fatalf("final step = %+v, score %+v", s, s.Score)
			}
			var e ErrorResponse
			if st := c.do("POST", "/v1/sessions/"+r.SessionID+"/step", map[string]any{"answer": "again"}, &e); st != http.StatusConflict || e.Error.Code != "episode_over" {
				t.Fatalf("step after done: %d %+v", st, e)
			}
			var st SessionState
			c.do("GET", "/v1/sessions/"+r.SessionID, nil, &st)
			if !st.Done || st.Turns != len(gold.EvaluationCriteria.Actions)+1 || st.Episode.Answer != ans {
				t.Fatalf("state = %+v", st)
			}
			if code := c.do("DELETE", "/v1/sessions/"+r.SessionID, nil, nil); code != http.StatusNoContent {
				t.Fatalf("delete: %d", code)
			}
			if code := c.do("GET", "/v1/sessions/"+r.SessionID, nil, nil); code != http.StatusNotFound {
				t.Fatalf("get after delete: %d", code)
			}
		})
	}
}

func TestWrongEpisodeScoresZero(t *testing.T) {
	dir := synthDir(t)
	_, hs := testServer(t, Options{})
	c := client{t: t, base: hs.URL}
	r := c.reset(map[string]any{"env": "synth:" + dir, "index": 0})
	s := c.step(r.SessionID, map[string]any{"answer": "I did nothing."})
	if !s.Done || s.Reward != 0 || s.Score.Correct {
		t.Fatalf("idle episode: %+v", s)
	}
}

// TestSessionsAreIsolated runs two sessions of one stateful task: a write
// in one is invisible in the other; then eight concurrent sessions each
// play the golden episode and all score 1.
func TestSessionsAreIsolated(t *testing.T) {
	dir := synthDir(t)
	_, hs := testServer(t, Options{})
	c := client{t: t, base: hs.URL}
	var gold *struct {
		id, booking, cancel string
	}
	for _, g := range goldTasks(t, dir) {
		for _, a := range g.EvaluationCriteria.Actions {
			if a.Name == "cancel_booking" {
				var args struct {
					BookingID string `json:"booking_id"`
				}
				_ = json.Unmarshal(a.Arguments, &args)
				gold = &struct{ id, booking, cancel string }{g.ID, args.BookingID, string(a.Arguments)}
			}
		}
		if gold != nil {
			break
		}
	}
	if gold == nil {
		t.Fatal("no generated task cancels a booking")
	}
	a := c.reset(map[string]any{"env": "synth:" + dir, "task_id": gold.id})
	b := c.reset(map[string]any{"env": "synth:" + dir, "task_id": gold.id})
	w := c.step(a.SessionID, map[string]any{"tool": "cancel_booking", "arguments": json.RawMessage(gold.cancel)})
	if w.Observation.IsError || !strings.Contains(w.Observation.Content, `"status": "cancelled"`) {
		t.Fatalf("write in A: %+v", w)
	}
	read := c.step(b.SessionID, map[string]any{"tool": "get_booking_details", "arguments": json.RawMessage(gold.cancel)})
	if strings.Contains(read.Observation.Content, `"cancelled"`) {
		t.Fatalf("session B sees A's write: %s", read.Observation.Content)
	}
	again := c.step(a.SessionID, map[string]any{"tool": "get_booking_details", "arguments": json.RawMessage(gold.cancel)})
	if !strings.Contains(again.Observation.Content, `"cancelled"`) {
		t.Fatalf("session A lost its own write: %s", again.Observation.Content)
	}

	tasks := goldTasks(t, dir)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := tasks[i%len(tasks)]
			errs <- playHTTP(hs.URL, "synth:"+dir, g.ID, g.EvaluationCriteria.Actions, g.EvaluationCriteria.CommunicateInfo)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// playHTTP plays golden actions without testing.T (for goroutines).
func playHTTP(base, envName, id string, acts any, info []string) error {
	post := func(path string, body any, out any) (int, error) {
		j, _ := json.Marshal(body)
		resp, err := http.Post(base+path, "application/json", strings.NewReader(string(j)))
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	var r ResetResponse
	if st, err := post("/v1/sessions", map[string]any{"env": envName, "task_id": id}, &r); err != nil || st != 201 {
		return fmt.Errorf("reset %s: %d %v", id, st, err)
	}
	raw, _ := json.Marshal(acts)
	var list []struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	}
	_ = json.Unmarshal(raw, &list)
	for _, a := range list {
		var s StepResponse
		if st, err := post("/v1/sessions/"+r.SessionID+"/step", map[string]any{"tool": a.Name, "arguments": a.Arguments}, &s); err != nil || st != 200 || s.Observation.IsError {
			return fmt.Errorf("task %s %s: %d %v %+v", id, a.Name, st, err, s.Observation)
		}
	}
	var s StepResponse
	if _, err := post("/v1/sessions/"+r.SessionID+"/step", map[string]any{"answer": strings.Join(info, " ")}, &s); err != nil {
		return err
	}
	if s.Reward != 1 {
		return fmt.Errorf("task %s: reward %v (%+v)", id, s.Reward, s.Score)
	}
	return nil
}

func TestMalformedActionsKeepTheSession(t *testing.T) {
	dir := synthDir(t)
	_, hs := testServer(t, Options{})
	c := client{t: t, base: hs.URL}
	r := c.reset(map[string]any{"env": "synth:" + dir, "index": 0})
	cases := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"body not JSON", `{"tool": "get_booking_details", "arguments": {`, 400, "not the expected JSON"},
		{"unknown field", `{"tool": "x", "args": {}}`, 400, `unknown field "args"`},
		{"unknown tool", `{"tool": "launch_rocket", "arguments": {}}`, 200, "available tools:"},
		{"schema violation", `{"tool": "get_booking_details", "arguments": {"booking": 1}}`, 200, "invalid arguments"},
		{"arguments string not JSON", `{"tool": "get_booking_details", "arguments": "{booking_id: B1"}`, 200, "not valid JSON"},
		{"arguments array", `{"tool": "get_booking_details", "arguments": [1]}`, 200, "must be a JSON object"},
		{"tool and answer", `{"tool": "get_booking_details", "answer": "hi"}`, 200, "not both"},
		{"neither", `{}`, 200, `missing "tool"`},
		{"tool error", `{"tool": "get_booking_details", "arguments": "{\"booking_id\": \"B9999\"}"}`, 200, "Booking B9999 not found"},
	}
	turns := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out struct {
				StepResponse
				Error ErrorInfo `json:"error"`
			}
			st := c.do("POST", "/v1/sessions/"+r.SessionID+"/step", tc.body, &out)
			if st != tc.status {
				t.Fatalf("HTTP %d, want %d (%+v)", st, tc.status, out)
			}
			if !out.Observation.IsError || !strings.Contains(out.Observation.Content, tc.want) || out.Done {
				t.Fatalf("observation = %+v, want an error containing %q", out.Observation, tc.want)
			}
			if st == 200 {
				turns++
				if out.Turn != turns {
					t.Fatalf("turn = %d, want %d", out.Turn, turns)
				}
			}
		})
	}
	ok := c.step(r.SessionID, map[string]any{"tool": "list_customer_bookings", "arguments": map[string]any{"customer_id": "M0001"}})
	if ok.Observation.IsError || ok.Turn != turns+1 {
		t.Fatalf("valid step after malformed ones: %+v", ok)
	}
}

func TestMaxTurnsEndsTheEpisode(t *testing.T) {
	_, hs := testServer(t, Options{MaxTurns: 5})
	c := client{t: t, base: hs.URL}
	r := c.reset(map[string]any{"env": "echo", "max_turns": 2})
	if r.MaxTurns != 2 {
		t.Fatalf("max_turns = %d", r.MaxTurns)
	}
	if s := c.step(r.SessionID, map[string]any{"tool": "get_answer"}); s.Done || s.Observation.Content != "42" {
		t.Fatalf("first step %+v", s)
	}
	s := c.step(r.SessionID, map[string]any{"tool": "get_answer"})
	if !s.Done || s.Reward != 0 || s.Score == nil {
		t.Fatalf("second step should end the episode unscored-correct: %+v", s)
	}
}

func TestIdleSessionsExpire(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s, hs := testServer(t, Options{TTL: time.Minute, SweepEvery: time.Hour, Now: clock.Now})
	c := client{t: t, base: hs.URL}
	a := c.reset(map[string]any{"env": "echo"})
	b := c.reset(map[string]any{"env": "echo"})
	clock.Add(40 * time.Second)
	c.step(b.SessionID, map[string]any{"tool": "get_answer"}) // b is used, a idles
	clock.Add(40 * time.Second)
	if n := s.Sweep(); n != 1 {
		t.Fatalf("Sweep removed %d sessions, want 1", n)
	}
	var e ErrorResponse
	if st := c.do("POST", "/v1/sessions/"+a.SessionID+"/step", map[string]any{"answer": "42"}, &e); st != 404 || !strings.Contains(e.Error.Message, "expired") {
		t.Fatalf("expired session: %d %+v", st, e)
	}
	// Expiry is enforced on access too, between sweeps.
	clock.Add(2 * time.Minute)
	if st := c.do("POST", "/v1/sessions/"+b.SessionID+"/step", map[string]any{"answer": "42"}, nil); st != 404 {
		t.Fatalf("session idle past TTL answered %d", st)
	}
	if s.Len() != 0 {
		t.Fatalf("%d sessions left", s.Len())
	}
}

func TestJanitorSweeps(t *testing.T) {
	s, hs := testServer(t, Options{TTL: 10 * time.Millisecond, SweepEvery: 2 * time.Millisecond})
	c := client{t: t, base: hs.URL}
	c.reset(map[string]any{"env": "echo"})
	deadline := time.Now().Add(20 * time.Second)
	for s.Len() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the janitor never removed the idle session")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSessionLimit(t *testing.T) {
	_, hs := testServer(t, Options{MaxSessions: 2})
	c := client{t: t, base: hs.URL}
	a := c.reset(map[string]any{"env": "echo"})
	c.reset(map[string]any{"env": "echo"})
	var e ErrorResponse
	if st := c.do("POST", "/v1/sessions", map[string]any{"env": "echo"}, &e); st != http.StatusTooManyRequests || e.Error.Code != "too_many_sessions" {
		t.Fatalf("third session: %d %+v", st, e)
	}
	c.do("DELETE", "/v1/sessions/"+a.SessionID, nil, nil)
	c.reset(map[string]any{"env": "echo"})
}

func TestResetErrors(t *testing.T) {
	dir := synthDir(t)
	_, hs := testServer(t, Options{})
	c := client{t: t, base: hs.URL}
	cases := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"no env", map[string]any{}, 400, "bad_request"},
		{"unknown env", map[string]any{"env": "nope"}, 404, "unknown_env"},
		{"prefix without argument", map[string]any{"env": "synth:"}, 404, "unknown_env"},
		{"synth path outside the root", map[string]any{"env": "synth:/no/such/dir/bank"}, 404, "unknown_env"},
		{"synth path outside the root that exists", map[string]any{"env": "synth:/etc"}, 404, "unknown_env"},
		{"synth path escaping with ..", map[string]any{"env": "synth:../../etc"}, 404, "unknown_env"},
		{"missing synth domain under the root", map[string]any{"env": "synth:nosuch"}, 404, "env_unavailable"},
		{"unknown task", map[string]any{"env": "synth:" + dir, "task_id": "zzz"}, 404, "unknown_task"},
		{"index out of range", map[string]any{"env": "echo", "index": 3}, 404, "unknown_task"},
		{"bad json", `{"env":`, 400, "bad_request"},
		{"negative max_turns", map[string]any{"env": "echo", "max_turns": -1}, 400, "bad_request"},
		{"fractional index", `{"env":"echo","index":0.5}`, 400, "bad_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var e ErrorResponse
			if st := c.do("POST", "/v1/sessions", tc.body, &e); st != tc.status || e.Error.Code != tc.code || e.ProtocolVersion != "1" {
				t.Fatalf("HTTP %d %+v, want %d %s", st, e, tc.status, tc.code)
			}
		})
	}
	seeded := c.reset(map[string]any{"env": "synth:" + dir, "seed": 7})
	again := c.reset(map[string]any{"env": "synth:" + dir, "seed": 7})
	if seeded.TaskID != again.TaskID {
		t.Fatalf("seed 7 picked %s then %s", seeded.TaskID, again.TaskID)
	}
}

func TestEnvListAndTaskExport(t *testing.T) {
	dir := synthDir(t)
	_, hs := testServer(t, Options{})
	c := client{t: t, base: hs.URL}
	var envs EnvsResponse
	c.do("GET", "/v1/envs", nil, &envs)
	var names []string
	for _, e := range envs.Envs {
		names = append(names, e.Name)
	}
	want := "echo replay-llmrouter replay-routellm replay-routerarena replay-zeroeval-gsm replay-zeroeval-math-l5 synth: tau2-airline tau2-retail tau2-telecom"
	if strings.Join(names, " ") != want {
		t.Fatalf("envs = %v, want %s", names, want)
	}
	resp, err := http.Get(hs.URL + "/v1/envs/synth:" + dir + "/tasks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Fatalf("content type %q", ct)
	}
	gold := goldTasks(t, dir)
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var task struct {
			ID                 string `json:"id"`
			EvaluationCriteria struct {
				Actions []json.RawMessage `json:"actions"`
			} `json:"evaluation_criteria"`
		}
		if err := json.Unmarshal(sc.Bytes(), &task); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if task.ID != gold[n].ID || len(task.EvaluationCriteria.Actions) != len(gold[n].EvaluationCriteria.Actions) {
			t.Fatalf("line %d = %s, want task %s", n, sc.Text(), gold[n].ID)
		}
		n++
	}
	if n != len(gold) {
		t.Fatalf("%d lines, want %d", n, len(gold))
	}
	var line map[string]any
	rec, err := http.Get(hs.URL + "/v1/envs/echo/tasks")
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Body.Close()
	if err := json.NewDecoder(rec.Body).Decode(&line); err != nil || line["id"] != "q1" {
		t.Fatalf("echo export: %v %v", line, err)
	}
	if st := c.do("GET", "/v1/envs/nope/tasks", nil, nil); st != 404 {
		t.Fatalf("unknown env tasks: %d", st)
	}
}
