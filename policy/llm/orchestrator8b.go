package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

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
// The context is built as ToolOrchestra's evaluation builds it
// (eval_hle.py by default, eval_frames.py with Context "frames"; see
// [ContextHLE] and [ContextFRAMES]). Each turn the prompt is rebuilt from
// scratch: the system message "You are good at using tools.", and a user
// message "Problem: <task>\n\n<context>\n\nChoose an appropriate
// tool." (HLE's script ends it with a stray quote, kept). The context
// lists one document per retrieved passage ("Doc 1: ..."; each cut at
// 1,200 characters plus " ..." for HLE, 4,000 for FRAMES), then, under
// "python code and execution outputs:", each piece of code that ran with
// its non-blank output. Budgets are upstream's, in Qwen3 tokens, counted
// with an estimate (see tokens8b.go): code 12,000, whole context 27,000
// less the problem (HLE) or 24,000 (FRAMES), cut from the front. Nothing
// else is shown: not the experts' prose, not failed calls, not answer
// attempts. FRAMES withholds search once documents exist; otherwise every
// function with an alias is offered every turn (upstream's evaluation
// computes a withheld-function rule but never sends it). The turn limit
// is the caller's: ToolOrchestra evaluates with 50 rounds.
//
// Three functions are offered, each taking one required "model" argument
// that picks an expert by alias from a table of price per million input
// and output tokens and average latency: search (search-N),
// enhance_reasoning (reasoner-N; only when the run can execute code) and
// answer (answer-N, answer-math-N).
//
// Aliases map to the run's tools. Configured ones ([Orchestrator8B.Aliases],
// e.g. {"answer-1": "gpt-5", "search-1": "retrieve"}) are used for the
// tools the run has; without them, tools tagged llm become answer-N and
// reasoner-N, tools tagged code further reasoner-N, and tools tagged search
// search-N, each numbered from the most expensive (price of a typical call).
//
// Each expert gets upstream's prompt, context caps and reply cap
// (max_length, sent as max_tokens where the tool takes it) for its family,
// read from its tool name as upstream reads the model name (gpt-5 and
// unknown models, qwen2.5-coder, qwen2.5-math, qwen3, llama). One Decide
// returns one Baton call, so a function may take two turns; the second is
// decided without asking the model, from the previous step:
//
//   - search, alias on a model: ask it for a query (<query>…</query>; the
//     problem itself if the call failed), then send the first 390
//     characters to the run's first search tool with upstream's passage
//     count (50 HLE, 150 FRAMES, clamped to the tool's maximum); a query
//     shorter than 5 (HLE) or 10 (FRAMES) characters is not searched.
//     Alias on a search tool: search the problem.
//   - enhance_reasoning, alias on a model: ask it for self-contained
//     Python (```python) and run it next turn with the run's code tool;
//     the code and its stdout are recorded when the stdout is not blank.
//     Alias on a code tool: run the "code" argument if the model gave one;
//     otherwise the run's cheapest model writes the code.
//   - answer: call the aliased model with the context and problem and its
//     family's instructions (a \boxed{} system prompt for Qwen models,
//     <answer> tags otherwise); next turn, return the extracted answer as
//     final. A failed call or an empty answer sends the choice back to
//     the model (upstream would end the episode unanswered).
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
	// Context names the evaluation script whose rules the context follows:
	// ContextHLE (the default) or ContextFRAMES.
	Context string
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
	req := o.request8B(s, aliases)
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
	return o.Model.maxCost(o.request8B(s, aliases))
}

// request8B is the prompt of a turn, rebuilt from the state.
func (o *Orchestrator8B) request8B(s *policy.State, aliases []alias) chat.Request {
	st := styleOf(o.Context)
	g := gather(s)
	exclude := map[string]bool{}
	if st.dropSearch && len(g.docs) > 0 {
		exclude[fnSearch] = true
	}
	if _, ok := codeRunner(s.Tools, aliases); !ok {
		exclude[fnReason] = true
	}
	return chat.Request{
		Messages: []chat.Message{
			{Role: chat.RoleSystem, Content: system8B},
			{Role: chat.RoleUser, Content: st.userPrompt(s.Task.Prompt, g)},
		},
		Tools: tools8B(aliases, exclude),
	}
}

// codeRunner returns the tool that runs enhance_reasoning's code: the
// run's first code tool, or a code tool an alias maps to.
func codeRunner(specs []tool.Spec, aliases []alias) (tool.Spec, bool) {
	if s, ok := firstTagged(specs, tool.TagCode); ok {
		return s, true
	}
	for _, a := range aliases {
		if isCodeTool(a.Spec) {
			return a.Spec, true
		}
	}
	return tool.Spec{}, false
}

// followUp returns the second Baton call of a two-turn function, when the
// previous step asks for one.
func (o *Orchestrator8B) followUp(s *policy.State, aliases []alias) (episode.Action, bool) {
	if len(s.Steps) == 0 {
		return episode.Action{}, false
	}
	st := styleOf(o.Context)
	last := s.Steps[len(s.Steps)-1]
	mk, ok := parseMarker(last.Action.Thought)
	if !ok {
		return episode.Action{}, false
	}
	failed := last.Failed() || last.Result == nil
	out := ""
	if !failed {
		out = last.Result.Content
	}
	switch mk.stage {
	case stageAnswer:
		if failed {
			return episode.Action{}, false
		}
		spec, _ := s.Tool(last.Action.Tool)
		ans := answerOf(familyOf(spec), out)
		if ans == "" {
			return episode.Action{}, false
		}
		return episode.Action{Final: true, Answer: ans, Thought: "final answer by " + mk.alias}, true
	case stageQuery:
		search, ok := firstTagged(s.Tools, tool.TagSearch)
		if !ok {
			return episode.Action{}, false
		}
		q := s.Task.Prompt
		if !failed && strings.TrimSpace(out) != "" {
			q = queryOf(out)
		}
		if utf8.RuneCountInString(q) < st.minQuery {
			return episode.Action{}, false
		}
		return episode.Action{
			Tool: search.Name, Args: searchArgs(search, headRunes(q, queryChars), st.topK),
			Thought: marker{fn: fnSearch, alias: mk.alias, stage: stageFound}.String(),
		}, true
	case stageCode:
		if failed {
			return episode.Action{}, false
		}
		runner, ok := firstTagged(s.Tools, tool.TagCode)
		for _, a := range aliases {
			if a.Name == mk.alias && isCodeTool(a.Spec) {
				runner, ok = a.Spec, true
			}
		}
		code, found := codeOf(out)
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

// queryOf reads a written query as upstream does: the text after the last
// "<query>" up to "</query>", or the whole reply without the tag.
func queryOf(reply string) string {
	q := reply
	if i := strings.LastIndex(reply, "<query>"); i >= 0 {
		q = reply[i+len("<query>"):]
	}
	q, _, _ = strings.Cut(q, "</query>")
	return q
}

// codeOf reads written code as upstream does (the text after the last
// "```python" up to the next fence, unstripped); a reply without a
// python block has no code.
func codeOf(reply string) (string, bool) {
	i := strings.LastIndex(reply, "```python")
	if i < 0 {
		return "", false
	}
	code, _, _ := strings.Cut(reply[i+len("```python"):], "```")
	return code, strings.TrimSpace(code) != ""
}

// answerOf reads an answer expert's reply as upstream does for its
// family: Qwen models' last \boxed{…} (everything up to the last closing
// brace after it); for the others the last <answer>…</answer>, which
// upstream reads too, then (Baton's leniency where upstream would take
// the whole reply) the last \boxed{…}, then the reply without its
// <think> part.
func answerOf(f family, reply string) string {
	if f == famQwen3 || f == famMath {
		i := strings.LastIndex(reply, `\boxed{`)
		if i < 0 {
			return ""
		}
		rest := reply[i+len(`\boxed{`):]
		j := strings.LastIndex(rest, "}")
		if j < 0 {
			return ""
		}
		return strings.TrimSpace(rest[:j])
	}
	return extractAnswer(reply)
}

// searchArgs passes query to a search tool, with the passage count when
// its schema has a count argument (k, top_k, topk, max_results), clamped
// to the schema's maximum.
func searchArgs(spec tool.Spec, query string, k int) json.RawMessage {
	args := map[string]any{argKey(spec, queryKeys): query}
	var sh struct {
		Properties map[string]struct {
			Maximum *float64 `json:"maximum"`
		} `json:"properties"`
	}
	if json.Unmarshal(spec.Parameters, &sh) == nil {
		for _, name := range []string{"k", "top_k", "topk", "max_results"} {
			if p, ok := sh.Properties[name]; ok {
				n := k
				if p.Maximum != nil && float64(n) > *p.Maximum {
					n = int(*p.Maximum)
				}
				args[name] = n
				break
			}
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(args)
	return bytes.TrimSpace(b.Bytes())
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

// expertCall picks the tool and arguments of a function's first Baton
// call, and names its stage.
func (o *Orchestrator8B) expertCall(s *policy.State, a alias, code string) (string, json.RawMessage, string, error) {
	st := styleOf(o.Context)
	problem := s.Task.Prompt
	spec := a.Spec
	g := gather(s)
	fam := familyOf(spec)
	ask := func(fn, instr string) json.RawMessage {
		ctx := strings.TrimSpace(st.expertContext(fn, fam, problem, g))
		return withMaxTokens(spec, textArgs(spec, ctx+"\n\nQuestion: "+problem+"\n"+instr, promptKeys), replyTokens(fn, fam))
	}
	_, hasSearch := firstTagged(s.Tools, tool.TagSearch)
	switch {
	case a.Func == fnSearch && !spec.HasTag(tool.TagLLM):
		return spec.Name, searchArgs(spec, headRunes(problem, queryChars), st.topK), stageSearch, nil
	case a.Func == fnSearch && hasSearch:
		return spec.Name, ask(fnSearch, st.askQuery), stageQuery, nil
	case a.Func == fnSearch:
		return "", nil, "", fmt.Errorf("%w: %s writes a search query, but this run has no search tool to send it to", policy.ErrInvalidAction, a.Name)
	case a.Func == fnReason && isCodeTool(spec) && strings.TrimSpace(code) != "":
		return spec.Name, textArgs(spec, code, codeKeys), stageReason, nil
	case a.Func == fnReason && isCodeTool(spec):
		writer, ok := cheapestModel(s.Tools)
		if !ok {
			return "", nil, "", fmt.Errorf(`%w: %s runs code with %s and no model can write it; pass the Python in a "code" argument`, policy.ErrInvalidAction, a.Name, spec.Name)
		}
		wctx := strings.TrimSpace(st.expertContext(fnReason, familyOf(writer), problem, g))
		return writer.Name, withMaxTokens(writer, textArgs(writer, wctx+"\n\nQuestion: "+problem+"\n"+askCode, promptKeys), replyTokens(fnReason, familyOf(writer))), stageCode, nil
	case a.Func == fnReason:
		if _, ok := codeRunner(s.Tools, nil); !ok {
			return "", nil, "", fmt.Errorf("%w: %s writes code, but this run has no code tool to run it", policy.ErrInvalidAction, a.Name)
		}
		return spec.Name, ask(fnReason, askCode), stageCode, nil
	default: // fnAnswer
		args := answerArgs(spec, fam, strings.TrimSpace(st.expertContext(fnAnswer, fam, problem, g))+st.problemAt+problem)
		return spec.Name, withMaxTokens(spec, args, replyTokens(fnAnswer, fam)), stageAnswer, nil
	}
}

// answerArgs adds the family's answer instructions to prompt, as upstream
// does: Qwen models get a \boxed{} system prompt (when the tool takes a
// "system" argument; otherwise it opens the prompt), llama and the rest
// <answer> tags.
func answerArgs(spec tool.Spec, fam family, prompt string) json.RawMessage {
	switch fam {
	case famQwen3, famMath:
		if hasProperty(spec, "system") {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(map[string]string{argKey(spec, promptKeys): prompt, "system": boxedSystem})
			return bytes.TrimSpace(b.Bytes())
		}
		return textArgs(spec, boxedSystem+"\n\n"+prompt, promptKeys)
	case famLlama:
		return textArgs(spec, prompt+answerLlamaEnd, promptKeys)
	}
	return textArgs(spec, prompt+answerGPTTail, promptKeys)
}

// replyTokens is the reply cap upstream gives an expert of family f for
// fn (its max_length): 40,000 for gpt-5 and for llama answers, 2,000 for
// qwen2.5-math, 8,000 for the rest.
func replyTokens(fn string, f family) int {
	switch {
	case f == famGPT, f == famLlama && fn == fnAnswer:
		return 40000
	case f == famMath:
		return 2000
	}
	return 8000
}

// withMaxTokens adds a reply cap to args when the tool takes one, within
// the schema's bounds (a model tool's maximum is its configured cap).
func withMaxTokens(spec tool.Spec, args json.RawMessage, n int) json.RawMessage {
	var sh struct {
		Properties map[string]struct {
			Maximum *float64 `json:"maximum"`
		} `json:"properties"`
	}
	if json.Unmarshal(spec.Parameters, &sh) != nil {
		return args
	}
	p, ok := sh.Properties["max_tokens"]
	if !ok {
		return args
	}
	if p.Maximum != nil && float64(n) > *p.Maximum {
		n = int(*p.Maximum)
	}
	var m map[string]any
	if json.Unmarshal(args, &m) != nil {
		return args
	}
	m["max_tokens"] = n
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m)
	return bytes.TrimSpace(b.Bytes())
}

func hasProperty(spec tool.Spec, name string) bool {
	var sh schemaShape
	if json.Unmarshal(spec.Parameters, &sh) != nil {
		return false
	}
	_, ok := sh.Properties[name]
	return ok
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
