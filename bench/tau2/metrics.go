package tau2

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/batonhq/baton/bench"
	"github.com/batonhq/baton/money"
)

// IsSuccess reports whether a reward counts as a success: 1 within 1e-6,
// as tau2 counts it.
func IsSuccess(reward float64) bool { return math.Abs(reward-1) <= 1e-6 }

// PassHatK estimates, from n trials of a task with c successes, the chance
// that k i.i.d. trials all succeed: C(c,k)/C(n,k), τ²-bench's pass^k
// estimator. It is 0 when c < k and NaN when k is outside 1..n or c is
// outside 0..n.
func PassHatK(n, c, k int) float64 {
	if k < 1 || k > n || c < 0 || c > n {
		return math.NaN()
	}
	// C(c,k)/C(n,k) = prod_{i<k} (c-i)/(n-i): exact enough in floats and
	// free of the overflow the binomials themselves would hit.
	p := 1.0
	for i := 0; i < k; i++ {
		if c-i <= 0 {
			return 0
		}
		p *= float64(c-i) / float64(n-i)
	}
	return p
}

// TaskRow is one task's results over its trials.
type TaskRow struct {
	TaskID    string `json:"task_id"`   // tau2 task id
	Trials    int    `json:"trials"`    // conversations run for the task
	Successes int    `json:"successes"` // trials with reward 1
	// Rewards are the trials' rewards in trial order.
	Rewards    []float64 `json:"rewards"`
	MeanReward float64   `json:"mean_reward"` // mean of Rewards
	// PassHatK[k-1] is pass^k for k = 1..Trials.
	PassHatK []float64 `json:"pass_hat_k"`
	// Mean costs per trial in dollars, and the exact totals.
	AgentCostUSD  float64      `json:"agent_cost_usd"`
	ExpertCostUSD float64      `json:"expert_cost_usd"` // call_expert calls
	UserCostUSD   float64      `json:"user_cost_usd"`   // user simulator
	AgentCost     money.Amount `json:"agent_cost"`      // exact total of the policy and every tool but the expert
	ExpertCost    money.Amount `json:"expert_cost"`     // exact total of the call_expert calls
	UserCost      money.Amount `json:"user_cost"`       // exact total of the user simulator
	// Means per trial.
	LatencyS   float64 `json:"latency_s"`   // wall time per conversation, seconds
	AgentTurns float64 `json:"agent_turns"` // agent turns (episodes)
	ToolCalls  float64 `json:"tool_calls"`  // tool calls, every tool counted
	// Terminations counts the trials' endings by reason.
	Terminations map[string]int `json:"terminations"`
}

// Summary aggregates every task.
type Summary struct {
	Tasks         int `json:"tasks"`         // distinct tasks
	Conversations int `json:"conversations"` // conversations over all tasks and trials
	// PassHatK[k-1] is pass^k averaged over tasks, for k up to the fewest
	// trials any task has.
	PassHatK   []float64 `json:"pass_hat_k"`
	MeanReward float64   `json:"mean_reward"` // mean reward over conversations
	// Exact totals over all conversations.
	AgentCost  money.Amount `json:"agent_cost"`  // policy decisions and tools but the expert
	ExpertCost money.Amount `json:"expert_cost"` // call_expert calls
	UserCost   money.Amount `json:"user_cost"`   // user simulator
	// Means per conversation.
	AgentCostUSD  float64            `json:"agent_cost_usd"`  // dollars
	ExpertCostUSD float64            `json:"expert_cost_usd"` // dollars
	UserCostUSD   float64            `json:"user_cost_usd"`   // dollars
	LatencyS      float64            `json:"latency_s"`       // wall time, seconds
	AgentTurns    float64            `json:"agent_turns"`     // agent turns (episodes)
	ToolCalls     float64            `json:"tool_calls"`      // tool calls
	ToolShare     map[string]float64 `json:"tool_share"`      // each tool's share of all tool calls
	// Normal is the share of conversations that ended normally.
	Normal       float64        `json:"normal"`
	Terminations map[string]int `json:"terminations"` // conversations by termination reason (TermUserStop...)
}

// Summarise groups conversations by task (in order of first appearance;
// trials in trial order) and aggregates them.
func Summarise(convs []*Conversation) (Summary, []TaskRow) {
	var order []string
	by := map[string][]*Conversation{}
	for _, c := range convs {
		if _, ok := by[c.TaskID]; !ok {
			order = append(order, c.TaskID)
		}
		by[c.TaskID] = append(by[c.TaskID], c)
	}
	s := Summary{Tasks: len(order), Conversations: len(convs), ToolShare: map[string]float64{}, Terminations: map[string]int{}}
	rows := make([]TaskRow, 0, len(order))
	minTrials := 0
	for _, id := range order {
		cs := by[id]
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].Trial < cs[j].Trial })
		row := taskRow(id, cs)
		rows = append(rows, row)
		if minTrials == 0 || row.Trials < minTrials {
			minTrials = row.Trials
		}
	}
	if len(convs) == 0 {
		return s, rows
	}
	s.PassHatK = make([]float64, minTrials)
	for _, row := range rows {
		for k := 1; k <= minTrials; k++ {
			s.PassHatK[k-1] += PassHatK(row.Trials, row.Successes, k) / float64(len(rows))
		}
	}
	var calls, normal int
	var reward, latency, turns float64
	for _, c := range convs {
		s.AgentCost = s.AgentCost.Add(c.AgentCost)
		s.ExpertCost = s.ExpertCost.Add(c.ExpertCost)
		s.UserCost = s.UserCost.Add(c.UserCost)
		reward += c.Reward
		latency += c.Latency.Seconds()
		turns += float64(c.AgentTurns)
		for t, n := range c.ToolCalls {
			s.ToolShare[t] += float64(n)
			calls += n
		}
		s.Terminations[c.Termination]++
		if Normal(c.Termination) {
			normal++
		}
	}
	n := float64(len(convs))
	s.MeanReward = reward / n
	s.AgentCostUSD = s.AgentCost.USD() / n
	s.ExpertCostUSD = s.ExpertCost.USD() / n
	s.UserCostUSD = s.UserCost.USD() / n
	s.LatencyS = latency / n
	s.AgentTurns = turns / n
	s.ToolCalls = float64(calls) / n
	s.Normal = float64(normal) / n
	for t := range s.ToolShare {
		s.ToolShare[t] /= float64(calls)
	}
	return s, rows
}

func taskRow(id string, cs []*Conversation) TaskRow {
	row := TaskRow{TaskID: id, Trials: len(cs), Terminations: map[string]int{}}
	var latency, turns, calls float64
	for _, c := range cs {
		row.Rewards = append(row.Rewards, c.Reward)
		row.MeanReward += c.Reward
		if c.Success {
			row.Successes++
		}
		row.AgentCost = row.AgentCost.Add(c.AgentCost)
		row.ExpertCost = row.ExpertCost.Add(c.ExpertCost)
		row.UserCost = row.UserCost.Add(c.UserCost)
		latency += c.Latency.Seconds()
		turns += float64(c.AgentTurns)
		for _, k := range c.ToolCalls {
			calls += float64(k)
		}
		row.Terminations[c.Termination]++
	}
	n := float64(len(cs))
	row.MeanReward /= n
	row.AgentCostUSD = row.AgentCost.USD() / n
	row.ExpertCostUSD = row.ExpertCost.USD() / n
	row.UserCostUSD = row.UserCost.USD() / n
	row.LatencyS, row.AgentTurns, row.ToolCalls = latency/n, turns/n, calls/n
	for k := 1; k <= row.Trials; k++ {
		row.PassHatK = append(row.PassHatK, PassHatK(row.Trials, row.Successes, k))
	}
	return row
}

// Row is the summary as a row of Baton's benchmark table: Accuracy is
// pass^1, cost is the system's (agent plus expert) per conversation, the
// calls are tool calls per conversation and Answered is the share of
// normal endings.
func (s Summary) Row(policyName string) bench.Row {
	row := bench.Row{
		Policy:       policyName,
		CostUSD:      s.AgentCostUSD + s.ExpertCostUSD,
		LatencyS:     s.LatencyS,
		CallsPerTask: s.ToolCalls,
		ToolShare:    s.ToolShare,
		TotalCost:    s.AgentCost.Add(s.ExpertCost),
		Answered:     s.Normal,
	}
	if len(s.PassHatK) > 0 {
		row.Accuracy = s.PassHatK[0]
	}
	return row
}

// Results is the summary in Baton's report format: one row, and the
// tau2-specific figures as notes (pass^k for every k, each cost, turns,
// endings).
func (s Summary) Results(dataset, policyName string) *bench.Results {
	r := &bench.Results{Dataset: dataset, NEval: s.Tasks, Rows: []bench.Row{s.Row(policyName)}, Notes: map[string]string{}}
	for i, p := range s.PassHatK {
		r.Notes[fmt.Sprintf("pass^%d", i+1)] = strconv.FormatFloat(p, 'f', 4, 64)
	}
	r.Notes["conversations"] = strconv.Itoa(s.Conversations)
	r.Notes["mean_reward"] = strconv.FormatFloat(s.MeanReward, 'f', 4, 64)
	r.Notes["agent_cost_usd_mean"] = strconv.FormatFloat(s.AgentCostUSD, 'f', 7, 64)
	r.Notes["expert_cost_usd_mean"] = strconv.FormatFloat(s.ExpertCostUSD, 'f', 7, 64)
	r.Notes["user_cost_usd_mean"] = strconv.FormatFloat(s.UserCostUSD, 'f', 7, 64)
	r.Notes["agent_cost_total"] = s.AgentCost.String()
	r.Notes["expert_cost_total"] = s.ExpertCost.String()
	r.Notes["user_cost_total"] = s.UserCost.String()
	r.Notes["agent_turns_mean"] = strconv.FormatFloat(s.AgentTurns, 'f', 2, 64)
	var ends []string
	for k, n := range s.Terminations {
		ends = append(ends, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(ends)
	r.Notes["terminations"] = strings.Join(ends, ", ")
	return r
}
