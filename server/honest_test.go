package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
)

// TestFailedRunIsAnErrorNot200: a run in which every call failed is
// answered with an OpenAI error object, never a 200 completion carrying the
// error text, streamed or not.
func TestFailedRunIsAnErrorNot200(t *testing.T) {
	e := newEnv(t, func(chattest.Request) chattest.Reply {
		return chattest.Reply{Status: http.StatusBadRequest, Raw: `{"error":{"message":"model exploded","type":"invalid_request_error"}}`}
	})
	status, body, _ := e.do("POST", "/v1/chat/completions", `{"model":"baton","messages":[{"role":"user","content":"hi"}]}`)
	if status < 400 {
		t.Fatalf("a run whose every call failed answered %d: %s", status, body)
	}
	msg, _, _, code := errorShape(t, body)
	if code == nil || *code != "run_failed" || !strings.Contains(msg, "model exploded") {
		t.Fatalf("error %q code %v: want run_failed naming the upstream's error", msg, code)
	}
	status, body, _ = e.do("POST", "/v1/chat/completions", `{"model":"baton","stream":true,"messages":[{"role":"user","content":"hi"}]}`)
	if strings.Contains(string(body), `"content":"small`) || !strings.Contains(string(body), `"error"`) || strings.Contains(string(body), "[DONE]") {
		t.Fatalf("stream of a failed run (HTTP %d) did not end in an error object:\n%s", status, body)
	}
}

// TestNumericInputsRefused: NaN, Inf, hex and negatives in the budget
// headers are 400 with the header named; an absurd max_tokens is never a
// 5xx.
func TestNumericInputsRefused(t *testing.T) {
	e := newEnv(t, nil)
	chatBody := `{"model":"baton","messages":[{"role":"user","content":"hi"}]}`
	for _, tc := range []struct{ header, value string }{
		{"X-Baton-Max-Time", "NaN"}, {"X-Baton-Max-Time", "Inf"}, {"X-Baton-Max-Time", "0x10"}, {"X-Baton-Max-Time", "-5"},
		{"X-Baton-Max-Time", "1e400"}, {"X-Baton-Max-Time", "-3s"}, {"X-Baton-Max-Time", "0x1p-3"},
		{"X-Baton-Max-Cost", "NaN"}, {"X-Baton-Max-Cost", "0x10"}, {"X-Baton-Max-Cost", "0x1p-3"}, {"X-Baton-Max-Cost", "-1"}, {"X-Baton-Max-Cost", "1/3"},
	} {
		status, body, _ := e.do("POST", "/v1/chat/completions", chatBody, tc.header, tc.value)
		if status != http.StatusBadRequest {
			t.Errorf("%s: %s answered %d, want 400: %s", tc.header, tc.value, status, body)
			continue
		}
		msg, _, param, _ := errorShape(t, body)
		if param == nil || *param != tc.header || strings.Contains(msg, "HTTP 400") {
			t.Errorf("%s: %s: error %q param %v: want the header named once", tc.header, tc.value, msg, param)
		}
	}
	for _, model := range []string{"small", "baton"} {
		for _, field := range []string{"max_tokens", "max_completion_tokens"} {
			for _, mt := range []string{"9223372036854775807", "92233720368547758070", "-1", "1e3", "0"} {
				for _, stream := range []string{"false", "true"} {
					status, body, _ := e.do("POST", "/v1/chat/completions", `{"model":"`+model+`","stream":`+stream+`,"`+field+`":`+mt+`,"messages":[{"role":"user","content":"hi"}]}`)
					if status >= 500 {
						t.Errorf("model %s, %s %s, stream %s: HTTP %d: %s", model, field, mt, stream, status, body)
					}
				}
			}
		}
	}
}

// TestTurnBudgetWithoutAnswerIsAnError: a run that spent its turns without
// answering is an error object, not a 200 with empty content.
func TestTurnBudgetWithoutAnswerIsAnError(t *testing.T) {
	e := newEnv(t, func(chattest.Request) chattest.Reply {
		return chattest.Reply{Status: http.StatusBadRequest, Raw: `{"error":{"message":"no","type":"invalid_request_error"}}`}
	})
	// One turn: the call fails, and no turn is left to answer in.
	status, body, _ := e.do("POST", "/v1/chat/completions", `{"model":"baton","messages":[{"role":"user","content":"hi"}],"baton":{"budget":{"max_turns":1}}}`)
	if status < 400 {
		t.Fatalf("a run without an answer answered %d: %s", status, body)
	}
	_, _, _, code := errorShape(t, body)
	if code == nil || *code != "max_turns" {
		t.Fatalf("code %v, want max_turns: %s", code, body)
	}
}
