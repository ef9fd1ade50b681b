package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// Orchestrator8B is a policy speaking nvidia/Orchestrator-8B's format, as
// served by vLLM with the hermes tool parser (native tool_calls), or as
// raw Hermes "<tool_call>" text, which is parsed too.
//
// Each turn the prompt is rebuilt from scratch, as in ToolOrchestra's
// evaluation: the system message "You are good at using tools.", and a user
// message "Problem: <task>\n\n<context>\n\nChoose an appropriate tool.",
// where the context lists the documents found so far ("Doc 1: ..."), the
// code run and its output, analyses by reasoning models, failed answer
// attempts and failed turns. Three functions are offered, each taking one
// required "model" argument that picks an expert by alias from a table of
// price per million input and output tokens and average latency:
// search (search-N), enhance_reasoning (reasoner-N) and answer (answer-N,
// answer-math-N). A function with no alias in the run is not offered; as
// in ToolOrchestra, a function called on the last two turns is withheld
// once, to break loops.
//
// Aliases map to the run's tools. Configured ones ([Orchestrator8B.Aliases],
// e.g. {"answer-1": "gpt-5", "search-1": "retrieve"}) are used for the
// tools the run has; without them, tools tagged llm become answer-N and
// reasoner-N, tools tagged code further reasoner-N, and tools tagged search
// search-N, each numbered from the most expensive (price of a typical call).
//
// One Decide returns one Baton call, so a function may take two turns; the
// second is decided without asking the model, from the previous step:
//
//   - search, alias on a search tool: call it with the problem as query.
//     Alias on a model: ask it for a query (<query>…</query>), then send
//     the query to the run's first search tool; with no search tool the
//     model's reply itself is kept as a document.
//   - enhance_reasoning, alias on a model: with a code tool in the run, ask
//     the model for self-contained Python (```python) and run it next turn
//     with the code tool; otherwise ask for step-by-step intermediate
//     results. Alias on a code tool: run the "code" argument if the model
//     gave one; otherwise (Orchestrator-8B never gives one) the run's
//     cheapest model writes the code, which then runs in that tool, as
//     the alias's description says.
//   - answer: call the aliased tool with the problem and context, asking
//     for the answer within <answer>…</answer>; next turn, if the call
//     succeeded, return it as the final answer (the <answer> text, else the
//     last \boxed{}, else the whole reply). A failed call is shown as a
//     failed attempt and the model chooses again.
//
// The stage of each returned action is recorded as the last line of its
// Thought ("orchestrator8b: <function> <alias> <stage>"), which is how the
// next Decide knows what to finish; the policy keeps no state of its own.
// A plain-text reply without a call is an invalid action: this model
// answers through the answer function.
type Orchestrator8B struct {
	// Model is the deciding model.
	Model Model
	// Aliases maps aliases to tool names; empty derives them from tags.
	Aliases map[string]string
}

var (
	_ policy.Policy      = (*Orchestrator8B)(nil)
	_ policy.CostBounder = (*Orchestrator8B)(nil)
)

// Decide finishes a two-turn function call, or asks the model.
func (o *Orchestrator8B) Decide(ctx context.Context, s *policy.State) (episode.Action, error) {
	if s == nil || s.Task == nil {
		return episode.Action{}, errNoTask
	}
	aliases := resolveAliases(o.Aliases, s.Tools)
	if len(aliases) == 0 {
		return episode.Action{}, fmt.Errorf("policy/llm: orchestrator8b: no alias maps to a tool of this run (tools: %s); set \"aliases\" or tag tools llm, code or search", strings.Join(specNames(s), ", "))
	}
	if act, ok := o.followUp(s, aliases); ok {
		return act, nil
	}
	req := request8B(s, aliases)
	r, err := o.Model.complete(ctx, req)
	if err != nil {
		return episode.Action{}, err
	}
	return o.act(s, r, aliases, req.Tools)
}

// MaxCost bounds what the next Decide can cost (see [policy.CostBounder]):
// nothing when it finishes a two-turn call without asking the model.
func (o *Orchestrator8B) MaxCost(s *policy.State) (money.Amount, error) {
	if s == nil || s.Task == nil {
		return 0, nil
	}
	aliases := resolveAliases(o.Aliases, s.Tools)
	if len(aliases) == 0 {
		return 0, nil
	}
	if _, ok := o.followUp(s, aliases); ok {
		return 0, nil
	}
	return o.Model.maxCost(request8B(s, aliases))
}

// request8B is the prompt of a turn, rebuilt from the state.
func request8B(s *policy.State, aliases []alias) chat.Request {
	return chat.Request{
		Messages: []chat.Message{
			{Role: chat.RoleSystem, Content: system8B},
			{Role: chat.RoleUser, Content: userPrompt8B(s.Task.Prompt, gather(s).context(docLimit, contextLimit))},
		},
		Tools: tools8B(aliases, withheld(s.Steps, aliases)),
	}
}

// withheld returns the function called on each of the last two model
// turns, which is not offered this turn unless it is the only one.
func withheld(steps []episode.Step, aliases []alias) string {
	var fns []string
	for _, st := range steps {
		if mk, ok := parseMarker(st.Action.Thought); ok && isFirstStage(mk.stage) {
			fns = append(fns, mk.fn)
		}
	}
	n := len(fns)
	if n < 2 || fns[n-1] != fns[n-2] {
		return ""
	}
	for _, a := range aliases {
		if a.Func != fns[n-1] {
			return fns[n-1]
		}
	}
	return ""
}

// isFirstStage reports whether the stage came from asking the model.
func isFirstStage(stage string) bool {
	return stage != stageRun && stage != stageFound
}

// followUp returns the second Baton call of a two-turn function, when the
// previous step asks for one.
func (o *Orchestrator8B) followUp(s *policy.State, aliases []alias) (episode.Action, bool) {
	if len(s.Steps) == 0 {
		return episode.Action{}, false
	}
	last := s.Steps[len(s.Steps)-1]
	mk, ok := parseMarker(last.Action.Thought)
	if !ok || last.Failed() || last.Result == nil {
		return episode.Action{}, false
	}
	out := last.Result.Content
	switch mk.stage {
	case stageAnswer:
		ans := extractAnswer(out)
		if ans == "" {
			// An empty reply is no answer; the model sees the attempt
			// and chooses again.
			return episode.Action{}, false
		}
		return episode.Action{Final: true, Answer: ans, Thought: "final answer by " + mk.alias}, true
	case stageQuery:
		search, ok := firstTagged(s.Tools, tool.TagSearch)
		if !ok {
			return episode.Action{}, false
		}
		q, ok := extractTag(out, "query")
		if !ok {
			q = s.Task.Prompt
		}
		return episode.Action{
			Tool: search.Name, Args: textArgs(search, q, queryKeys),
			Thought: marker{fn: fnSearch, alias: mk.alias, stage: stageFound}.String(),
		}, true
	case stageCode:
		runner, ok := firstTagged(s.Tools, tool.TagCode)
		for _, a := range aliases {
			if a.Name == mk.alias && isCodeTool(a.Spec) {
				runner, ok = a.Spec, true
			}
		}
		code, found := extractPython(out)
		if !ok || !found {
			return episode.Action{}, false
		}
		return episode.Action{
			Tool: runner.Name, Args: textArgs(runner, code, codeKeys),
			Thought: marker{fn: fnReason, alias: mk.alias, stage: stageRun}.String(),
		}, true
	}
	return episode.Action{}, false
}

// firstTagged returns the first tool with tag that is not a model.
func firstTagged(specs []tool.Spec, tag string) (tool.Spec, bool) {
	for _, s := range specs {
		if s.HasTag(tag) && !s.HasTag(tool.TagLLM) {
			return s, true
		}
	}
	return tool.Spec{}, false
}

// act maps the model's chosen function and alias to a Baton call.
func (o *Orchestrator8B) act(s *policy.State, r reply, aliases []alias, offered []chat.ToolDef) (episode.Action, error) {
	act := episode.Action{Usage: r.usage, Cost: r.cost}
	thought, body := splitThink(r.msg.Content)
	act.Thought = joinNonEmpty(thought, stripCalls(body))
	calls := r.msg.ToolCalls
	if len(calls) == 0 {
		parsed, err := ParseToolCalls(r.msg.Content)
		if err != nil {
			act.Thought = strings.TrimSpace(r.msg.Content)
			return act, err
		}
		calls = parsed
	}
	fnList := offeredNames(offered)
	if len(calls) == 0 {
		return act, fmt.Errorf(`%w: no tool was called; call one of %s with {"model": "<alias>"}`, policy.ErrInvalidAction, fnList)
	}
	c := calls[0]
	if !offeredHas(offered, c.Name) {
		act.Thought = joinNonEmpty(act.Thought, callText(c.Name, c.Arguments))
		return act, fmt.Errorf("%w: there is no tool %q this turn; call one of %s", policy.ErrInvalidAction, c.Name, fnList)
	}
	var args struct {
		Model string `json:"model"`
		Code  string `json:"code"`
	}
	norm, err := objectJSON([]byte(c.Arguments))
	if err == nil {
		err = json.Unmarshal([]byte(norm), &args)
	}
	if err != nil {
		act.Thought = joinNonEmpty(act.Thought, callText(c.Name, c.Arguments))
		return act, fmt.Errorf(`%w: %s: arguments must be {"model": "<alias>"}: %v`, policy.ErrInvalidAction, c.Name, err)
	}
	var choices []string
	var chosen *alias
	for i, a := range aliases {
		if a.Func == c.Name {
			choices = append(choices, a.Name)
			if a.Name == strings.TrimSpace(args.Model) {
				chosen = &aliases[i]
			}
		}
	}
	if chosen == nil {
		act.Thought = joinNonEmpty(act.Thought, callText(c.Name, norm))
		return act, fmt.Errorf("%w: %s: model %q is not one of [%s]", policy.ErrInvalidAction, c.Name, args.Model, strings.Join(choices, ", "))
	}
	name, call, stage, err := o.expertCall(s, *chosen, args.Code)
	if err != nil {
		act.Thought = joinNonEmpty(act.Thought, callText(c.Name, norm))
		return act, err
	}
	act.Tool, act.Args = name, call
	act.Thought = joinNonEmpty(act.Thought, marker{fn: c.Name, alias: chosen.Name, stage: stage}.String())
	return act, nil
}

// Instructions appended to the expert prompts; the query and code ones
// follow ToolOrchestra's.
const (
	askQuery  = "Instead of directly answering the question, please think hard and write a concise query to search for the missing information. Wrap the query within <query> and </query>."
	askFacts  = "Find the information missing to answer the question and write it down concisely, with the facts you are sure of."
	askCode   = "Instead of directly answering the question, please write additional python code that will give intermediate results after execution. Wrap the code within ```python and ```. The code should be self-contained with all the import and initialization."
	askSteps  = "Instead of directly answering the question, please analyse it step by step and write down the intermediate results that will help solve it."
	askAnswer = "Think step by step, then wrap only the exact answer, without any explanation, within <answer> and </answer>."
)

// expertCall picks the tool and arguments of a function's first Baton
// call, and names its stage.
func (o *Orchestrator8B) expertCall(s *policy.State, a alias, code string) (string, json.RawMessage, string, error) {
	problem := s.Task.Prompt
	spec := a.Spec
	expertCtx := strings.TrimSpace(gather(s).context(0, 0))
	ask := func(model tool.Spec, instr string) json.RawMessage {
		return textArgs(model, strings.TrimSpace(expertCtx+"\n\nQuestion: "+problem)+"\n"+instr, promptKeys)
	}
	_, hasSearch := firstTagged(s.Tools, tool.TagSearch)
	_, hasCode := firstTagged(s.Tools, tool.TagCode)
	switch {
	case a.Func == fnSearch && !spec.HasTag(tool.TagLLM):
		return spec.Name, textArgs(spec, problem, queryKeys), stageSearch, nil
	case a.Func == fnSearch && hasSearch:
		return spec.Name, ask(spec, askQuery), stageQuery, nil
	case a.Func == fnSearch:
		return spec.Name, ask(spec, askFacts), stageSearch, nil
	case a.Func == fnReason && isCodeTool(spec) && strings.TrimSpace(code) != "":
		return spec.Name, textArgs(spec, code, codeKeys), stageReason, nil
	case a.Func == fnReason && isCodeTool(spec):
		writer, ok := cheapestModel(s.Tools)
		if !ok {
			return "", nil, "", fmt.Errorf(`%w: %s runs code with %s and no model can write it; pass the Python in a "code" argument`, policy.ErrInvalidAction, a.Name, spec.Name)
		}
		return writer.Name, ask(writer, askCode), stageCode, nil
	case a.Func == fnReason && hasCode:
		return spec.Name, ask(spec, askCode), stageCode, nil
	case a.Func == fnReason:
		return spec.Name, ask(spec, askSteps), stageReason, nil
	default: // fnAnswer
		p := strings.TrimSpace(expertCtx+"\n\n"+problem) + "\n\n" + askAnswer
		return spec.Name, textArgs(spec, p, promptKeys), stageAnswer, nil
	}
}

// isCodeTool reports whether spec runs code rather than being a model.
func isCodeTool(spec tool.Spec) bool { return spec.HasTag(tool.TagCode) && !spec.HasTag(tool.TagLLM) }

// cheapestModel returns the least expensive language model of the run,
// which writes the code for a code-tool reasoner.
func cheapestModel(specs []tool.Spec) (tool.Spec, bool) {
	var llms []tool.Spec
	for _, s := range specs {
		if s.HasTag(tool.TagLLM) {
			llms = append(llms, s)
		}
	}
	if len(llms) == 0 {
		return tool.Spec{}, false
	}
	sortByPriceDesc(llms)
	return llms[len(llms)-1], true
}

func offeredNames(defs []chat.ToolDef) string {
	names := make([]string, len(defs))
	for i, d := range defs {
		names[i] = d.Name
	}
	return strings.Join(names, ", ")
}

func offeredHas(defs []chat.ToolDef, name string) bool {
	for _, d := range defs {
		if d.Name == name {
			return true
		}
	}
	return false
}
