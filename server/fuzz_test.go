package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzChatCompletions posts arbitrary bodies to the handler: it must never
// panic or fail with a 5xx, and every refusal must be in OpenAI's error
// shape.
func FuzzChatCompletions(f *testing.F) {
	for _, s := range []string{
		`{"model":"small","messages":[{"role":"user","content":"hi"}]}`,
		`{"model":"baton","messages":[{"role":"user","content":"hi"}],"baton":{"budget":{"max_cost_usd":0.01,"max_time_s":5},"prefer":"cost"}}`,
		`{"model":"small","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}]}`,
		`{"model":"baton:nope","messages":[{"role":"user","content":"x"}]}`,
		`{"model":"small","messages":[{"role":"user","content":"x"}],"max_tokens":1e9}`,
		`{"model":"baton","messages":[{"role":"user","content":"x"}],"baton":{"preferences":{"cost":-1}}}`,
		`{`, `null`, `"x"`,
	} {
		f.Add(s)
	}
	e := newEnv(f, nil)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.secret)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code != http.StatusOK {
			errorShape(t, rec.Body.Bytes())
		}
	})
}

// FuzzCreateRun does the same for the native runs API.
func FuzzCreateRun(f *testing.F) {
	for _, s := range []string{
		`{"prompt":"hi"}`, `{"prompt":"hi","budget":{"max_cost_usd":"0.5","max_turns":2},"preferences":{"text":"cheap"}}`,
		`{"prompt":"","policy":"x"}`, `{"prompt":"x","tools":["small","small"]}`, `[]`,
	} {
		f.Add(s)
	}
	e := newEnv(f, nil)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/v1/runs?wait=true", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.secret)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		switch {
		case rec.Code >= 500:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		case rec.Code == http.StatusOK:
			var v map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v["id"] == nil {
				t.Fatalf("200 without a run: %s", rec.Body)
			}
		default:
			errorShape(t, rec.Body.Bytes())
		}
	})
}

// TestLogsHaveNoSecrets serves requests, good and bad, and checks that no
// log line carries the key's secret or the Authorization header.
func TestLogsHaveNoSecrets(t *testing.T) {
	var buf syncBuffer
	e := newEnv(t, nil, withLogger(&buf))
	for _, body := range []string{
		`{"model":"small","messages":[{"role":"user","content":"hi"}]}`,
		`{"model":"baton","messages":[{"role":"user","content":"hi"}]}`,
		`{"model":"nope","messages":[{"role":"user","content":"hi"}]}`,
		`{"bad json`,
	} {
		e.do("POST", "/v1/chat/completions", body)
	}
	doReq(t, e.http.URL, e.secret+"x", "POST", "/v1/chat/completions", `{}`)
	logs := buf.String()
	if !strings.Contains(logs, "request") {
		t.Fatalf("nothing logged: %q", logs)
	}
	for _, secret := range []string{e.secret, e.secret[len(e.secret)-16:], "Bearer"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs, e.key.ID) {
		t.Errorf("logs do not name the key ID:\n%s", logs)
	}
}
