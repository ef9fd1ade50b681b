package replayserve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/httplimit"
	"github.com/batonhq/baton/tool"
	"github.com/batonhq/baton/tool/llm"
)

var (
	loadOnce sync.Once
	loaded   *Server
	gsm      *replay.Env
	math5    *replay.Env
	loadErr  error
)

// shared loads both zeroeval tasks once per test binary.
func shared(t testing.TB) (*Server, *replay.Env) {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "data", "zeroeval")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no %s beside the checkout", dir)
	}
	loadOnce.Do(func() {
		if gsm, loadErr = replay.LoadZeroEval(dir, "gsm"); loadErr != nil {
			return
		}
		if math5, loadErr = replay.LoadZeroEval(dir, "math-l5"); loadErr != nil {
			return
		}
		loaded, loadErr = New(context.Background(), gsm, math5)
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded, gsm
}

// start serves s on a loopback port until the test ends; it returns the
// base URL ending in /v1.
func start(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, s, httplimit.Limits{}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String() + "/v1"
}

func TestClientGetsRecordedCompletionAndUsage(t *testing.T) {
	s, e := shared(t)
	base := start(t, s)
	c := openai.New(openai.Options{BaseURL: base, APIKey: "unused"})
	task := e.Tasks()[3]
	set, err := e.Tools(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	for _, toolName := range []string{"gpt-4o-mini-2024-07-18", "gemma-2-2b-it"} {
		o, ok := e.Outcome(task.ID, toolName)
		if !ok {
			t.Fatalf("no outcome of %s on %s", toolName, task.ID)
		}
		tl, _ := set.Get(toolName)
		want, err := tl.Call(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if want.Usage.InputTokens != tool.EstimateTokens(task.Prompt) || want.Usage.OutputTokens != tool.EstimateTokens(want.Content) {
			t.Fatalf("replay usage %+v is not the estimate of question and completion", want.Usage)
		}
		req := chat.Request{Model: o.Model, Messages: []chat.Message{
			{Role: chat.RoleSystem, Content: "Answer the question."},
			{Role: chat.RoleUser, Content: "  " + task.Prompt + "\n"},
		}}
		t.Run(toolName+"/complete", func(t *testing.T) {
			got, err := c.Complete(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Message.Content != want.Content {
				t.Errorf("content %q, want the recorded %q", clip(got.Message.Content, 60), clip(want.Content, 60))
			}
			if !got.UsageReported || got.Usage.InputTokens != want.Usage.InputTokens || got.Usage.OutputTokens != want.Usage.OutputTokens {
				t.Errorf("usage %+v (reported %v), want %+v", got.Usage, got.UsageReported, want.Usage)
			}
		})
		t.Run(toolName+"/stream", func(t *testing.T) {
			var deltas strings.Builder
			n := 0
			got, err := c.Stream(context.Background(), req, func(d chat.Delta) { deltas.WriteString(d.Content); n++ })
			if err != nil {
				t.Fatal(err)
			}
			if got.Message.Content != want.Content || deltas.String() != want.Content {
				t.Errorf("streamed %q / deltas %q, want %q", clip(got.Message.Content, 60), clip(deltas.String(), 60), clip(want.Content, 60))
			}
			if len(want.Content) > 64 && n < 2 {
				t.Errorf("%d deltas for %d bytes; want it streamed in pieces", n, len(want.Content))
			}
			if !got.UsageReported || got.Usage.InputTokens != want.Usage.InputTokens || got.Usage.OutputTokens != want.Usage.OutputTokens {
				t.Errorf("usage %+v (reported %v), want %+v", got.Usage, got.UsageReported, want.Usage)
			}
		})
	}
}

func TestMathQuestionAnswered(t *testing.T) {
	s, _ := shared(t)
	m := math5
	task := m.Tasks()[0]
	o, _ := m.Outcome(task.ID, "claude-3-opus-20240229")
	a, ok := s.Lookup(o.Model, task.Prompt)
	if !ok || a.Usage.InputTokens != o.Usage.InputTokens || a.Usage.OutputTokens != o.Usage.OutputTokens {
		t.Fatalf("math-l5 lookup: %v %+v, want usage %+v", ok, a.Usage, o.Usage)
	}
}

func TestModels(t *testing.T) {
	s, _ := shared(t)
	base := start(t, s)
	resp, err := http.Get(base + "/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Object string `json:"object"`
		Data   []struct {
			ID     string `json:"id"`
			Object string `json:"object"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	if out.Object != "list" || len(out.Data) != 17 {
		t.Fatalf("got %d models (%q), want the 17 recorded", len(out.Data), out.Object)
	}
	for _, m := range out.Data {
		if _, ok := s.answers[m.ID]; !ok || m.Object != "model" {
			t.Errorf("listed model %+v not answerable", m)
		}
	}
}

func TestBadRequests(t *testing.T) {
	s, e := shared(t)
	s2 := *s
	s2.MaxBodyBytes = 4096
	base := start(t, &s2)
	q := e.Tasks()[0].Prompt
	msg := func(model, content string) string {
		b, _ := json.Marshal(map[string]any{"model": model, "messages": []any{map[string]any{"role": "user", "content": content}}})
		return string(b)
	}
	cases := []struct {
		name, method, path, body string
		status                   int
		code, says               string
	}{
		{"malformed JSON", "POST", "/chat/completions", `{"model": "gpt-4o-2024-08-06", "messages": [`, 400, "invalid_request", "not a JSON"},
		{"two values", "POST", "/chat/completions", msg("gpt-4o-2024-08-06", q) + "{}", 400, "invalid_request", "more than one"},
		{"no model", "POST", "/chat/completions", `{"messages":[{"role":"user","content":"hi"}]}`, 400, "invalid_request", `"model"`},
		{"no messages", "POST", "/chat/completions", `{"model":"gpt-4o-2024-08-06"}`, 400, "invalid_request", `"messages"`},
		{"no user message", "POST", "/chat/completions", `{"model":"gpt-4o-2024-08-06","messages":[{"role":"system","content":"x"}]}`, 400, "invalid_request", "no user message"},
		{"image part", "POST", "/chat/completions", `{"model":"gpt-4o-2024-08-06","messages":[{"role":"user","content":[{"type":"image_url"}]}]}`, 400, "invalid_request", "text only"},
		{"oversized body", "POST", "/chat/completions", msg("gpt-4o-2024-08-06", strings.Repeat("x", 5000)), 413, "body_too_large", "over 4096 bytes"},
		{"unknown model", "POST", "/chat/completions", msg("gpt-9", q), 404, "model_not_found", `"gpt-9" was not recorded`},
		{"unknown question", "POST", "/chat/completions", msg("gpt-4o-2024-08-06", "What is 2+2?"), 404, "question_not_found", "no recorded completion"},
		{"wrong method", "GET", "/chat/completions", "", 405, "method_not_allowed", "use POST"},
		{"unknown route", "GET", "/embeddings", "", 404, "not_found", "no route"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var out struct {
				Error struct{ Message, Type, Code string } `json:"error"`
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("body %q is not an error object: %v", raw, err)
			}
			if resp.StatusCode != tc.status || out.Error.Code != tc.code || !strings.Contains(out.Error.Message, tc.says) || out.Error.Type == "" {
				t.Errorf("got %d %+v, want %d %s saying %q", resp.StatusCode, out.Error, tc.status, tc.code, tc.says)
			}
		})
	}
	// The production client surfaces the 404 as a status error.
	c := openai.New(openai.Options{BaseURL: base, MaxRetries: 0})
	_, err := c.Complete(context.Background(), chat.Request{Model: "gpt-9", Messages: []chat.Message{{Role: chat.RoleUser, Content: q}}})
	var se *chat.StatusError
	if !errors.As(err, &se) || se.StatusCode != 404 || !strings.Contains(se.Message, "not recorded") {
		t.Errorf("client error %v, want a 404 StatusError saying the model was not recorded", err)
	}
}

func TestPieces(t *testing.T) {
	for _, s := range []string{"", "abc", strings.Repeat("é", 100), strings.Repeat("ab€", 50)} {
		var b bytes.Buffer
		for _, p := range pieces(s, 7) {
			if len(p) > 7 || !utf8Valid(p) {
				t.Fatalf("piece %q of %q", p, s)
			}
			b.WriteString(p)
		}
		if b.String() != s {
			t.Fatalf("pieces of %q rejoin to %q", s, b.String())
		}
	}
}

// TestServedAnswersReadAsReplayed: a policy calling the recorded models
// through baton's own llm.openai tool (answer format "zeroeval") reads
// exactly the answers it reads from the replay env, parsed or not, so a
// policy trained on replays decides the same when served.
func TestServedAnswersReadAsReplayed(t *testing.T) {
	s, e := shared(t)
	base := start(t, s)
	ctx := context.Background()
	tasks := e.Tasks()
	unparsed := 0
	for i := 0; i < len(tasks); i += 97 {
		task := tasks[i]
		set, err := e.Tools(ctx, task)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range set.Specs() {
			o, _ := e.Outcome(task.ID, spec.Name)
			m, err := llm.NewModel(openai.New(openai.Options{BaseURL: base, APIKey: "unused"}),
				llm.ModelConfig{Model: o.Model, Price: spec.Price, Answer: llm.AnswerZeroEval})
			if err != nil {
				t.Fatal(err)
			}
			served, err := m.Call(ctx, mustJSON(t, map[string]string{"prompt": task.Prompt}))
			if err != nil {
				t.Fatal(err)
			}
			tl, _ := set.Get(spec.Name)
			replayed, err := tl.Call(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			ga, gok := served.Answer()
			wa, wok := replayed.Answer()
			if ga != wa || gok != wok {
				t.Errorf("%s on %s: served answer %q (%v), replayed %q (%v)", spec.Name, task.ID, clip(ga, 40), gok, clip(wa, 40), wok)
			}
			if !wok {
				unparsed++
			}
		}
	}
	t.Logf("%d unparsed replies compared", unparsed)
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
