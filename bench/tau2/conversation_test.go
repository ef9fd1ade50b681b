package tau2

import (
	"context"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/money"
	toolllm "github.com/batonhq/baton/tool/llm"
)

// cancel42 is the agent of airline task 42 done right over two turns: it
// looks up a reservation and asks; once the customer agrees it cancels the
// two reservations the gold actions cancel.
func cancel42(r chattest.Request) chattest.Reply {
	q := parse(r)
	tools := q.count("tool")
	switch q.agentTurn() {
	case 1:
		if tools == 0 {
			return call("get_reservation_details", `{"reservation_id":"FDZ0T5"}`)
		}
		return answer("Reservations FDZ0T5 and HSR97W overlap with your trips. Shall I cancel both?")
	default:
		switch tools {
		case 0:
			return call("cancel_reservation", `{"reservation_id":"FDZ0T5"}`)
		case 1:
			return call("cancel_reservation", `{"reservation_id":"HSR97W"}`)
		}
		return answer("Both reservations are cancelled; the refunds go to the original payment methods.")
	}
}

// idle42 is an agent that never acts.
func idle42(chattest.Request) chattest.Reply {
	return answer("I am sorry, I cannot help with that.")
}

// customer42 states the request, agrees, then stops.
func customer42(r chattest.Request) chattest.Reply {
	switch parse(r).count("assistant") {
	case 0:
		return say("Hi, I am Sophia Martin (sophia_martin_4574). I booked several flights for the same days by mistake; please fix it.")
	case 1:
		return say("Yes, please cancel them.")
	}
	return say("Thank you! ###STOP###")
}

func TestConversationAirlineCancel(t *testing.T) {
	d := openAirline(t)
	tests := []struct {
		name       string
		agent      func(chattest.Request) chattest.Reply
		wantReward float64
		agentCalls int // scripted agent replies
		userCalls  int
		tools      map[string]int
	}{
		{"cancels the right reservations", cancel42, 1, 5, 3, map[string]int{"get_reservation_details": 1, "cancel_reservation": 2}},
		{"does nothing", idle42, 0, 2, 3, map[string]int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			agent := chattest.NewFunc(tc.agent)
			defer agent.Close()
			user := chattest.NewFunc(customer42)
			defer user.Close()
			r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL())}
			c, err := r.Run(context.Background(), task(t, d, "42"), 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.Termination != TermUserStop || c.StopToken != TokenStop {
				t.Fatalf("termination %s %q (%s)", c.Termination, c.StopToken, c.Error)
			}
			if c.Reward != tc.wantReward || c.Success != (tc.wantReward == 1) || c.DBMatch != (tc.wantReward == 1) {
				t.Fatalf("reward %v success %v db %v, want %v", c.Reward, c.Success, c.DBMatch, tc.wantReward)
			}
			if len(c.GoldErrors) != 0 {
				t.Fatalf("gold errors: %v", c.GoldErrors)
			}
			if got := len(agent.Requests()); got != tc.agentCalls {
				t.Fatalf("agent model called %d times, want %d", got, tc.agentCalls)
			}
			if got := len(user.Requests()); got != tc.userCalls {
				t.Fatalf("user model called %d times, want %d", got, tc.userCalls)
			}
			wantAgent := cost(agentPrice, agentUsage).Scale(int64(tc.agentCalls))
			wantUser := cost(userPrice, userUsage).Scale(int64(tc.userCalls))
			if c.AgentCost != wantAgent || c.UserCost != wantUser || c.ExpertCost != 0 {
				t.Fatalf("costs agent %s user %s expert %s; want %s %s 0", c.AgentCost, c.UserCost, c.ExpertCost, wantAgent, wantUser)
			}
			if c.AgentTurns != 2 {
				t.Fatalf("agent turns %d, want 2", c.AgentTurns)
			}
			if len(c.ToolCalls) != len(tc.tools) {
				t.Fatalf("tool calls %v, want %v", c.ToolCalls, tc.tools)
			}
			for k, n := range tc.tools {
				if c.ToolCalls[k] != n {
					t.Fatalf("tool calls %v, want %v", c.ToolCalls, tc.tools)
				}
			}
			wantRoles := []string{RoleAgent, RoleUser}
			for i, role := range wantRoles {
				if c.Messages[i].Role != role {
					t.Fatalf("message %d role %s, want %s", i, c.Messages[i].Role, role)
				}
			}
			if c.Messages[0].Content != Greeting {
				t.Fatalf("first message %q", c.Messages[0].Content)
			}
			if last := c.Messages[len(c.Messages)-1]; last.Role != RoleUser || !strings.Contains(last.Content, TokenStop) {
				t.Fatalf("last message %+v", last)
			}
		})
	}
}

// TestConversationSharesOneDatabase checks that a write of one agent turn
// is visible to the next: the second turn looks the cancelled reservation
// up again and must see it cancelled.
func TestConversationSharesOneDatabase(t *testing.T) {
	d := openAirline(t)
	agent := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		q := parse(r)
		tools := q.count("tool")
		if q.agentTurn() == 1 {
			if tools == 0 {
				return call("cancel_reservation", `{"reservation_id":"FDZ0T5"}`)
			}
			return answer("Done. Anything else?")
		}
		if tools == 0 {
			// The earlier turn's call and result are in the prompt.
			if !strings.Contains(q.content(1), `agent called cancel_reservation {"reservation_id":"FDZ0T5"}`) {
				return answer("MISSING HISTORY")
			}
			return call("get_reservation_details", `{"reservation_id":"FDZ0T5"}`)
		}
		return answer("Lookup: " + q.content(-1))
	})
	defer agent.Close()
	user := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		switch parse(r).count("assistant") {
		case 0:
			return say("Cancel FDZ0T5 please.")
		case 1:
			return say("Is it really cancelled?")
		}
		return say("###STOP###")
	})
	defer user.Close()
	r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL())}
	c, err := r.Run(context.Background(), task(t, d, "42"), 0)
	if err != nil {
		t.Fatal(err)
	}
	var final string
	for _, m := range c.Messages {
		if m.Role == RoleAgent {
			final = m.Content
		}
	}
	if !strings.HasPrefix(final, "Lookup: ") || !strings.Contains(final, `"status": "cancelled"`) {
		t.Fatalf("second turn did not see the first turn's write: %q", final)
	}
	// Only one of the two gold cancellations: the database differs.
	if c.Reward != 0 || c.DBMatch {
		t.Fatalf("reward %v db %v", c.Reward, c.DBMatch)
	}
}

func TestConversationCommunicate(t *testing.T) {
	d := openAirline(t)
	tests := []struct {
		name       string
		say        string
		wantReward float64
		missing    []string
	}{
		{"says the number", "As a Silver member in economy you can bring 4 suitcases in total.", 1, nil},
		{"says it in words", "You can bring four suitcases.", 0, []string{"4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			agent := chattest.NewFunc(func(chattest.Request) chattest.Reply { return answer(tc.say) })
			defer agent.Close()
			user := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
				if parse(r).count("assistant") == 0 {
					return say("How many suitcases can I take on JMO1MG?")
				}
				return say("Thanks. ###STOP###")
			})
			defer user.Close()
			r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL())}
			c, err := r.Run(context.Background(), task(t, d, "3"), 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.Reward != tc.wantReward || strings.Join(c.Missing, ",") != strings.Join(tc.missing, ",") {
				t.Fatalf("reward %v missing %q; want %v %q", c.Reward, c.Missing, tc.wantReward, tc.missing)
			}
			if c.Breakdown["COMMUNICATE"] != tc.wantReward || c.Breakdown["DB"] != 1 {
				t.Fatalf("breakdown %v", c.Breakdown)
			}
		})
	}
}

func TestConversationAbnormalEndings(t *testing.T) {
	d := openAirline(t)
	chatter := func(r chattest.Request) chattest.Reply { return say("Hmm, tell me more.") }
	ok := func(chattest.Request) chattest.Reply { return answer("Sure.") }
	tests := []struct {
		name     string
		agent    func(chattest.Request) chattest.Reply
		user     func(chattest.Request) chattest.Reply
		maxSteps int
		steps    int
		want     string
		wantErr  string
		turns    int
	}{
		// greeting, user, agent, user, agent: 5 steps.
		{"user never stops", ok, chatter, 5, 0, TermMaxSteps, "after 5 steps (cap 5)", 2},
		{"agent never answers", func(chattest.Request) chattest.Reply {
			return call("get_user_details", `{"user_id":"mia_li_3668"}`)
		}, chatter, 50, 3, TermAgentError, "max_turns", 1},
		// greeting, user, then each call two steps: the cap stops the
		// agent's turn mid-way.
		{"agent calls tools past the cap", func(chattest.Request) chattest.Reply {
			return call("get_user_details", `{"user_id":"mia_li_3668"}`)
		}, chatter, 7, 0, TermMaxSteps, "after 8 steps (cap 7), in agent turn 1", 1},
		// tau2's max_errors: ten failed tool calls end the conversation.
		{"agent's calls keep failing", func(chattest.Request) chattest.Reply {
			return call("get_user_details", `{"user_id":"nobody_0000"}`)
		}, chatter, 200, 0, TermTooManyErrors, "10 failed tool calls (cap 10), in agent turn 1", 1},
		{"agent provider fails", func(chattest.Request) chattest.Reply {
			return chattest.Reply{Status: 400, Raw: `{"error":{"message":"bad model","type":"invalid_request_error"}}`}
		}, chatter, 5, 0, TermAgentError, "bad model", 1},
		{"user provider fails", ok, func(chattest.Request) chattest.Reply {
			return chattest.Reply{Status: 400, Raw: `{"error":{"message":"no such user model","type":"invalid_request_error"}}`}
		}, 5, 0, TermUserError, "no such user model", 0},
		{"user says nothing", ok, func(chattest.Request) chattest.Reply { return say("") }, 5, 0, TermUserError, "empty reply", 0},
		{"agent stops", func(chattest.Request) chattest.Reply { return answer("Goodbye. ###STOP###") }, chatter, 5, 0, TermAgentStop, "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			agent := chattest.NewFunc(tc.agent)
			defer agent.Close()
			user := chattest.NewFunc(tc.user)
			defer user.Close()
			r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL()), MaxSteps: tc.maxSteps, StepsPerTurn: tc.steps}
			// Task 0 has no gold action: a normal ending would score 1.
			c, err := r.Run(context.Background(), task(t, d, "0"), 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.Termination != tc.want || !strings.Contains(c.Error, tc.wantErr) || c.AgentTurns != tc.turns {
				t.Fatalf("ended %s (%q) after %d turns; want %s (%q) after %d", c.Termination, c.Error, c.AgentTurns, tc.want, tc.wantErr, tc.turns)
			}
			wantReward := 0.0
			if Normal(tc.want) {
				wantReward = 1
			}
			if c.Reward != wantReward || !c.DBMatch {
				t.Fatalf("reward %v (db match %v), want %v", c.Reward, c.DBMatch, wantReward)
			}
		})
	}
}

// experts are two scripted experts at different prices behind one server;
// the server answers by the model name in the request.
func experts(baseURL string) []*Expert {
	c := toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: baseURL, MaxRetries: -1})
	return []*Expert{
		{Alias: "expert-1", Client: c, Model: "big-model", Price: expertPrice},
		{Alias: "expert-2", Client: c, Model: "small-model", Price: agentPrice},
	}
}

// TestConversationExpert runs airline task 42 with the agent handing a step
// to an expert, as ToolOrchestra does: the expert's tool calls become the
// agent's (then the agent continues), or its message becomes the agent's
// message to the customer.
func TestConversationExpert(t *testing.T) {
	d := openAirline(t)
	const told = "I have cancelled FDZ0T5 and HSR97W."
	tests := []struct {
		name   string
		agent  func(chattest.Request) chattest.Reply
		expert func(chattest.Request) chattest.Reply
		// wantAgentCalls is how many times the agent's model is asked.
		wantAgentCalls int
		wantExpert     money.Amount
		wantSteps      int
		wantTools      map[string]int
	}{
		{
			name: "expert calls the tools",
			agent: func(r chattest.Request) chattest.Reply {
				if q := parse(r); q.agentTurn() == 1 && q.count("tool") == 0 {
					return call(ExpertToolName, `{"expert":"expert-1"}`)
				}
				return answer(told)
			},
			expert: func(r chattest.Request) chattest.Reply {
				return chattest.Reply{ToolCalls: []chattest.ToolCall{
					{ID: "a", Name: "cancel_reservation", Arguments: `{"reservation_id":"FDZ0T5"}`},
					{ID: "b", Name: "cancel_reservation", Arguments: `{"reservation_id":"HSR97W"}`},
				}, Usage: expertUsage}
			},
			wantAgentCalls: 3, wantExpert: cost(expertPrice, expertUsage),
			// greeting, customer, the expert's calls (2), agent, customer,
			// agent, customer.
			wantSteps: 8,
			wantTools: map[string]int{ExpertToolName: 1, "cancel_reservation": 2},
		},
		{
			name: "expert answers, then the agent acts",
			agent: func(r chattest.Request) chattest.Reply {
				q := parse(r)
				if q.agentTurn() == 1 {
					return call(ExpertToolName, `{"expert":"expert-2"}`)
				}
				switch q.count("tool") {
				case 0:
					return call("cancel_reservation", `{"reservation_id":"FDZ0T5"}`)
				case 1:
					return call("cancel_reservation", `{"reservation_id":"HSR97W"}`)
				}
				return answer(told)
			},
			expert: func(r chattest.Request) chattest.Reply {
				return chattest.Reply{Content: "Shall I cancel FDZ0T5 and HSR97W?", Usage: expertUsage}
			},
			wantAgentCalls: 4, wantExpert: cost(agentPrice, expertUsage),
			// greeting, customer, expert's message, customer, 2 calls (4), agent, customer.
			wantSteps: 10,
			wantTools: map[string]int{ExpertToolName: 1, "cancel_reservation": 2},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expert := chattest.NewFunc(tc.expert)
			defer expert.Close()
			agent := chattest.NewFunc(tc.agent)
			defer agent.Close()
			user := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
				switch parse(r).count("assistant") {
				case 0:
					return say("I booked duplicate flights, I am sophia_martin_4574. Please fix it.")
				case 1:
					return say("Yes please.")
				}
				return say("###STOP###")
			})
			defer user.Close()
			r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL()), Experts: experts(expert.BaseURL())}
			c, err := r.Run(context.Background(), task(t, d, "42"), 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.Reward != 1 || c.Termination != TermUserStop {
				t.Fatalf("reward %v (%s %s): %+v", c.Reward, c.Termination, c.Error, c.Messages)
			}
			if c.ExpertCost != tc.wantExpert {
				t.Fatalf("expert cost %s, want %s", c.ExpertCost, tc.wantExpert)
			}
			if want := cost(agentPrice, agentUsage).Scale(int64(tc.wantAgentCalls)); c.AgentCost != want || len(agent.Requests()) != tc.wantAgentCalls {
				t.Fatalf("agent asked %d times costing %s, want %d and %s", len(agent.Requests()), c.AgentCost, tc.wantAgentCalls, want)
			}
			if c.TauSteps != tc.wantSteps {
				t.Errorf("tau2 steps %d, want %d", c.TauSteps, tc.wantSteps)
			}
			for k, v := range tc.wantTools {
				if c.ToolCalls[k] != v {
					t.Errorf("tool calls %v, want %v", c.ToolCalls, tc.wantTools)
				}
			}
			// The expert acts as tau2's agent: tau2's system prompt with the
			// policy, the conversation as chat, the domain's tools with
			// transfer_to_human_agents.
			reqs := expert.Requests()
			if len(reqs) != 1 {
				t.Fatalf("expert called %d times", len(reqs))
			}
			q := parse(reqs[0])
			if sys := q.content(0); !strings.HasPrefix(sys, "<instructions>\nYou are a customer service agent") || !strings.Contains(sys, "<policy>\n# Airline Agent Policy") {
				t.Fatalf("expert system prompt:\n%.300s", sys)
			}
			if q.messages[1]["role"] != "assistant" || q.content(1) != Greeting || q.messages[2]["role"] != "user" {
				t.Fatalf("expert history %v", q.messages)
			}
			if !strings.Contains(string(reqs[0].Raw), `"name":"transfer_to_human_agents"`) || strings.Contains(string(reqs[0].Raw), `"name":"call_expert"`) {
				t.Fatal("the expert must get the domain tools with transfer_to_human_agents and without call_expert")
			}
			// The agent gets ToolOrchestra's call_expert, and no transfer.
			raw := string(agent.Requests()[0].Raw)
			if strings.Contains(raw, `"name":"transfer_to_human_agents"`) {
				t.Fatal("transfer_to_human_agents offered to the agent")
			}
			for _, want := range []string{
				`"description":"Call the expert such that the user request can be better solved compared to existing functions"`,
				`Choices: ['expert-1', 'expert-2']. The table below shows the pricing and latency of each model:\nModel | price per million input tokens | price per million output tokens | average latency\nexpert-1 | $1.25 | $10 | 10s\nexpert-2 | $2 | $8 | 10s"`,
				// The llm policy's price table shows the dearest expert's.
				`call_expert | $1.25/1M input tokens + $10/1M output tokens`,
			} {
				if !strings.Contains(raw, want) {
					t.Fatalf("agent's request lacks %s", want)
				}
			}
		})
	}
}

// TestConversationExpertFails: an unknown alias and a failing expert are
// error results the agent reads; the conversation goes on.
func TestConversationExpertFails(t *testing.T) {
	d := openAirline(t)
	expert := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return chattest.Reply{Status: 400, Raw: `{"error":{"message":"model overloaded","type":"invalid_request_error"}}`}
	})
	defer expert.Close()
	agent := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		switch parse(r).count("tool") {
		case 0:
			return call(ExpertToolName, `{"expert":"expert-9"}`)
		case 1:
			return call(ExpertToolName, `{"expert":"expert-1"}`)
		}
		return answer("Sorry, I cannot help.")
	})
	defer agent.Close()
	user := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		if parse(r).count("assistant") == 0 {
			return say("Hello")
		}
		return say("###STOP###")
	})
	defer user.Close()
	r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL()), Experts: experts(expert.BaseURL())}
	c, err := r.Run(context.Background(), task(t, d, "0"), 0)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, m := range c.Messages {
		if m.IsError {
			errs = append(errs, m.Content)
		}
	}
	if len(errs) != 2 || !strings.Contains(errs[0], `no expert "expert-9"; choose one of expert-1, expert-2`) || !strings.Contains(errs[1], "model overloaded") {
		t.Fatalf("error results %q", errs)
	}
	if c.ExpertCost != 0 || c.Termination != TermUserStop {
		t.Fatalf("expert cost %s, termination %s", c.ExpertCost, c.Termination)
	}
}

func TestUserRequest(t *testing.T) {
	d := openAirline(t)
	user := chattest.New(say("Hello"))
	defer user.Close()
	u := simUser(t, user.BaseURL())
	msgs := []Message{
		{Role: RoleAgent, Content: Greeting},
		{Role: RoleUser, Content: "first"},
		{Role: RoleTool, Tool: "get_user_details", Content: "secret"},
		{Role: RoleAgent, Content: "next?"},
	}
	ut, err := u.Reply(context.Background(), task(t, d, "3"), msgs)
	if err != nil || ut.Text != "Hello" || ut.Cost != cost(userPrice, userUsage) {
		t.Fatalf("%+v %v", ut, err)
	}
	q := parse(user.Requests()[0])
	roles := []string{"system", "user", "assistant", "user"}
	if len(q.messages) != len(roles) {
		t.Fatalf("messages %v", q.messages)
	}
	for i, r := range roles {
		if q.messages[i]["role"] != r {
			t.Fatalf("message %d role %v, want %s", i, q.messages[i]["role"], r)
		}
	}
	sys := q.content(0)
	if !strings.HasPrefix(sys, "# User Simulation Guidelines") || !strings.Contains(sys, "<scenario>\nInstructions:\n\tDomain: airline\n") || !strings.HasSuffix(sys, "</scenario>") {
		t.Fatalf("system prompt:\n%s", sys)
	}
	if temp, ok := user.Requests()[0].Body["temperature"].(float64); !ok || temp != 0 {
		t.Fatalf("temperature %v", user.Requests()[0].Body["temperature"])
	}
}
