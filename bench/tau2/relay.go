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
// After an agent reply with several tool calls (a [ChatAgent]'s), it plays
// the further calls the same way.
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

// moreCallsMark opens the last line of the Thought of an agent action
// that was the first of several tool calls in one reply; the line carries
// the rest as JSON, which the relay plays next.
const moreCallsMark = "tau2: more calls in this reply: "

// withMoreCalls appends the rest of a reply's calls to thought.
func withMoreCalls(thought string, rest []relayCall) string {
	b, _ := json.Marshal(rest)
	line := moreCallsMark + string(b)
	if strings.TrimSpace(thought) == "" {
		return line
	}
	return thought + "\n" + line
}

// moreCalls reads the calls withMoreCalls stored.
func moreCalls(thought string) ([]relayCall, bool) {
	i := strings.LastIndex(thought, moreCallsMark)
	if i < 0 {
		return nil, false
	}
	var rest []relayCall
	if json.Unmarshal([]byte(thought[i+len(moreCallsMark):]), &rest) != nil {
		return nil, false
	}
	return rest, true
}

// agentVia names the agent itself in a relay mark, for the further calls
// of one of its own replies.
const agentVia = "agent"

// relayed returns the action a step still owes: the next tool call of the
// last call_expert step's reply (or its message, as the turn's answer), or
// the next of the further calls the agent made in one reply. The steps
// since that step which the relay played are counted off.
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
	if rest, ok := moreCalls(st.Action.Thought); ok && st.Action.Tool != ExpertToolName {
		if played >= len(rest) {
			return episode.Action{}, false, nil
		}
		return relayCallAction(rest[played], fmt.Sprintf("%s%s (same reply): call %d of %d", relayMark, agentVia, played+2, len(rest)+1), agentVia)
	}
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
	return relayCallAction(rep.ToolCalls[played], fmt.Sprintf("%s: call %d of %d", who, played+1, len(rep.ToolCalls)), rep.Expert)
}

// relayCallAction is the action for one relayed call; malformed arguments
// are an invalid action the agent sees.
func relayCallAction(c relayCall, thought, who string) (episode.Action, bool, error) {
	act := episode.Action{Tool: c.Name, Thought: thought}
	args := strings.TrimSpace(c.Arguments)
	if args == "" {
		args = "{}"
	}
	if !json.Valid([]byte(args)) {
		return act, true, fmt.Errorf("%w: %s called %s with malformed JSON arguments %q", policy.ErrInvalidAction, who, c.Name, c.Arguments)
	}
	act.Args = json.RawMessage(args)
	return act, true, nil
}
