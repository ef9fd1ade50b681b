package toolscale

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/env/domain"
)

// llmSystem tells the model what a task is. The reply format is fixed so
// [ParseLLMTasks] can check it strictly.
const llmSystem = `You write evaluation tasks for a customer-service agent that works through tools over a database.
Each task is a user scenario plus the exact tool calls (golden actions) a correct agent makes.
Rules: use only the listed tools and argument names; use ids and values that exist in the sample records;
2 to 6 actions; at least one action must change the database; follow the policy; communicate_info lists
values the agent must tell the user, copied exactly from what a read tool returns.
Reply with JSON only, no prose: {"tasks": [{"reason_for_call": "...", "known_info": "...",
"task_instructions": "...", "actions": [{"name": "tool_name", "arguments": {...}}],
"communicate_info": ["..."], "nl_assertions": ["..."]}]}`

// LLMTasks asks client for n task scenarios over spec, showing it the
// tools, the policy and a few records of db. It returns the tasks that
// parse and type-check, and one error per task that did not; err is a
// failed request or an unreadable reply.
func LLMTasks(ctx context.Context, client chat.Client, model string, spec *Spec, db *DB, policy string, n int) ([]*Task, []error, error) {
	req := chat.Request{
		Model: model,
		Messages: []chat.Message{
			{Role: chat.RoleSystem, Content: llmSystem},
			{Role: chat.RoleUser, Content: llmPrompt(spec, db, policy, n)},
		},
	}
	resp, err := client.Complete(ctx, req)
	if err != nil {
		return nil, nil, fmt.Errorf("toolscale: ask %s for %s tasks: %w", model, spec.Domain, err)
	}
	tasks, bad, err := ParseLLMTasks(resp.Message.Content, spec)
	if err != nil {
		return nil, nil, fmt.Errorf("toolscale: %s tasks from %s: %w", spec.Domain, model, err)
	}
	return tasks, bad, nil
}

func llmPrompt(spec *Spec, db *DB, policy string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Domain: %s. Write %d tasks.\n\n## Policy\n\n%s\n\n## Tools\n\n", spec.Domain, n, policy)
	for _, t := range spec.Tools {
		fmt.Fprintf(&b, "- %s(%s): %s\n", t.Name, paramList(t.Params), t.Description)
	}
	b.WriteString("\n## Sample records\n")
	for _, c := range spec.Collections {
		fmt.Fprintf(&b, "\n### %s\n", c.Name)
		keys := db.Keys(c.Name)
		for _, k := range keys[:min(4, len(keys))] {
			r, _ := db.Get(c.Name, k)
			fmt.Fprintf(&b, "%s\n", domain.PyJSON(db.ordered(c.Name, r)))
		}
	}
	return b.String()
}

func paramList(ps []Param) string {
	var out []string
	for _, p := range ps {
		s := p.Name + ": " + p.Type
		if len(p.Enum) > 0 {
			s += " (" + strings.Join(p.Enum, "|") + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

type llmTask struct {
	ReasonForCall    string   `json:"reason_for_call"`
	KnownInfo        string   `json:"known_info"`
	TaskInstructions string   `json:"task_instructions"`
	Actions          []llmAct `json:"actions"`
	CommunicateInfo  []string `json:"communicate_info"`
	NLAssertions     []string `json:"nl_assertions"`
}

type llmAct struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

// ParseLLMTasks reads a model's reply: a JSON object {"tasks": [...]} or a
// bare array, optionally inside a ``` fence. Each task must name only
// spec's tools with well-typed arguments; tasks that do not are returned
// as errors (naming the task index and what is wrong) and left out. The
// error is for a reply with no JSON at all.
func ParseLLMTasks(reply string, spec *Spec) ([]*Task, []error, error) {
	raw, err := extractJSON(reply)
	if err != nil {
		return nil, nil, err
	}
	var items []json.RawMessage
	var obj struct {
		Tasks []json.RawMessage `json:"tasks"`
	}
	if raw[0] == '[' {
		err = json.Unmarshal(raw, &items)
	} else if err = json.Unmarshal(raw, &obj); err == nil {
		items = obj.Tasks
		if items == nil {
			err = fmt.Errorf(`no "tasks" array`)
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reply is not a task list: %w", err)
	}
	eng := NewEngine(spec)
	var tasks []*Task
	var bad []error
	for i, it := range items {
		t, err := llmToTask(it, spec, eng)
		if err != nil {
			bad = append(bad, fmt.Errorf("tasks[%d]: %w", i, err))
			continue
		}
		tasks = append(tasks, t)
	}
	return tasks, bad, nil
}

func llmToTask(raw json.RawMessage, spec *Spec, eng *Engine) (*Task, error) {
	var lt llmTask
	if err := json.Unmarshal(raw, &lt); err != nil {
		return nil, err
	}
	if strings.TrimSpace(lt.ReasonForCall) == "" && strings.TrimSpace(lt.TaskInstructions) == "" {
		return nil, fmt.Errorf("no reason_for_call or task_instructions")
	}
	if len(lt.Actions) == 0 {
		return nil, fmt.Errorf("no actions")
	}
	t := &Task{Description: Description{Purpose: "Model-written " + spec.Domain + " task."}}
	for j, a := range lt.Actions {
		ts, ok := eng.Tool(a.Name)
		if !ok {
			return nil, fmt.Errorf("actions[%d]: unknown tool %q", j, a.Name)
		}
		in, err := decodeArgs(ts, a.Arguments)
		if err != nil {
			return nil, fmt.Errorf("actions[%d]: %w", j, err)
		}
		canon, _ := json.Marshal(in)
		t.EvaluationCriteria.Actions = append(t.EvaluationCriteria.Actions, Action{Name: a.Name, Arguments: canon})
	}
	unknown := "Anything not stated above."
	t.UserScenario.Instructions = Instructions{Domain: spec.Domain, ReasonForCall: lt.ReasonForCall,
		KnownInfo: lt.KnownInfo, TaskInstructions: lt.TaskInstructions, UnknownInfo: &unknown}
	t.EvaluationCriteria.CommunicateInfo = nonEmpty(lt.CommunicateInfo)
	t.EvaluationCriteria.NLAssertions = nonEmpty(lt.NLAssertions)
	return t, nil
}

func nonEmpty(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if s := strings.TrimSpace(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// extractJSON returns the JSON value in a reply: inside a ``` fence when
// there is one, else from the first '{' or '[' to the matching last '}'
// or ']'.
func extractJSON(s string) ([]byte, error) {
	if i := strings.Index(s, "```"); i >= 0 {
		rest := s[i+3:]
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			rest = rest[nl+1:]
		}
		if j := strings.Index(rest, "```"); j >= 0 {
			s = rest[:j]
		}
	}
	start := strings.IndexAny(s, "{[")
	if start < 0 {
		return nil, fmt.Errorf("reply has no JSON; want {\"tasks\": [...]}")
	}
	closer := byte('}')
	if s[start] == '[' {
		closer = ']'
	}
	end := strings.LastIndexByte(s, closer)
	if end < start {
		return nil, fmt.Errorf("reply has unterminated JSON")
	}
	return []byte(s[start : end+1]), nil
}
