package tau2

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// relayMark opens the Thought of every action the relay plays for an
// expert; it is how the relay counts what it has played already.
const relayMark = "relayed from "

// relay wraps the agent's policy. After a call_expert step it plays the
// expert's reply as the agent's own: its tool calls one per turn, in order,
// then the agent decides again; or its message as the turn's final answer.
// Playing needs no model, costs nothing and is decided from the steps
// alone, so one relay serves concurrent episodes.
// hide names a tool the set holds for the experts but the agent is not
// offered (transfer_to_human_agents): the inner policy never sees it.
type relay struct {
	inner policy.Policy
	hide  string
}

var (
	_ policy.Policy      = relay{}
	_ policy.CostBounder = relay{}
)

// Decide plays the expert's next output, or asks the agent's policy.
func (r relay) Decide(ctx context.Context, s *policy.State) (episode.Action, error) {
	if act, ok, err := relayed(s); ok {
		return act, err
	}
	return r.inner.Decide(ctx, r.view(s))
}

// view is s without the hidden tool.
func (r relay) view(s *policy.State) *policy.State {
	if s == nil || r.hide == "" {
		return s
	}
	v := *s
	v.Tools = slices.DeleteFunc(slices.Clone(s.Tools), func(t tool.Spec) bool { return t.Name == r.hide })
	return &v
}

// MaxCost is nothing while the relay plays, else the inner policy's bound.
func (r relay) MaxCost(s *policy.State) (money.Amount, error) {
	if _, ok, _ := relayed(s); ok {
		return 0, nil
	}
	if b, ok := r.inner.(policy.CostBounder); ok {
		return b.MaxCost(r.view(s))
	}
	return 0, nil
}

// relayed returns the action the last call_expert step still owes: the
// steps since it that the relay played are counted off its tool calls.
func relayed(s *policy.State) (episode.Action, bool, error) {
	if s == nil {
		return episode.Action{}, false, nil
	}
	played := 0
	i := len(s.Steps) - 1
	for ; i >= 0 && strings.HasPrefix(s.Steps[i].Action.Thought, relayMark); i-- {
		played++
	}
	if i < 0 {
		return episode.Action{}, false, nil
	}
	st := s.Steps[i]
	if st.Action.Tool != ExpertToolName || st.Failed() || st.Result == nil || st.Result.IsError || len(st.Result.Data) == 0 {
		return episode.Action{}, false, nil
	}
	var rep expertReply
	if json.Unmarshal(st.Result.Data, &rep) != nil {
		return episode.Action{}, false, nil
	}
	who := relayMark + rep.Expert + " (" + rep.Model + ")"
	if rep.Message != "" {
		if played > 0 {
			return episode.Action{}, false, nil
		}
		return episode.Action{Final: true, Answer: rep.Message, Thought: who + ": message to the customer"}, true, nil
	}
	if played >= len(rep.ToolCalls) {
		return episode.Action{}, false, nil
	}
	c := rep.ToolCalls[played]
	act := episode.Action{Tool: c.Name, Thought: fmt.Sprintf("%s: call %d of %d", who, played+1, len(rep.ToolCalls))}
	args := strings.TrimSpace(c.Arguments)
	if args == "" {
		args = "{}"
	}
	if !json.Valid([]byte(args)) {
		return act, true, fmt.Errorf("%w: %s called %s with malformed JSON arguments %q", policy.ErrInvalidAction, rep.Expert, c.Name, c.Arguments)
	}
	act.Args = json.RawMessage(args)
	return act, true, nil
}
