package tau2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/env/domain"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// The tokens with which the simulated user ends a conversation, from tau2's
// simulation guidelines.
const (
	TokenStop       = "###STOP###"
	TokenTransfer   = "###TRANSFER###"
	TokenOutOfScope = "###OUT-OF-SCOPE###"
)

// StopToken returns the stop token text contains (tau2 checks containment,
// not the whole message), or "".
func StopToken(text string) string {
	for _, t := range []string{TokenStop, TokenTransfer, TokenOutOfScope} {
		if strings.Contains(text, t) {
			return t
		}
	}
	return ""
}

// GuidelinesFile is tau2's prompt for a user simulator without tools,
// relative to the tau2-bench data root.
const GuidelinesFile = "user_simulator/simulation_guidelines.md"

// LoadGuidelines reads tau2's user simulation guidelines from the data
// root (a directory laid out like shared/data/tau2-bench).
func LoadGuidelines(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, GuidelinesFile))
	if err != nil {
		return "", fmt.Errorf("tau2: user simulation guidelines: %w", err)
	}
	return string(b), nil
}

// ScenarioText renders a task's user_scenario as tau2 shows it to the user
// simulator: an optional "Persona:" block and an "Instructions:" block, the
// structured instructions as Domain, Reason for call, Known info, Unknown
// info and Task instructions, each body indented by a tab.
func ScenarioText(t *domain.Task) string {
	var lines []string
	if p := t.UserScenario.Persona; p != nil && *p != "" {
		lines = append(lines, "Persona:", indent(*p))
	}
	lines = append(lines, "Instructions:", indent(instructionsText(t.UserScenario.Instructions)))
	return strings.Join(lines, "\n")
}

func instructionsText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var in struct {
		Domain  string  `json:"domain"`
		Reason  string  `json:"reason_for_call"`
		Known   *string `json:"known_info"`
		Unknown *string `json:"unknown_info"`
		Task    string  `json:"task_instructions"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		// Neither form: show the raw JSON rather than nothing, so the
		// simulator still sees what the task says.
		return string(raw)
	}
	lines := []string{"Domain: " + in.Domain, "Reason for call:", indent(in.Reason)}
	if in.Known != nil && *in.Known != "" {
		lines = append(lines, "Known info:", indent(*in.Known))
	}
	if in.Unknown != nil && *in.Unknown != "" {
		lines = append(lines, "Unknown info:", indent(*in.Unknown))
	}
	lines = append(lines, "Task instructions:", indent(in.Task))
	return strings.Join(lines, "\n")
}

// indent prefixes every non-blank line with a tab, like Python's
// textwrap.indent.
func indent(s string) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		if strings.TrimSpace(l) != "" {
			ls[i] = "\t" + l
		}
	}
	return strings.Join(ls, "\n")
}

// UserSystemPrompt is the simulator's system prompt: the guidelines, then
// the scenario in <scenario> tags, as tau2 builds it.
func UserSystemPrompt(guidelines string, t *domain.Task) string {
	return strings.TrimSpace(guidelines) + "\n\n<scenario>\n" + ScenarioText(t) + "\n</scenario>"
}

// User is the LLM user simulator.
type User struct {
	// Client sends the requests.
	Client chat.Client
	// Model is the provider's model name.
	Model string
	// Price bills the simulator's tokens.
	Price money.Price
	// Guidelines is tau2's simulation guidelines text ([LoadGuidelines]).
	Guidelines string
	// Temperature is sent when non-nil (tau2 runs its simulator at 0).
	Temperature *float64
	// MaxTokens caps a reply; 0 leaves it to the client.
	MaxTokens int
}

// UserTurn is one simulator message and what it cost.
type UserTurn struct {
	Text    string        // the simulated customer's message
	Usage   tool.Usage    // tokens the provider reported, else estimated (Estimated set)
	Cost    money.Amount  // Usage priced at User.Price
	Latency time.Duration // wall time of the simulator call
}

var errNoUserClient = errors.New("tau2: User.Client is nil")

// Reply asks the simulator for the customer's next message. The simulator
// sees the conversation's messages with the roles flipped (the agent's as
// "user", its own as "assistant"); tool calls are the agent's business and
// are not shown.
func (u *User) Reply(ctx context.Context, t *domain.Task, msgs []Message) (UserTurn, error) {
	if u == nil || u.Client == nil {
		return UserTurn{}, errNoUserClient
	}
	req := chat.Request{
		Model:       u.Model,
		Messages:    []chat.Message{{Role: chat.RoleSystem, Content: UserSystemPrompt(u.Guidelines, t)}},
		Temperature: u.Temperature,
		MaxTokens:   u.MaxTokens,
	}
	for _, m := range msgs {
		switch m.Role {
		case RoleAgent:
			req.Messages = append(req.Messages, chat.Message{Role: chat.RoleUser, Content: m.Content})
		case RoleUser:
			req.Messages = append(req.Messages, chat.Message{Role: chat.RoleAssistant, Content: m.Content})
		}
	}
	start := time.Now()
	resp, err := u.Client.Complete(ctx, req)
	lat := time.Since(start)
	if err != nil {
		return UserTurn{}, fmt.Errorf("tau2: user simulator %s: %w", u.Model, err)
	}
	if resp == nil {
		return UserTurn{}, fmt.Errorf("tau2: user simulator %s: no response", u.Model)
	}
	text := strings.TrimSpace(resp.Message.Content)
	usage := usageOf(req, resp)
	turn := UserTurn{Text: text, Usage: usage, Cost: u.Price.Cost(money.Usage{InputTokens: usage.InputTokens, OutputTokens: usage.OutputTokens}), Latency: lat}
	if text == "" {
		return turn, fmt.Errorf("tau2: user simulator %s: empty reply", u.Model)
	}
	return turn, nil
}

// usageOf is the provider's usage, or an estimate from the text sent and
// received marked Estimated, so a call is never billed as free.
func usageOf(req chat.Request, resp *chat.Response) tool.Usage {
	if resp.UsageReported {
		return tool.Usage{InputTokens: resp.Usage.InputTokens, OutputTokens: resp.Usage.OutputTokens}
	}
	var in int64
	for _, m := range req.Messages {
		in += tool.EstimateTokens(m.Content)
	}
	return tool.Usage{InputTokens: in, OutputTokens: tool.EstimateTokens(resp.Message.Content), Estimated: true}
}
