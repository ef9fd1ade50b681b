package tau2

import (
	"math"
	"testing"
	"time"

	"github.com/batonhq/baton/money"
)

func TestPassHatK(t *testing.T) {
	tests := []struct {
		name    string
		n, c, k int
		want    float64
	}{
		{"one trial success", 1, 1, 1, 1},
		{"one trial failure", 1, 0, 1, 0},
		{"pass^1 is the success rate", 4, 2, 1, 0.5},
		{"C(2,2)/C(4,2)", 4, 2, 2, 1.0 / 6},
		{"fewer successes than k", 4, 2, 3, 0},
		{"all succeed", 4, 4, 4, 1},
		{"C(3,2)/C(5,2)", 5, 3, 2, 3.0 / 10},
		{"C(4,3)/C(5,3)", 5, 4, 3, 4.0 / 10},
		{"C(7,4)/C(8,4)", 8, 7, 4, 35.0 / 70},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PassHatK(tc.n, tc.c, tc.k); math.Abs(got-tc.want) > 1e-12 {
				t.Fatalf("PassHatK(%d,%d,%d) = %v, want %v", tc.n, tc.c, tc.k, got, tc.want)
			}
		})
	}
	for _, bad := range [][3]int{{4, 2, 0}, {4, 2, 5}, {4, 5, 1}, {4, -1, 1}} {
		if got := PassHatK(bad[0], bad[1], bad[2]); !math.IsNaN(got) {
			t.Errorf("PassHatK%v = %v, want NaN", bad, got)
		}
	}
}

func TestIsSuccess(t *testing.T) {
	for r, want := range map[float64]bool{1: true, 0.9999999: true, 0.99: false, 0: false, 1.0000001: true, 1.1: false} {
		if IsSuccess(r) != want {
			t.Errorf("IsSuccess(%v) = %v", r, !want)
		}
	}
}

func conv(id string, trial int, reward float64, term string, agent, expert, user string, turns int, calls map[string]int) *Conversation {
	return &Conversation{
		TaskID: id, Trial: trial, Reward: reward, Success: IsSuccess(reward), Termination: term,
		AgentCost: money.MustParse(agent), ExpertCost: money.MustParse(expert), UserCost: money.MustParse(user),
		AgentTurns: turns, ToolCalls: calls, Latency: time.Duration(turns) * time.Second,
	}
}

func TestSummarise(t *testing.T) {
	// Task a: 2 of 3 trials succeed; task b: 3 of 3. Trials arrive out of
	// order.
	convs := []*Conversation{
		conv("a", 2, 0, TermMaxSteps, "0.01", "0", "0.001", 4, map[string]int{"x": 2}),
		conv("a", 0, 1, TermUserStop, "0.01", "0.02", "0.001", 2, map[string]int{"x": 1, "call_expert": 1}),
		conv("b", 0, 1, TermUserStop, "0.02", "0", "0.002", 1, map[string]int{}),
		conv("a", 1, 1, TermUserStop, "0.01", "0", "0.001", 3, map[string]int{"y": 1}),
		conv("b", 1, 1, TermAgentStop, "0.02", "0", "0.002", 1, map[string]int{}),
		conv("b", 2, 1, TermUserStop, "0.02", "0.04", "0.002", 1, map[string]int{"call_expert": 1}),
	}
	s, rows := Summarise(convs)
	if len(rows) != 2 || rows[0].TaskID != "a" || rows[1].TaskID != "b" {
		t.Fatalf("rows %+v", rows)
	}
	a := rows[0]
	if a.Trials != 3 || a.Successes != 2 || a.Rewards[0] != 1 || a.Rewards[1] != 1 || a.Rewards[2] != 0 {
		t.Fatalf("row a %+v", a)
	}
	wantA := []float64{2.0 / 3, 1.0 / 3, 0}
	wantS := []float64{(2.0/3 + 1) / 2, (1.0/3 + 1) / 2, 0.5}
	for k := range wantA {
		if math.Abs(a.PassHatK[k]-wantA[k]) > 1e-12 || math.Abs(s.PassHatK[k]-wantS[k]) > 1e-12 {
			t.Fatalf("pass^%d: task a %v (want %v), mean %v (want %v)", k+1, a.PassHatK[k], wantA[k], s.PassHatK[k], wantS[k])
		}
	}
	if a.AgentCost != money.MustParse("0.03") || a.ExpertCost != money.MustParse("0.02") || a.UserCost != money.MustParse("0.003") {
		t.Fatalf("row a costs %s %s %s", a.AgentCost, a.ExpertCost, a.UserCost)
	}
	if a.AgentTurns != 3 || a.ToolCalls != 5.0/3 || a.Terminations[TermMaxSteps] != 1 || a.Terminations[TermUserStop] != 2 {
		t.Fatalf("row a %+v", a)
	}
	if s.AgentCost != money.MustParse("0.09") || s.ExpertCost != money.MustParse("0.06") || s.UserCost != money.MustParse("0.009") {
		t.Fatalf("totals %s %s %s", s.AgentCost, s.ExpertCost, s.UserCost)
	}
	if s.Normal != 5.0/6 || s.MeanReward != 5.0/6 || s.ToolCalls != 1 || s.ToolShare["call_expert"] != 2.0/6 {
		t.Fatalf("summary %+v", s)
	}
	res := s.Results("tau2-airline", "llm:m")
	row := res.Rows[0]
	if res.NEval != 2 || math.Abs(row.Accuracy-wantS[0]) > 1e-12 || row.TotalCost != money.MustParse("0.15") || math.Abs(row.CostUSD-0.025) > 1e-12 {
		t.Fatalf("results %+v row %+v", res, row)
	}
	for k, want := range map[string]string{
		"pass^1": "0.8333", "pass^2": "0.6667", "pass^3": "0.5000",
		"user_cost_total": "$0.009", "expert_cost_total": "$0.06", "agent_cost_total": "$0.09",
		"terminations": "agent_stop 1, max_steps 1, user_stop 4", "conversations": "6",
	} {
		if res.Notes[k] != want {
			t.Errorf("note %s = %q, want %q", k, res.Notes[k], want)
		}
	}
}

func TestSummariseUnevenTrials(t *testing.T) {
	s, _ := Summarise([]*Conversation{
		conv("a", 0, 1, TermUserStop, "0", "0", "0", 1, nil),
		conv("a", 1, 1, TermUserStop, "0", "0", "0", 1, nil),
		conv("b", 0, 0, TermUserStop, "0", "0", "0", 1, nil),
	})
	// pass^k is only averaged for k every task has trials for.
	if len(s.PassHatK) != 1 || s.PassHatK[0] != 0.5 {
		t.Fatalf("pass^k %v", s.PassHatK)
	}
	if s, rows := Summarise(nil); len(rows) != 0 || len(s.PassHatK) != 0 {
		t.Fatalf("empty: %+v %+v", s, rows)
	}
}
