package llm

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/batonhq/baton/chat"
)

// Errors of this package, for errors.Is. Each also matches
// [chat.ErrUpstream]: the provider misbehaved, and a policy may try another
// model. Provider HTTP errors are [*chat.StatusError] values instead.
var (
	// ErrTooLarge is wrapped when a response body exceeds
	// ClientOptions.MaxResponseBytes.
	ErrTooLarge error = upstreamError("llm: response too large")
	// ErrMalformed is wrapped when a response is not what the API promises
	// (bad JSON, no choices, an HTML page with status 200).
	ErrMalformed error = upstreamError("llm: malformed response")
	// ErrTimeout is wrapped when an attempt ran out of its own time
	// (ClientOptions.Timeout) while the caller's context was still live.
	ErrTimeout error = upstreamError("llm: attempt timed out")
	// ErrConnection is wrapped when a request could not be sent or its
	// response not received (refused, reset, DNS).
	ErrConnection error = upstreamError("llm: connection failed")
)

// upstreamError is a sentinel whose message stays short while errors.Is
// still finds chat.ErrUpstream behind it.
type upstreamError string

func (e upstreamError) Error() string { return string(e) }
func (e upstreamError) Unwrap() error { return chat.ErrUpstream }

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
	return truncate(msg, maxMessageLen)
}

// truncate shortens s to at most n bytes on a rune boundary, marking the
// cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
