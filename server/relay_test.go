package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/money"
)

// prompt is the user message of these tests; worstCase is what the
// gateway reserves for it on model "small" ($1/$2 per million tokens,
// max_tokens 100): one token per byte plus 64 per message and one more,
// and 100 output tokens.
const prompt = "tell me a long story"

var worstCase = money.Amount((len(prompt)+2*64)*1000 + 100*2000)

// streamChunk is the part of a chunk these tests read.
type streamChunk struct {
	Choices []struct {
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int64 `json:"prompt_tokens"`
		CompletionTokens int64 `json:"completion_tokens"`
	} `json:"usage"`
	Baton *struct {
		RunID     string `json:"run_id"`
		Status    string `json:"status"`
		Cost      string `json:"cost"`
		Truncated bool   `json:"truncated"`
	} `json:"baton"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// streamed is what a client saw of one streamed request.
type streamed struct {
	status  int
	content string
	finish  string
	chunks  []streamChunk
	done    bool
	last    streamChunk // the chunk with the baton extension
	errMsg  string
}

func (e *env) stream(t *testing.T, body string) streamed {
	t.Helper()
	req, _ := http.NewRequest("POST", e.http.URL+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.secret)
	c := &http.Client{Timeout: 20 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := streamed{status: resp.StatusCode}
	if resp.StatusCode != 200 {
		return out
	}
	for _, m := range readSSE(t, resp.Body) {
		if m.Data == "[DONE]" {
			out.done = true
			continue
		}
		var ch streamChunk
		if err := json.Unmarshal([]byte(m.Data), &ch); err != nil {
			t.Fatalf("chunk %q: %v", m.Data, err)
		}
		out.chunks = append(out.chunks, ch)
		for _, c := range ch.Choices {
			out.content += c.Delta.Content
			if c.FinishReason != nil {
				out.finish = *c.FinishReason
			}
		}
		if ch.Baton != nil {
			out.last = ch
		}
		if ch.Error != nil {
			out.errMsg = ch.Error.Message
		}
	}
	return out
}

func streamBody(usage bool) string {
	b, _ := json.Marshal(map[string]any{"model": "small", "stream": true, "stream_options": map[string]any{"include_usage": usage},
		"messages": []any{map[string]any{"role": "user", "content": prompt}}})
	return string(b)
}

// TestGatewayStreamBound: the upstream is asked for the reserved bound and
// usage; one that ignores the bound is cut at it, the client's stream ends
// properly (finish_reason "length", [DONE]), the run is marked truncated
// and charged exactly its reservation.
func TestGatewayStreamBound(t *testing.T) {
	long := strings.Repeat("lorem ", 400) // 2400 bytes: 600 estimated tokens against a bound of 100
	tests := []struct {
		name  string
		reply chattest.Reply
	}{
		{"ignores max_tokens", chattest.Reply{Content: long, Usage: chattest.Usage{PromptTokens: 9, CompletionTokens: 600}}},
		{"streams forever", chattest.Reply{Content: "and then ", Forever: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(chattest.Request) chattest.Reply { return tt.reply })
			got := e.stream(t, streamBody(true))
			if got.status != 200 || !got.done || got.finish != "length" || got.last.Baton == nil || !got.last.Baton.Truncated {
				t.Fatalf("status %d done %v finish %q last %+v", got.status, got.done, got.finish, got.last)
			}
			if n := len(got.content); n == 0 || n > 400 {
				t.Errorf("client got %d content bytes past a 100-token bound", n)
			}
			if got.last.Usage == nil || got.last.Usage.CompletionTokens != 100 {
				t.Errorf("usage chunk %+v, want the bound's 100 output tokens", got.last.Usage)
			}
			reqs := e.up.Requests()
			if len(reqs) != 1 || reqs[0].Body["max_tokens"] != float64(100) ||
				reqs[0].Body["stream_options"].(map[string]any)["include_usage"] != true || reqs[0].Body["model"] != "small-1" {
				t.Errorf("upstream request %s", reqs[0].Raw)
			}
			ctx := context.Background()
			sp, err := e.store.Spent(ctx, e.key.ID)
			if err != nil || sp.Total != worstCase || sp.Held != 0 {
				t.Errorf("spent %+v, want total %s (the reservation) and nothing held, %v", sp, worstCase, err)
			}
			run, err := e.store.GetRun(ctx, got.last.Baton.RunID)
			if err != nil || run.Status != "answered" || len(run.Episode.Steps) != 1 || !strings.Contains(string(run.Episode.Steps[0].Result.Data), `"truncated":true`) {
				t.Errorf("run %+v, %v", run, err)
			}
		})
	}
}

// TestGatewayStreamUsage: upstream usage reaches the client and the bill;
// a stream without usage is billed on an estimate that says so.
func TestGatewayStreamUsage(t *testing.T) {
	t.Run("reported", func(t *testing.T) {
		e := newEnv(t, nil) // "forty two", 20 in, 10 out
		got := e.stream(t, streamBody(true))
		if got.content != "forty two" || got.finish != "stop" || !got.done || got.last.Baton == nil || got.last.Baton.Truncated {
			t.Fatalf("%+v", got)
		}
		var usage int
		for _, c := range got.chunks {
			if c.Usage != nil {
				usage++
				if c.Usage.PromptTokens != 20 || c.Usage.CompletionTokens != 10 {
					t.Errorf("usage %+v", c.Usage)
				}
			}
		}
		if usage != 1 {
			t.Errorf("%d usage chunks, want the upstream's one", usage)
		}
		want := money.Amount(20*1000 + 10*2000)
		if sp, _ := e.store.Spent(context.Background(), e.key.ID); sp.Total != want || got.last.Baton.Cost != want.Decimal() {
			t.Errorf("spent %s, extension says %s; want %s", sp.Total, got.last.Baton.Cost, want)
		}
	})
	t.Run("not asked", func(t *testing.T) {
		e := newEnv(t, nil)
		got := e.stream(t, streamBody(false))
		for _, c := range got.chunks {
			if c.Usage != nil {
				t.Errorf("usage chunk sent unasked: %+v", c.Usage)
			}
		}
	})
	t.Run("absent", func(t *testing.T) {
		e := newEnv(t, func(chattest.Request) chattest.Reply { return chattest.Reply{Content: "forty two", NoUsage: true} })
		got := e.stream(t, streamBody(true))
		if !got.done || got.last.Usage == nil {
			t.Fatalf("%+v", got)
		}
		// Estimated: input (20 bytes + 3)/4 = 5, output (9 + 3)/4 = 3.
		if got.last.Usage.PromptTokens != 5 || got.last.Usage.CompletionTokens != 3 {
			t.Errorf("estimated usage %+v", got.last.Usage)
		}
		run, err := e.store.GetRun(context.Background(), got.last.Baton.RunID)
		if err != nil || !run.Episode.Steps[0].Result.Usage.Estimated {
			t.Errorf("run usage not flagged as estimated: %+v, %v", run.Episode.Steps[0].Result, err)
		}
		if sp, _ := e.store.Spent(context.Background(), e.key.ID); sp.Total != money.Amount(5*1000+3*2000) {
			t.Errorf("spent %s", sp.Total)
		}
	})
}

// TestGatewayStreamFailures: failures before the first byte are HTTP
// errors and release the hold; failures after it end the stream with an
// error and charge the reservation (the upstream may have billed).
func TestGatewayStreamFailures(t *testing.T) {
	tests := []struct {
		name       string
		reply      chattest.Reply
		wantStatus int
		wantSpent  money.Amount
		wantErr    string
	}{
		{"429", chattest.Reply{Status: 429, Header: map[string]string{"Retry-After": "0"}}, 502, 0, ""},
		{"500", chattest.Reply{Status: 500}, 502, 0, ""},
		{"malformed chunk", chattest.Reply{Content: "a b c", Malformed: `{"choices":[`}, 200, worstCase, "not JSON"},
		{"error event", chattest.Reply{Content: "a b c", StreamError: "model overloaded"}, 200, worstCase, "model overloaded"},
		{"dropped connection", chattest.Reply{Content: "a b c", Cut: true}, 200, worstCase, "without [DONE]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(chattest.Request) chattest.Reply { return tt.reply })
			got := e.stream(t, streamBody(true))
			if got.status != tt.wantStatus {
				t.Fatalf("status %d, want %d", got.status, tt.wantStatus)
			}
			if tt.wantErr != "" && (!strings.Contains(got.errMsg, tt.wantErr) || got.done) {
				t.Errorf("stream error %q (done %v), want one containing %q and no [DONE]", got.errMsg, got.done, tt.wantErr)
			}
			sp, err := e.store.Spent(context.Background(), e.key.ID)
			if err != nil || sp.Total != tt.wantSpent || sp.Held != 0 {
				t.Errorf("spent %+v, want %s and nothing held, %v", sp, tt.wantSpent, err)
			}
		})
	}
}

// TestGatewayClipsWholeResponse: a non-streamed response past the bound is
// cut to it and marked truncated.
func TestGatewayClipsWholeResponse(t *testing.T) {
	e := newEnv(t, func(chattest.Request) chattest.Reply {
		return chattest.Reply{Content: strings.Repeat("é", 1000), Usage: chattest.Usage{PromptTokens: 9, CompletionTokens: 100}}
	})
	status, body, _ := e.do("POST", "/v1/chat/completions", `{"model":"small","messages":[{"role":"user","content":"`+prompt+`"}]}`)
	var out struct {
		Choices []struct {
			Message      struct{ Content string } `json:"message"`
			FinishReason string                   `json:"finish_reason"`
		} `json:"choices"`
		Baton struct {
			Truncated bool `json:"truncated"`
		} `json:"baton"`
	}
	if err := json.Unmarshal(body, &out); err != nil || status != 200 {
		t.Fatalf("%d %s %v", status, body, err)
	}
	if c := out.Choices[0].Message.Content; len(c) > 400 || len(c) < 398 || !strings.HasPrefix(strings.Repeat("é", 1000), c) ||
		out.Choices[0].FinishReason != "length" || !out.Baton.Truncated {
		t.Errorf("content %d bytes, finish %q, truncated %v", len(c), out.Choices[0].FinishReason, out.Baton.Truncated)
	}
}
