package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
)

// Native is a policy that lets any OpenAI-compatible chat model orchestrate
// with native tool calling.
//
// Each turn it sends a system prompt (instructions, each tool's price and
// typical latency, the budget and what is left of it, the preferences), the
// task as the user message, and the earlier steps as assistant tool calls
// and tool results. The functions offered are the state's tools, their
// names sanitised (see [FuncName]), plus "answer" with
// {"answer": string}, which ends the episode; a reply with text and no
// call is a final answer too. Calls written as Hermes "<tool_call>" text
// in the content are read when the reply has no native calls.
//
// Only the first call of a reply is acted on; further calls in the same
// reply are ignored, because one turn is one action and the model sees the
// result of that call before choosing again.
type Native struct {
	// Model is the deciding model.
	Model Model
	// Instructions opens the system prompt; empty means
	// [DefaultInstructions].
	Instructions string
}

var (
	_ policy.Policy      = (*Native)(nil)
	_ policy.CostBounder = (*Native)(nil)
)

var errNoTask = errors.New("policy/llm: state has no task")

// Decide asks the model for the next action.
func (n *Native) Decide(ctx context.Context, s *policy.State) (episode.Action, error) {
	if s == nil || s.Task == nil {
		return episode.Action{}, errNoTask
	}
	req, names := n.request(s)
	r, err := n.Model.complete(ctx, req)
	if err != nil {
		return episode.Action{}, err
	}
	return nativeAction(r, names)
}

// MaxCost bounds what the next Decide can cost (see [policy.CostBounder]).
func (n *Native) MaxCost(s *policy.State) (money.Amount, error) {
	if s == nil || s.Task == nil {
		return 0, nil
	}
	req, _ := n.request(s)
	return n.Model.maxCost(req)
}

func (n *Native) request(s *policy.State) (chat.Request, *nameMap) {
	names := newNameMap(specNames(s))
	instr := n.Instructions
	if strings.TrimSpace(instr) == "" {
		instr = DefaultInstructions
	}
	return nativeRequest(s, instr, names), names
}

// FuncName returns the function name under which [Native] offers the tool
// name when the run's tools are toolNames: '.' and other characters OpenAI
// rejects become '_', with a numeric suffix on a clash.
func FuncName(toolNames []string, name string) string {
	return newNameMap(toolNames).funcName(name)
}

func specNames(s *policy.State) []string {
	out := make([]string, len(s.Tools))
	for i, t := range s.Tools {
		out[i] = t.Name
	}
	return out
}

// nativeAction turns a reply into an action. Failures wrap
// policy.ErrInvalidAction with the reason the model will read next turn,
// and still carry the decision's usage and cost.
func nativeAction(r reply, names *nameMap) (episode.Action, error) {
	act := episode.Action{Usage: r.usage, Cost: r.cost}
	content := r.msg.Content
	thought, body := splitThink(content)
	calls := r.msg.ToolCalls
	if len(calls) == 0 {
		parsed, err := ParseToolCalls(content)
		if err != nil {
			act.Thought = strings.TrimSpace(content)
			return act, err
		}
		calls = parsed
	}
	prose := stripCalls(body)
	if len(calls) == 0 {
		if prose == "" {
			act.Thought = thought
			return act, fmt.Errorf("%w: the reply was empty; call one of the functions, or call %s with the final answer", policy.ErrInvalidAction, answerFunc)
		}
		act.Final, act.Answer, act.Thought = true, prose, thought
		return act, nil
	}
	act.Thought = joinNonEmpty(thought, prose)
	first := calls[0]
	args, err := objectJSON([]byte(first.Arguments))
	if err != nil {
		act.Thought = joinNonEmpty(act.Thought, callText(first.Name, first.Arguments))
		return act, fmt.Errorf("%w: call of %s: %w", policy.ErrInvalidAction, first.Name, err)
	}
	if first.Name == answerFunc {
		var a struct {
			Answer *string `json:"answer"`
		}
		if err := json.Unmarshal([]byte(args), &a); err != nil || a.Answer == nil {
			act.Thought = joinNonEmpty(act.Thought, callText(first.Name, args))
			return act, fmt.Errorf(`%w: %s takes {"answer": "<the final answer as text>"}, got %s`, policy.ErrInvalidAction, answerFunc, quote(args))
		}
		act.Final, act.Answer = true, strings.TrimSpace(*a.Answer)
		return act, nil
	}
	tool, ok := names.toolName(first.Name)
	if !ok {
		act.Thought = joinNonEmpty(act.Thought, callText(first.Name, args))
		return act, fmt.Errorf("%w: there is no function %q; the functions are: %s", policy.ErrInvalidAction, first.Name, strings.Join(names.funcNames(), ", "))
	}
	act.Tool, act.Args = tool, json.RawMessage(args)
	return act, nil
}

// callText writes a call the way a Hermes model would, for the history.
func callText(name, args string) string {
	n, _ := json.Marshal(name)
	if !json.Valid([]byte(args)) {
		a, _ := json.Marshal(args)
		args = string(a)
	}
	return tagCall + `{"name": ` + string(n) + `, "arguments": ` + args + "}" + tagCallEnd
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n")
}

// funcNames lists the offered function names, answer last.
func (m *nameMap) funcNames() []string {
	out := make([]string, 0, len(m.toFunc)+1)
	for _, f := range m.toFunc {
		out = append(out, f)
	}
	sort.Strings(out)
	return append(out, answerFunc)
}
