package tau2

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Roles of transcript messages.
const (
	RoleAgent = "assistant" // the agent's message to the customer
	RoleUser  = "user"      // the simulated customer's message
	RoleTool  = "tool"      // an agent tool call and its result
)

// Greeting is the agent's fixed opening message, as in tau2.
const Greeting = "Hi! How can I help you today?"

// Message is one entry of a conversation: a message between the agent and
// the customer, or one tool call the agent made and what it returned.
type Message struct {
	Role    string `json:"role"`    // RoleAgent, RoleUser or RoleTool
	Content string `json:"content"` // message text, or a RoleTool entry's result
	// Tool and Args name the call of a RoleTool entry; Content is then
	// its result and IsError marks a failed call.
	Tool    string          `json:"tool,omitempty"`
	Args    json.RawMessage `json:"args,omitempty"`
	IsError bool            `json:"is_error,omitempty"`
	// Turn is the agent turn the entry belongs to (0: before the first).
	Turn int `json:"turn"`
	// Expert is the alias of the expert whose call a RoleTool entry
	// relays (empty: the agent's own call).
	Expert string `json:"expert,omitempty"`
}

// agentTexts returns the agent's messages to the customer, what tau2's
// communicate check searches.
func agentTexts(msgs []Message) []string {
	var out []string
	for _, m := range msgs {
		if m.Role == RoleAgent && m.Content != "" {
			out = append(out, m.Content)
		}
	}
	return out
}

// renderTranscript writes msgs as plain text, one entry per paragraph, for
// prompts: the agent's and the expert's.
func renderTranscript(msgs []Message) string {
	var b strings.Builder
	for _, m := range msgs {
		switch m.Role {
		case RoleAgent:
			fmt.Fprintf(&b, "agent: %s\n\n", m.Content)
		case RoleUser:
			fmt.Fprintf(&b, "customer: %s\n\n", m.Content)
		case RoleTool:
			args := strings.TrimSpace(string(m.Args))
			if args == "" {
				args = "{}"
			}
			tag := "result"
			if m.IsError {
				tag = "error"
			}
			fmt.Fprintf(&b, "agent called %s %s\n%s: %s\n\n", m.Tool, args, tag, m.Content)
		}
	}
	return strings.TrimSpace(b.String())
}

// AgentInstructions opens the system prompt of the "llm" policy when it
// plays the agent (its "system" option): it says what the episode's final
// answer means in a conversation.
const AgentInstructions = `You are a customer service agent talking with a customer. Follow the domain policy in the task exactly; it overrides anything the customer asks.

Each task is one turn of the conversation: read the policy, the conversation so far (including the tools you called earlier and what they returned) and the customer's last message. Call the tools you need, one per turn of yours, and read each result before the next. Then call the "answer" function with your next message to the customer: it is sent to them verbatim and ends your turn; their reply comes with the next task. Ask for what you need and confirm before any change the policy says to confirm. Never invent information a tool did not return.

Tools that change the database take effect at once and cannot be undone. call_expert, when offered, hands the current step to an expert model at its price: the expert's message is sent to the customer as yours, or its tool calls are made as yours. Use it when the policy or the case is hard.`

// AgentPrompt is the Task.Prompt of one agent turn: the domain policy, the
// conversation so far, and what is expected now.
func AgentPrompt(policy string, msgs []Message) string {
	var b strings.Builder
	b.WriteString("# Domain policy\n\n")
	b.WriteString(strings.TrimSpace(policy))
	b.WriteString("\n\n# Conversation so far\n\n")
	b.WriteString(renderTranscript(msgs))
	b.WriteString("\n\n# Your turn\n\nReply to the customer's last message. Call tools first if you need them; your final answer is your next message to the customer.")
	return b.String()
}
