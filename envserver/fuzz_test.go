package envserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/batonhq/baton/env"
)

// FuzzStep sends arbitrary step bodies to a live session: the server must
// answer 200 or 400 (or 409 once an answer ended the episode), never 500,
// and always with a protocol-versioned JSON body.
func FuzzStep(f *testing.F) {
	reg := NewRegistry()
	reg.Register("echo", "", func(context.Context) (env.Env, error) { return echoEnv{}, nil })
	s := NewServer(reg, Options{MaxTurns: 1 << 30})
	defer s.Close()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/sessions", strings.NewReader(`{"env":"echo"}`)))
	var r ResetResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{`{"tool":"get_answer"}`, `{"tool":"get_answer","arguments":"{\"a\":1}"}`, `{"arguments":[]}`, `{"tool":1}`, `nul`, `{"answer":null}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if strings.Contains(body, `"answer"`) {
			return // an answer would end the shared session
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/sessions/"+r.SessionID+"/step", strings.NewReader(body)))
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("HTTP %d for %q: %s", rec.Code, body, rec.Body)
		}
		var v struct {
			ProtocolVersion string `json:"protocol_version"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v.ProtocolVersion != ProtocolVersion {
			t.Fatalf("body %q: %v", rec.Body, err)
		}
	})
}

func FuzzNormalizeArgs(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `"{\"a\":1}"`, `""`, `null`, `[1]`, `"x"`, `  {} `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := normalizeArgs(json.RawMessage(raw))
		if err == nil && (len(out) == 0 || out[0] != '{') {
			t.Fatalf("normalizeArgs(%q) = %q without error", raw, out)
		}
	})
}
