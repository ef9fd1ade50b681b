package llm

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

var gpt5 = money.Price{InputPerM: money.MustParse("1.25"), OutputPerM: money.MustParse("10")}

func newModelTest(t *testing.T, cfg ModelConfig, o openai.Options, replies ...chattest.Reply) (*Model, *chattest.Server) {
	t.Helper()
	srv := chattest.New(replies...)
	t.Cleanup(srv.Close)
	o.BaseURL = srv.BaseURL()
	c := openai.New(o)
	if cfg.Model == "" {
		cfg.Model = "gpt-5"
	}
	m, err := NewModel(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m, srv
}

func TestModelCall(t *testing.T) {
	tests := []struct {
		name      string
		args      string
		reply     chattest.Reply
		wantText  string
		wantUsage tool.Usage
		wantError bool
		wantMax   float64 // max_tokens sent
		wantMsgs  int
	}{
		{
			name: "prompt only", args: `{"prompt":"What is the capital of France?"}`,
			reply:    chattest.Reply{Content: "Paris.", Usage: chattest.Usage{PromptTokens: 15, CompletionTokens: 2}},
			wantText: "Paris.", wantUsage: tool.Usage{InputTokens: 15, OutputTokens: 2}, wantMax: 1024, wantMsgs: 1,
		},
		{
			name: "system and max_tokens", args: `{"prompt":"Prove it.","system":"You are a mathematician.","max_tokens":300}`,
			reply:    chattest.Reply{Content: "QED", Usage: chattest.Usage{PromptTokens: 30, CompletionTokens: 280}},
			wantText: "QED", wantUsage: tool.Usage{InputTokens: 30, OutputTokens: 280}, wantMax: 300, wantMsgs: 2,
		},
		{
			// system+prompt is 8+12 = 20 bytes → 5 tokens; the reply is 9
			// bytes → 3 tokens.
			name: "missing usage is estimated", args: `{"prompt":"What is 2+2?","system":"Be terse"}`,
			reply:    chattest.Reply{Content: "It is 4.!", NoUsage: true},
			wantText: "It is 4.!", wantUsage: tool.Usage{InputTokens: 5, OutputTokens: 3, Estimated: true}, wantMax: 1024, wantMsgs: 2,
		},
		{
			// A reply of 4000 bytes would estimate 1000 tokens; the
			// estimate is capped at the 10 tokens asked for.
			name: "estimate capped at max_tokens", args: `{"prompt":"go","max_tokens":10}`,
			reply:    chattest.Reply{Content: strings.Repeat("long", 1000), NoUsage: true},
			wantText: strings.Repeat("long", 1000), wantUsage: tool.Usage{InputTokens: 1, OutputTokens: 10, Estimated: true}, wantMax: 10, wantMsgs: 1,
		},
		{
			name: "empty reply is an error the policy sees, still billed", args: `{"prompt":"think hard"}`,
			reply:     chattest.Reply{Content: "", Usage: chattest.Usage{PromptTokens: 9, CompletionTokens: 1024}},
			wantUsage: tool.Usage{InputTokens: 9, OutputTokens: 1024}, wantError: true, wantMax: 1024, wantMsgs: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, srv := newModelTest(t, ModelConfig{Price: gpt5}, openai.Options{}, tt.reply)
			res, err := m.Call(context.Background(), json.RawMessage(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			if res.IsError != tt.wantError {
				t.Fatalf("IsError = %v (%s)", res.IsError, res.Content)
			}
			if !tt.wantError && res.Content != tt.wantText {
				t.Errorf("content = %q, want %q", res.Content, tt.wantText)
			}
			if tt.wantError && !strings.Contains(res.Content, "empty reply") {
				t.Errorf("content = %q", res.Content)
			}
			if res.Usage != tt.wantUsage {
				t.Errorf("usage = %+v, want %+v", res.Usage, tt.wantUsage)
			}
			if res.Cost != 0 {
				t.Errorf("Cost = %v; the Set prices the call", res.Cost)
			}
			body := srv.Requests()[0].Body
			if body["max_tokens"] != tt.wantMax || len(body["messages"].([]any)) != tt.wantMsgs || body["model"] != "gpt-5" {
				t.Errorf("request max_tokens=%v messages=%v model=%v", body["max_tokens"], body["messages"], body["model"])
			}
		})
	}
}

func TestModelCallFailures(t *testing.T) {
	t.Run("upstream error becomes an error result with the provider's message", func(t *testing.T) {
		m, srv := newModelTest(t, ModelConfig{Price: gpt5}, openai.Options{MaxRetries: 1},
			chattest.Reply{Status: 500, Raw: `{"error":{"message":"The engine is currently overloaded"}}`},
			chattest.Reply{Status: 500, Raw: `{"error":{"message":"The engine is currently overloaded"}}`},
		)
		res, err := m.Call(context.Background(), json.RawMessage(`{"prompt":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		if !res.IsError || !strings.Contains(res.Content, "The engine is currently overloaded") || !strings.Contains(res.Content, "HTTP 500") {
			t.Errorf("result = %+v", res)
		}
		if res.Usage != (tool.Usage{}) {
			t.Errorf("a failed call billed %+v", res.Usage)
		}
		if n := len(srv.Requests()); n != 2 {
			t.Errorf("requests = %d", n)
		}
	})
	t.Run("cancellation is a Go error", func(t *testing.T) {
		m, _ := newModelTest(t, ModelConfig{Price: gpt5}, openai.Options{}, chattest.Reply{Content: "late", Delay: 10 * time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		res, err := m.Call(ctx, json.RawMessage(`{"prompt":"x"}`))
		if !errors.Is(err, context.Canceled) || res != nil {
			t.Fatalf("res, err = %+v, %v", res, err)
		}
	})
	t.Run("attempt timeout is an error result", func(t *testing.T) {
		m, _ := newModelTest(t, ModelConfig{Price: gpt5}, openai.Options{Timeout: 30 * time.Millisecond, MaxRetries: -1},
			chattest.Reply{Content: "late", Delay: 10 * time.Second})
		res, err := m.Call(context.Background(), json.RawMessage(`{"prompt":"x"}`))
		if err != nil || !res.IsError || !strings.Contains(res.Content, "timed out") {
			t.Fatalf("res, err = %+v, %v", res, err)
		}
		// It may have been billed: charged its bound, not nothing.
		if bound, _ := m.MaxCost(json.RawMessage(`{"prompt":"x"}`)); res.Cost != bound || bound == 0 {
			t.Errorf("a timed-out call cost %s, want its bound %s", res.Cost, bound)
		}
	})
	// What a failed call is charged follows chat.MayHaveBilled: its bound
	// when it may have been billed, nothing when the provider refused it
	// or the request never left.
	for _, tt := range []struct {
		name    string
		reply   chattest.Reply
		down    bool // nothing listens
		charged bool
	}{
		{name: "connection dropped after sending", reply: chattest.Reply{Hangup: true}, charged: true},
		{name: "2xx body that is not JSON", reply: chattest.Reply{Raw: `{"choices":[`}, charged: true},
		{name: "HTTP 429", reply: chattest.Reply{Status: 429}, charged: false},
		{name: "nothing listening", down: true, charged: false},
	} {
		t.Run("charge: "+tt.name, func(t *testing.T) {
			// A per-call price too: a call not billed must not pay it.
			price := gpt5
			price.PerCall = money.MustParse("0.01")
			m, srv := newModelTest(t, ModelConfig{Price: price}, openai.Options{MaxRetries: -1}, tt.reply)
			if tt.down {
				srv.Close()
			}
			args := json.RawMessage(`{"prompt":"x"}`)
			res, err := tool.Invoke(context.Background(), m, args)
			if err != nil || !res.IsError || res.Unbilled == tt.charged {
				t.Fatalf("res, err = %+v, %v", res, err)
			}
			bound, _ := m.MaxCost(args)
			if want := map[bool]money.Amount{true: bound}[tt.charged]; res.Cost != want {
				t.Errorf("%s: cost %s, want %s (%s)", res.Content, res.Cost, want, map[bool]string{true: "its bound", false: "nothing"}[tt.charged])
			}
		})
	}
	for _, args := range []string{`{"prompt":""}`, `{}`, `{"prompt":3}`, `not json`} {
		t.Run("bad arguments "+args, func(t *testing.T) {
			m, srv := newModelTest(t, ModelConfig{Price: gpt5}, openai.Options{})
			res, err := m.Call(context.Background(), json.RawMessage(args))
			if err != nil || !res.IsError || !strings.Contains(res.Content, "prompt") && !strings.Contains(res.Content, "decode") {
				t.Fatalf("res, err = %+v, %v", res, err)
			}
			if len(srv.Requests()) != 0 {
				t.Error("sent a request for bad arguments")
			}
			if _, err := m.MaxCost(json.RawMessage(args)); err == nil {
				t.Error("MaxCost accepted bad arguments")
			}
		})
	}
}

func TestModelSpec(t *testing.T) {
	m, err := NewModel(openai.New(openai.Options{}), ModelConfig{Model: "meta-llama/Llama-3.3-70B-Instruct", Provider: "openai", Price: gpt5, MaxTokens: 2048, Latency: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Spec()
	if s.Name != "meta-llama_Llama-3.3-70B-Instruct" || s.MaxOutputTokens != 2048 || s.Timeout != tool.DefaultTimeout || s.Latency != 3*time.Second {
		t.Errorf("spec = %+v", s)
	}
	if !s.HasTag(tool.TagLLM) || !s.HasTag(tool.TagRemote) || s.HasTag(tool.TagFree) {
		t.Errorf("tags = %v", s.Tags)
	}
	if !strings.Contains(s.Description, "Llama-3.3-70B") {
		t.Errorf("description = %q", s.Description)
	}
	set, err := tool.NewSet(m)
	if err != nil {
		t.Fatal(err)
	}
	for args, ok := range map[string]bool{
		`{"prompt":"hi"}`: true, `{"prompt":"hi","system":"s","max_tokens":2048}`: true,
		`{"prompt":"hi","max_tokens":2049}`: false, `{"prompt":"hi","max_tokens":0}`: false,
		`{"system":"s"}`: false, `{"prompt":"hi","temperature":1}`: false, `{"prompt":""}`: false,
	} {
		if err := set.Validate(s.Name, json.RawMessage(args)); (err == nil) != ok {
			t.Errorf("Validate(%s) = %v, want ok=%v", args, err, ok)
		}
	}
	free, _ := NewModel(openai.New(openai.Options{}), ModelConfig{Model: "local", Tags: []string{tool.TagLLM, tool.TagLocal}})
	if !free.Spec().HasTag(tool.TagFree) || !free.Spec().HasTag(tool.TagLocal) {
		t.Errorf("free local tags = %v", free.Spec().Tags)
	}
}

// TestModelMaxCostBoundsActual checks the budget contract: for any usage a
// provider can report within the limits the call was made under (input at
// most one token per byte plus the template overhead, output at most the
// max_tokens sent), the charge the Set computes is at most MaxCost.
func TestModelMaxCostBoundsActual(t *testing.T) {
	prices := map[string]money.Price{
		"gpt-5":     gpt5,
		"per-call":  {PerCall: money.MustParse("0.01"), InputPerM: money.MustParse("0.000000003"), OutputPerM: money.MustParse("0.000000007")},
		"per-sec":   {PerSecond: money.MustParse("0.0001"), InputPerM: money.MustParse("3"), OutputPerM: money.MustParse("15")},
		"free":      {},
		"expensive": {InputPerM: money.MustParse("15"), OutputPerM: money.MustParse("75")},
	}
	args := []string{
		`{"prompt":"What is the capital of France?"}`,
		`{"prompt":"x","system":"You are a careful mathematician; show your work.","max_tokens":17}`,
		`{"prompt":"` + strings.Repeat("lorem ipsum ", 500) + `","max_tokens":4096}`,
		`{"prompt":"naïve café — 東京","max_tokens":1}`,
	}
	for pname, price := range prices {
		for _, a := range args {
			m, err := NewModel(openai.New(openai.Options{}), ModelConfig{Model: "m", Price: price, MaxTokens: 4096, Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			bound, err := m.MaxCost(json.RawMessage(a))
			if err != nil {
				t.Fatal(err)
			}
			parsed, _ := m.args(json.RawMessage(a))
			msgs := int64(2)
			if parsed.System != "" {
				msgs = 3
			}
			maxIn := int64(len(parsed.System)+len(parsed.Prompt)) + MessageOverheadTokens*msgs
			maxOut := int64(parsed.MaxTokens)
			for _, u := range []tool.Usage{
				{InputTokens: maxIn, OutputTokens: maxOut},
				{InputTokens: 0, OutputTokens: 0},
				{InputTokens: maxIn / 3, OutputTokens: maxOut / 2},
				{InputTokens: tool.EstimateTokens(parsed.System + parsed.Prompt), OutputTokens: maxOut, Estimated: true},
			} {
				actual := m.Spec().Cost(u, m.Spec().Timeout) // the Set bills elapsed time; a call ends by its timeout
				if actual > bound {
					t.Errorf("%s %.40s usage %+v: actual %v > MaxCost %v", pname, a, u, actual, bound)
				}
			}
			// The bound is tight on the token side: one more output token
			// than max_tokens would exceed it whenever output is priced.
			over := m.Spec().Cost(tool.Usage{InputTokens: maxIn, OutputTokens: maxOut + 1_000_000}, m.Spec().Timeout+tool.TimeoutSlack)
			if price.OutputPerM > 0 && over <= bound {
				t.Errorf("%s: bound %v not below a cost %v far past max_tokens; is MaxCost counting output?", pname, bound, over)
			}
		}
	}
}

// TestModelMaxCostThroughSet runs a real call through a tool.Set and checks
// the charge against tool.WorstCase, the number budgets reserve.
func TestModelMaxCostThroughSet(t *testing.T) {
	m, _ := newModelTest(t, ModelConfig{Price: gpt5, MaxTokens: 600}, openai.Options{},
		chattest.Reply{Content: "answer", Usage: chattest.Usage{PromptTokens: 60, CompletionTokens: 600}})
	set, err := tool.NewSet(m)
	if err != nil {
		t.Fatal(err)
	}
	args := json.RawMessage(`{"prompt":"Explain the Pythagorean theorem to a ten-year-old."}`)
	worst, err := tool.WorstCase(m, args)
	if err != nil {
		t.Fatal(err)
	}
	res, err := set.Call(context.Background(), m.Spec().Name, args)
	if err != nil || res.IsError {
		t.Fatalf("res, err = %+v, %v", res, err)
	}
	// 60×1250 + 600×10,000 = 75,000 + 6,000,000 nanodollars.
	if want := money.Amount(6_075_000); res.Cost != want {
		t.Errorf("cost = %d, want %d", res.Cost, want)
	}
	if res.Cost > worst {
		t.Errorf("cost %v > WorstCase %v", res.Cost, worst)
	}
}

// TestCostTranscript replays testdata/cost_transcript.txt: each row opens a
// kind from its options against a scripted loopback provider reporting the
// row's usage and checks the Set's charge to the nanodollar.
func TestCostTranscript(t *testing.T) {
	f, err := os.Open("testdata/cost_transcript.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	rows := 0
	for line := 0; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) < 5 {
			t.Fatalf("line %d: want kind in out cost options: %q", line+1, text)
		}
		kind := fields[0]
		in, err1 := strconv.ParseInt(fields[1], 10, 64)
		out, err2 := strconv.ParseInt(fields[2], 10, 64)
		want, err3 := strconv.ParseInt(fields[3], 10, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatalf("line %d: %v", line+1, err)
		}
		var opts map[string]any
		if err := json.Unmarshal([]byte(strings.Join(fields[4:], " ")), &opts); err != nil {
			t.Fatalf("line %d: options: %v", line+1, err)
		}
		rows++
		t.Run(strconv.Itoa(line+1)+"_"+opts["model"].(string), func(t *testing.T) {
			switch kind {
			case "llm.openai":
				srv := chattest.New(chattest.Reply{Content: "ok", Usage: chattest.Usage{PromptTokens: in, CompletionTokens: out}})
				defer srv.Close()
				opts["base_url"] = srv.BaseURL()
			case "llm.anthropic":
				srv := chattest.NewAnthropic(chattest.AnthropicReply{Text: "ok", InputTokens: in, OutputTokens: out})
				defer srv.Close()
				opts["base_url"] = srv.URL
			default:
				t.Fatalf("unknown kind %q", kind)
			}
			raw, _ := json.Marshal(opts)
			tools, err := tool.Open(context.Background(), kind, tool.Config{Options: raw, Prices: money.DefaultCatalog(), Getenv: func(string) string { return "" }})
			if err != nil {
				t.Fatal(err)
			}
			set, err := tool.NewSet(tools...)
			if err != nil {
				t.Fatal(err)
			}
			res, err := set.Call(context.Background(), tools[0].Spec().Name, json.RawMessage(`{"prompt":"Summarise the attached report."}`))
			if err != nil || res.IsError {
				t.Fatalf("res, err = %+v, %v", res, err)
			}
			if res.Usage != (tool.Usage{InputTokens: in, OutputTokens: out}) {
				t.Errorf("usage = %+v", res.Usage)
			}
			if res.Cost != money.Amount(want) {
				t.Errorf("cost = %d nanodollars (%v), want %d", int64(res.Cost), res.Cost, want)
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if rows < 5 {
		t.Fatalf("transcript has %d rows", rows)
	}
}

// scriptedClient is a chat.Client for checks that need no wire.
type scriptedClient struct{ resp *chat.Response }

func (s scriptedClient) Complete(context.Context, chat.Request) (*chat.Response, error) {
	return s.resp, nil
}

func TestModelEstimatedCostExact(t *testing.T) {
	// No usage reported: "What is 2+2?" is 12 bytes → 3 tokens, "4" → 1
	// token. At gpt-5 prices: 3×1250 + 1×10,000 = 13,750 nanodollars.
	m, err := NewModel(scriptedClient{&chat.Response{Message: chat.Message{Role: chat.RoleAssistant, Content: "4"}}}, ModelConfig{Model: "gpt-5", Price: gpt5})
	if err != nil {
		t.Fatal(err)
	}
	set, _ := tool.NewSet(m)
	res, err := set.Call(context.Background(), "gpt-5", json.RawMessage(`{"prompt":"What is 2+2?"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Usage.Estimated || res.Cost != 13_750 {
		t.Errorf("usage %+v cost %d, want estimated and 13750", res.Usage, res.Cost)
	}
}
