package wire

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// maxMessageLen bounds the provider message kept in a StatusError, so a
// 10 MB HTML error page does not end up in a trace.
const maxMessageLen = 1000

// providerMessage extracts the human-readable message from an error body.
// It understands OpenAI's {"error":{"message":...}}, Anthropic's
// {"type":"error","error":{"type":...,"message":...}}, the {"error":"..."}
// of Ollama and llama.cpp and the top-level {"message":...} of vLLM;
// anything else is returned as trimmed text.
func providerMessage(body []byte) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message json.RawMessage `json:"message"`
	}
	msg := ""
	if json.Unmarshal(body, &v) == nil {
		var obj struct {
			Message string `json:"message"`
			Type    string `json:"type"`
		}
		var s string
		switch {
		case json.Unmarshal(v.Error, &obj) == nil && obj.Message != "":
			msg = obj.Message
			if obj.Type != "" && !strings.Contains(msg, obj.Type) {
				msg = obj.Type + ": " + msg
			}
		case json.Unmarshal(v.Error, &s) == nil && s != "":
			msg = s
		case json.Unmarshal(v.Message, &s) == nil && s != "":
			msg = s
		}
	}
	if msg == "" {
		msg = strings.TrimSpace(string(body))
	}
	if msg == "" {
		return "(empty body)"
	}
	return Truncate(msg, maxMessageLen)
}

// Truncate shortens s to at most n bytes on a rune boundary, marking the
// cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
