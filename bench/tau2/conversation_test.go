package tau2

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/chat/openai"
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
		maxTurns int
		steps    int
		want     string
		wantErr  string
		turns    int
	}{
		{"user never stops", ok, chatter, 2, 0, TermMaxTurns, "after 2 agent turns", 2},
		{"agent never answers", func(chattest.Request) chattest.Reply {
			return call("get_user_details", `{"user_id":"mia_li_3668"}`)
		}, chatter, 5, 3, TermAgentError, "max_turns", 1},
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
			r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL()), MaxTurns: tc.maxTurns, StepsPerTurn: tc.steps}
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

func TestConversationExpert(t *testing.T) {
	d := openAirline(t)
	const advice = "Cancel FDZ0T5 and HSR97W; both are within policy."
	expert := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return chattest.Reply{Content: advice, Usage: expertUsage}
	})
	defer expert.Close()
	agent := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		q := parse(r)
		switch q.count("tool") {
		case 0:
			return call("get_reservation_details", `{"reservation_id":"FDZ0T5"}`)
		case 1:
			return call(ExpertToolName, `{"question":"Which ones should I cancel?"}`)
		case 2:
			if q.content(-1) != advice {
				return answer("WRONG ADVICE " + q.content(-1))
			}
			return call("cancel_reservation", `{"reservation_id":"FDZ0T5"}`)
		case 3:
			return call("cancel_reservation", `{"reservation_id":"HSR97W"}`)
		}
		return answer("Both are cancelled.")
	})
	defer agent.Close()
	user := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
		if parse(r).count("assistant") == 0 {
			return say("I booked duplicate flights, I am sophia_martin_4574. Please fix it.")
		}
		return say("###STOP###")
	})
	defer user.Close()
	r := &Runner{
		Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL()),
		Expert: &Expert{Client: openai.New(openai.Options{BaseURL: expert.BaseURL(), MaxRetries: -1}), Model: "expert-model", Price: expertPrice},
	}
	c, err := r.Run(context.Background(), task(t, d, "42"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Reward != 1 {
		t.Fatalf("reward %v: %+v", c.Reward, c)
	}
	if want := cost(expertPrice, expertUsage); c.ExpertCost != want {
		t.Fatalf("expert cost %s, want %s", c.ExpertCost, want)
	}
	if want := cost(agentPrice, agentUsage).Scale(5); c.AgentCost != want {
		t.Fatalf("agent cost %s, want %s", c.AgentCost, want)
	}
	reqs := expert.Requests()
	if len(reqs) != 1 {
		t.Fatalf("expert called %d times", len(reqs))
	}
	q := parse(reqs[0])
	// The expert sees the policy, the customer's words and this turn's
	// lookup, and the agent's question.
	for i, want := range []string{"# Domain policy", "customer: I booked duplicate flights", "agent called get_reservation_details", "Which ones should I cancel?"} {
		if !strings.Contains(q.content(0)+q.content(1), want) {
			t.Fatalf("expert request lacks %d %q:\n%s\n%s", i, want, q.content(0), q.content(1))
		}
	}
	if mt, _ := reqs[0].Body["max_tokens"].(float64); int(mt) != DefaultExpertMaxTokens {
		t.Fatalf("expert max_tokens %v", reqs[0].Body["max_tokens"])
	}
	// The expert is offered to the agent with its price in the catalogue.
	a := parse(agent.Requests()[0])
	if !strings.Contains(a.content(0), ExpertToolName+" | $1.25/1M input tokens + $10/1M output tokens") {
		t.Fatalf("agent system prompt does not price the expert:\n%s", a.content(0))
	}
	var offered bool
	tools, _ := agent.Requests()[0].Body["tools"].([]any)
	for _, tl := range tools {
		b, _ := json.Marshal(tl)
		offered = offered || strings.Contains(string(b), `"name":"`+ExpertToolName+`"`)
	}
	if !offered {
		t.Fatal("call_expert not offered as a function")
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
