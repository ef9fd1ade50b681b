package llm

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
)

// DefaultInstructions is the opening of the native system prompt; the
// "system" option replaces it. The tool catalogue, budget and preferences
// are always appended after it, since the model cannot weigh cost without
// them.
const DefaultInstructions = `You are an orchestrator. Solve the user's task by calling the tools below, one call per turn, and read what each call returns before deciding the next. Call the cheapest tool that is likely to be right: use free and local tools first, and a costly model only when the task needs it. Be correct first, then cheap and fast, in the balance the user's preferences ask for, and stay within the budget.

When you know the answer, call the "answer" function with it (or reply with the answer as plain text). The answer is final: it ends the task.`

// answerSchema is the synthetic answer function's parameters.
var answerSchema = json.RawMessage(`{"type":"object","properties":{"answer":{"type":"string","description":"The final answer to the user's task, complete and self-contained."}},"required":["answer"],"additionalProperties":false}`)

// nativeRequest builds the messages and function definitions for one turn.
func nativeRequest(s *policy.State, instructions string, names *nameMap) chat.Request {
	msgs := []chat.Message{
		{Role: chat.RoleSystem, Content: nativeSystem(s, instructions, names)},
		{Role: chat.RoleUser, Content: taskPrompt(s)},
	}
	msgs = append(msgs, nativeHistory(s.Steps, names)...)
	return chat.Request{Messages: msgs, Tools: nativeTools(s, names)}
}

func taskPrompt(s *policy.State) string {
	if s.Task == nil {
		return ""
	}
	return s.Task.Prompt
}

// nativeSystem writes the system prompt: instructions, tools with prices
// and latencies, budget, preferences.
func nativeSystem(s *policy.State, instructions string, names *nameMap) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(instructions))
	b.WriteString("\n\n## Tools\n\nfunction | price | typical latency\n--- | --- | ---\n")
	for _, t := range s.Tools {
		fmt.Fprintf(&b, "%s | %s | %s\n", names.funcName(t.Name), priceText(t.Price), latencyText(t.Latency))
	}
	fmt.Fprintf(&b, "%s | free | instant\n", answerFunc)
	b.WriteString("\n## Budget\n\n")
	b.WriteString(budgetText(s))
	b.WriteString("\n\n## Preferences\n\n")
	var p episode.Preferences
	if s.Task != nil {
		p = s.Task.Preferences
	}
	b.WriteString(preferenceText(p, names.funcName))
	b.WriteString("\n")
	return b.String()
}

// nativeTools offers the run's tools plus the answer function.
func nativeTools(s *policy.State, names *nameMap) []chat.ToolDef {
	defs := make([]chat.ToolDef, 0, len(s.Tools)+1)
	for _, t := range s.Tools {
		params := t.Parameters
		if len(params) == 0 {
			params = json.RawMessage(`{"type":"object"}`)
		}
		desc := t.Description
		if names.funcName(t.Name) != t.Name {
			desc = fmt.Sprintf("[Baton tool %s] %s", t.Name, desc)
		}
		defs = append(defs, chat.ToolDef{Name: names.funcName(t.Name), Description: desc, Parameters: params})
	}
	defs = append(defs, chat.ToolDef{
		Name:        answerFunc,
		Description: "Give the final answer to the user's task. This ends the task; call it once you are confident.",
		Parameters:  answerSchema,
	})
	return defs
}

// callID names the call of a turn; the same turn always gets the same ID,
// so the rebuilt history is identical from turn to turn.
func callID(turn int) string { return "call_" + strconv.Itoa(turn) }

// nativeHistory replays the steps as the conversation the model would have
// had: each call as an assistant tool call answered by a tool message, a
// failure as the tool message's error text, and a turn that failed before
// any call (an unreadable reply) as the model's words followed by a user
// note saying what was wrong.
func nativeHistory(steps []episode.Step, names *nameMap) []chat.Message {
	var msgs []chat.Message
	for i, st := range steps {
		turn := st.Turn
		if turn == 0 {
			turn = i + 1
		}
		a := st.Action
		if a.Final {
			continue
		}
		if a.Tool == "" {
			if strings.TrimSpace(a.Thought) != "" {
				msgs = append(msgs, chat.Message{Role: chat.RoleAssistant, Content: a.Thought})
			}
			msg := "Your previous reply could not be used"
			if st.Error != "" {
				msg += ": " + st.Error
			}
			msgs = append(msgs, chat.Message{Role: chat.RoleUser, Content: msg + ". Call one of the functions, or call answer."})
			continue
		}
		args := strings.TrimSpace(string(a.Args))
		if args == "" {
			args = "{}"
		}
		fn := names.funcName(a.Tool)
		id := callID(turn)
		msgs = append(msgs,
			chat.Message{Role: chat.RoleAssistant, Content: a.Thought, ToolCalls: []chat.ToolCall{{ID: id, Name: fn, Arguments: args}}},
			chat.Message{Role: chat.RoleTool, ToolCallID: id, Name: fn, Content: resultText(st)},
		)
	}
	return msgs
}

// resultText is what a tool message says about a step.
func resultText(st episode.Step) string {
	switch {
	case st.Error != "":
		return "Error: " + st.Error
	case st.Result == nil:
		return "Error: the call returned nothing"
	case st.Result.IsError:
		return "Error: " + st.Result.Content
	default:
		return st.Result.Content
	}
}
