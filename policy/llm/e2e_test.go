package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	_ "github.com/batonhq/baton/policy/llm"
	"github.com/batonhq/baton/tool"
)

// transcript drives a registered policy through several turns against a
// scripted OpenAI-compatible server, checking each action and each request
// the server received.
type transcript struct {
	Policy  string          `json:"policy"`
	Options json.RawMessage `json:"options"`
	Task    episode.Task    `json:"task"`
	Tools   []tool.Spec     `json:"tools"`
	Turns   []turn          `json:"turns"`
}

type turn struct {
	Name string `json:"name"`
	// Reply is the server's answer to this turn's request; nil means the
	// policy must decide without asking the model.
	Reply *chattest.Reply `json:"reply"`
	// Request holds checks on the request this turn sent.
	Request *requestCheck `json:"request"`
	Want    wantAction    `json:"want"`
	// Result is what the chosen tool returned, recorded in the step the
	// next turn sees.
	Result *tool.Result `json:"result"`
}

type requestCheck struct {
	// Tools are the function names offered, in order.
	Tools []string `json:"tools"`
	// Roles are the message roles, in order.
	Roles []string `json:"roles"`
	// Contains are substrings of the concatenated message contents.
	Contains []string `json:"contains"`
	// Lacks are substrings the message contents must not have.
	Lacks []string `json:"lacks"`
	// RawContains are substrings of the raw JSON body.
	RawContains []string `json:"raw_contains"`
	// Auth is the Authorization header expected.
	Auth string `json:"auth"`
}

type wantAction struct {
	Tool   string          `json:"tool"`
	Args   json.RawMessage `json:"args"`
	ArgsIn []string        `json:"args_contain"`
	Final  bool            `json:"final"`
	Answer string          `json:"answer"`
	// Invalid is a substring of an error wrapping policy.ErrInvalidAction.
	Invalid string `json:"invalid"`
	// Fatal is a substring of any other error.
	Fatal string `json:"fatal"`
	// Estimated requires estimated usage billed above zero.
	Estimated bool          `json:"estimated"`
	Cost      *money.Amount `json:"cost"`
	Usage     *tool.Usage   `json:"usage"`
}

func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/transcripts/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			runTranscript(t, f)
		})
	}
}

func runTranscript(t *testing.T, path string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tr transcript
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tr); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var script []chattest.Reply
	for _, tu := range tr.Turns {
		if tu.Reply != nil {
			script = append(script, *tu.Reply)
		}
	}
	srv := chattest.New(script...)
	defer srv.Close()

	var opts map[string]any
	if err := json.Unmarshal(tr.Options, &opts); err != nil {
		t.Fatal(err)
	}
	opts["base_url"] = srv.BaseURL()
	ob, _ := json.Marshal(opts)
	ctx := context.Background()
	p, err := policy.New(ctx, tr.Policy, policy.Config{
		Options: ob,
		Prices:  money.DefaultCatalog(),
		Getenv:  func(k string) string { return map[string]string{"TEST_KEY": "sk-test"}[k] },
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(tr.Tools, func(a, b tool.Spec) int { return strings.Compare(a.Name, b.Name) })

	var steps []episode.Step
	seen := 0
	for i, tu := range tr.Turns {
		s := &policy.State{Task: &tr.Task, Tools: tr.Tools, Steps: slices.Clone(steps), Turn: i + 1, Elapsed: time.Duration(i) * time.Second}
		bounder, ok := p.(policy.CostBounder)
		if !ok {
			t.Fatalf("%T does not bound its decisions' cost", p)
		}
		bound, berr := bounder.MaxCost(s)
		if berr != nil {
			t.Fatalf("MaxCost: %v", berr)
		}
		act, err := p.Decide(ctx, s)
		label := tu.Name
		if act.Cost > bound {
			t.Errorf("%s: decision cost %s above the bound %s reserved for it", label, act.Cost, bound)
		}
		if tu.Reply == nil && bound != 0 {
			t.Errorf("%s: bound %s for a decision that asks no model", label, bound)
		}
		if label == "" {
			label = "turn " + string(rune('1'+i))
		}
		reqs := srv.Requests()
		if tu.Reply == nil {
			if len(reqs) != seen {
				t.Fatalf("%s: the policy asked the model, want a decision without it", label)
			}
		} else {
			if len(reqs) != seen+1 {
				t.Fatalf("%s: server got %d requests, want %d", label, len(reqs), seen+1)
			}
			seen++
			if tu.Request != nil {
				checkRequest(t, label, reqs[len(reqs)-1], *tu.Request)
			}
		}
		w := tu.Want
		step := episode.Step{Turn: i + 1, Action: act}
		switch {
		case w.Invalid != "":
			if !errors.Is(err, policy.ErrInvalidAction) || !strings.Contains(err.Error(), w.Invalid) {
				t.Fatalf("%s: err = %v, want an invalid action containing %q", label, err, w.Invalid)
			}
			step.Error = err.Error()
		case w.Fatal != "":
			if err == nil || errors.Is(err, policy.ErrInvalidAction) || !strings.Contains(err.Error(), w.Fatal) {
				t.Fatalf("%s: err = %v, want a fatal error containing %q", label, err, w.Fatal)
			}
			continue
		case err != nil:
			t.Fatalf("%s: Decide: %v", label, err)
		case w.Final:
			if !act.Final || act.Answer != w.Answer {
				t.Fatalf("%s: action %+v, want final answer %q", label, act, w.Answer)
			}
		default:
			if act.Final || act.Tool != w.Tool {
				t.Fatalf("%s: action %+v, want a call of %s", label, act, w.Tool)
			}
			if len(w.Args) > 0 && !jsonEqual(act.Args, w.Args) {
				t.Errorf("%s: args %s, want %s", label, act.Args, w.Args)
			}
			for _, sub := range w.ArgsIn {
				var m map[string]any
				_ = json.Unmarshal(act.Args, &m)
				if !strings.Contains(flatten(m), sub) {
					t.Errorf("%s: args %s lack %q", label, act.Args, sub)
				}
			}
			step.Result = tu.Result
			if step.Result == nil {
				step.Result = &tool.Result{}
			}
		}
		if w.Cost != nil && act.Cost != *w.Cost {
			t.Errorf("%s: cost %s, want %s", label, act.Cost, *w.Cost)
		}
		if w.Estimated && (!act.Usage.Estimated || act.Usage.InputTokens == 0 || act.Cost <= 0) {
			t.Errorf("%s: usage %+v cost %s, want an estimate billed above zero", label, act.Usage, act.Cost)
		}
		if w.Usage != nil && act.Usage != *w.Usage {
			t.Errorf("%s: usage %+v, want %+v", label, act.Usage, *w.Usage)
		}
		steps = append(steps, step)
	}
	if n := srv.Remaining(); n != 0 {
		t.Errorf("%d scripted replies unused", n)
	}
}

// checkRequest asserts what went over the wire.
func checkRequest(t *testing.T, label string, r chattest.Request, c requestCheck) {
	t.Helper()
	if r.Path != "/v1/chat/completions" {
		t.Errorf("%s: path %s", label, r.Path)
	}
	var body struct {
		Messages []struct {
			Role    string `json:"role"`
			Content any    `json:"content"`
		} `json:"messages"`
		Tools []struct {
			Type     string `json:"type"`
			Function struct {
				Name       string         `json:"name"`
				Parameters map[string]any `json:"parameters"`
			} `json:"function"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(r.Raw, &body); err != nil {
		t.Fatalf("%s: request body: %v", label, err)
	}
	if c.Tools != nil {
		var names []string
		for _, tl := range body.Tools {
			if tl.Type != "function" || tl.Function.Parameters["type"] != "object" {
				t.Errorf("%s: tool %+v is not a function with an object schema", label, tl)
			}
			names = append(names, tl.Function.Name)
		}
		if !slices.Equal(names, c.Tools) {
			t.Errorf("%s: tools offered %v, want %v", label, names, c.Tools)
		}
	}
	var roles []string
	var text strings.Builder
	for _, m := range body.Messages {
		roles = append(roles, m.Role)
		if s, ok := m.Content.(string); ok {
			text.WriteString(s + "\n")
		}
	}
	if c.Roles != nil && !slices.Equal(roles, c.Roles) {
		t.Errorf("%s: roles %v, want %v", label, roles, c.Roles)
	}
	for _, sub := range c.Contains {
		if !strings.Contains(text.String(), sub) {
			t.Errorf("%s: messages lack %q:\n%s", label, sub, text.String())
		}
	}
	for _, sub := range c.Lacks {
		if strings.Contains(text.String(), sub) {
			t.Errorf("%s: messages have %q, which upstream never shows:\n%s", label, sub, text.String())
		}
	}
	if c.Auth != "" && r.Header.Get("Authorization") != c.Auth {
		t.Errorf("%s: Authorization %q, want %q", label, r.Header.Get("Authorization"), c.Auth)
	}
	for _, sub := range c.RawContains {
		if !strings.Contains(string(r.Raw), sub) {
			t.Errorf("%s: body lacks %s:\n%s", label, sub, r.Raw)
		}
	}
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

func flatten(m map[string]any) string {
	var b strings.Builder
	for _, v := range m {
		if s, ok := v.(string); ok {
			b.WriteString(s + "\n")
		}
	}
	return b.String()
}
