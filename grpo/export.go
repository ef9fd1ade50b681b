package grpo

import (
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// ExcerptBytes bounds the result text kept per action in an export.
const ExcerptBytes = 500

// Record is one exported rollout, one JSON line (see the package comment).
type Record struct {
	Step       int                 `json:"step"`       // optimisation step, 1-based
	Group      string              `json:"group"`      // "s<step>-t<index in batch>": the rollouts of one task
	Rollout    int                 `json:"rollout"`    // index within the group
	TaskID     string              `json:"task_id"`    // env task id
	Prompt     string              `json:"prompt"`     // task text
	Tools      []tool.Spec         `json:"tools"`      // tools offered
	Preference episode.Preferences `json:"preference"` // the rollout's sampled preference
	Actions    []ActionRecord      `json:"actions"`    // one per turn, in order
	Answer     string              `json:"answer"`     // final answer; "" if none
	Status     episode.Status      `json:"status"`     // how the episode ended
	Outcome    float64             `json:"outcome"`    // verifier outcome in [0, 1]
	Correct    bool                `json:"correct"`    // verifier verdict
	Cost       money.Amount        `json:"cost"`       // episode cost, exact
	LatencyS   float64             `json:"latency_s"`  // nominal latency (sum of Spec.Latency) in seconds
	Reward     float64             `json:"reward"`     // preference-weighted reward
	Advantage  float64             `json:"advantage"`  // group-normalised advantage; 0 when Skipped
	Skipped    bool                `json:"skipped"`    // the group had too little reward spread to train on
}

// ActionRecord is one turn of an exported rollout.
type ActionRecord struct {
	Turn    int             `json:"turn"`               // 1-based turn number
	Tool    string          `json:"tool,omitempty"`     // the tool called; empty on the answer turn
	Args    json.RawMessage `json:"args,omitempty"`     // the call's arguments
	Final   bool            `json:"final,omitempty"`    // marks the answer turn
	Answer  string          `json:"answer,omitempty"`   // the answer, when Final
	Result  string          `json:"result,omitempty"`   // the result's text, cut to ExcerptBytes
	IsError bool            `json:"is_error,omitempty"` // the tool returned an error
	Error   string          `json:"error,omitempty"`    // why the turn failed, if it did
	Cost    money.Amount    `json:"cost"`               // the turn's cost, decision included
	// LogProb is the sampling policy's log-probability of the action,
	// absent for turns the policy did not choose among candidates.
	LogProb *float64 `json:"logprob,omitempty"`
}

// excerpt cuts s to at most n bytes on a UTF-8 boundary, marking the cut.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// newRecord builds the export record of one rollout.
func newRecord(step int, group string, idx int, ep *episode.Episode, specs []tool.Spec, sc env.Score, logp map[int]float64, latencyS, rew, adv float64, skip bool) Record {
	rec := Record{
		Step: step, Group: group, Rollout: idx,
		TaskID: ep.Task.ID, Prompt: ep.Task.Prompt, Tools: specs, Preference: ep.Task.Preferences,
		Actions: []ActionRecord{}, Answer: ep.Answer, Status: ep.Status,
		Outcome: sc.Outcome, Correct: sc.Correct, Cost: ep.Cost, LatencyS: latencyS,
		Reward: rew, Advantage: adv, Skipped: skip,
	}
	for _, st := range ep.Steps {
		a := ActionRecord{Turn: st.Turn, Tool: st.Action.Tool, Args: st.Action.Args, Final: st.Action.Final,
			Answer: st.Action.Answer, Error: st.Error, Cost: st.Cost}
		if st.Result != nil {
			a.Result, a.IsError = excerpt(st.Result.Content, ExcerptBytes), st.Result.IsError
		}
		if lp, ok := logp[st.Turn]; ok {
			a.LogProb = &lp
		}
		rec.Actions = append(rec.Actions, a)
	}
	return rec
}

func writeRecord(w io.Writer, rec Record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("grpo: export: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("grpo: export: %w", err)
	}
	return nil
}
