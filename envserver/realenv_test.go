package envserver

import (
	"os"
	"strings"
	"testing"
)

func needData(t *testing.T, sub string) {
	t.Helper()
	if _, err := os.Stat("/work/shared/data/" + sub); err != nil {
		t.Skipf("shared data %s not present: %v", sub, err)
	}
}

// TestReplayEnv runs an episode of the recorded llmrouter env: call one
// model, answer with its answer, get that model's recorded score.
func TestReplayEnv(t *testing.T) {
	needData(t, "llmrouter")
	_, hs := testServer(t, Options{})
	c := client{t: t, base: hs.URL}
	r := c.reset(map[string]any{"env": "replay-llmrouter", "index": 0})
	if len(r.Tools) == 0 || r.Observation.Prompt == "" {
		t.Fatalf("reset = %+v", r)
	}
	s := c.step(r.SessionID, map[string]any{"tool": r.Tools[0].Name})
	if s.Observation.IsError || s.Observation.Content == "" {
		t.Fatalf("model call: %+v", s)
	}
	end := c.step(r.SessionID, map[string]any{"answer": s.Observation.Content})
	if !end.Done || end.Score == nil || end.Reward != end.Score.Outcome {
		t.Fatalf("answer: %+v", end)
	}
	if strings.Contains(end.Score.Detail, "matches no") {
		t.Fatalf("answer with a model's result was not attributed: %s", end.Score.Detail)
	}
}

// TestZeroEvalEnv runs an episode of the recorded zeroeval env over HTTP:
// call gpt-4o on GSM8K's first question, read its extracted answer, answer
// with it and score 1; an answer no call gave scores 0.
func TestZeroEvalEnv(t *testing.T) {
	needData(t, "zeroeval")
	_, hs := testServer(t, Options{})
	c := client{t: t, base: hs.URL}
	for _, tc := range []struct {
		answer string
		reward float64
	}{{"3", 1}, {"4", 0}} {
		r := c.reset(map[string]any{"env": "replay-zeroeval-gsm", "task_id": "gsm8k-main-test-#1"})
		if len(r.Tools) != 17 || !strings.Contains(r.Observation.Prompt, "robe") {
			t.Fatalf("reset = %+v", r)
		}
		s := c.step(r.SessionID, map[string]any{"tool": "gpt-4o-2024-08-06"})
		if s.Observation.IsError || !strings.Contains(s.Observation.Content, `"answer": "3"`) || !strings.Contains(string(s.Observation.Data), `"answer":"3","parsed":true`) {
			t.Fatalf("model call: %+v", s.Observation)
		}
		end := c.step(r.SessionID, map[string]any{"answer": tc.answer})
		if !end.Done || end.Score == nil || end.Reward != tc.reward {
			t.Fatalf("answer %q: %+v %+v", tc.answer, end, end.Score)
		}
	}
}

// TestTau2Airline resets a real τ²-bench airline task and makes one read.
func TestTau2Airline(t *testing.T) {
	needData(t, "tau2-bench/airline")
	_, hs := testServer(t, Options{})
	c := client{t: t, base: hs.URL}
	r := c.reset(map[string]any{"env": "tau2-airline", "task_id": "1"})
	if !strings.Contains(r.Observation.Policy, "Airline Agent Policy") || !strings.Contains(r.Observation.Instructions, "raj_sanchez_7340") {
		t.Fatalf("observation = %.300q / %.300q", r.Observation.Policy, r.Observation.Instructions)
	}
	s := c.step(r.SessionID, map[string]any{"tool": "get_user_details", "arguments": map[string]any{"user_id": "raj_sanchez_7340"}})
	if s.Observation.IsError || !strings.Contains(s.Observation.Content, "Raj") {
		t.Fatalf("get_user_details: %+v", s.Observation)
	}
	// Task 1's gold leaves the database unchanged (the agent must refuse),
	// so a polite refusal after reading scores 1.
	end := c.step(r.SessionID, map[string]any{"answer": "I'm sorry, this reservation cannot be cancelled under our policy."})
	if !end.Done || end.Reward != 1 {
		t.Fatalf("refusal scored %+v", end.Score)
	}
}
