package openai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// RequestError is a request the server refuses with HTTP 400: Param names
// the offending field, as OpenAI's error objects do.
type RequestError struct {
	Param   string
	Message string
}

func (e *RequestError) Error() string { return "openai: " + e.Message }

func badRequest(param, format string, args ...any) *RequestError {
	return &RequestError{Param: param, Message: fmt.Sprintf(format, args...)}
}

// DecodeChatRequest reads one chat completions request strictly: unknown
// fields anywhere in the known structure, trailing data and wrong types are
// a [*RequestError] naming the field. It also checks what every request
// needs (a model, at least one message, known roles).
func DecodeChatRequest(r io.Reader) (*ChatCompletionRequest, error) {
	var req ChatCompletionRequest
	if err := decodeStrict(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	return &req, nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields. Errors are *RequestError, except a reader failure (an oversized
// body), which is returned wrapped so the caller can map it.
func decodeStrict(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil && !isSyntax(err) {
			return jsonError(err)
		}
		return badRequest("", "the request body has data after the JSON object; send exactly one object")
	}
	return nil
}

// DecodeStrict decodes one JSON object from b into v with the same rules
// as [DecodeChatRequest] (for the server's native endpoints).
func DecodeStrict(b []byte, v any) error { return decodeStrict(bytes.NewReader(b), v) }

func isSyntax(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}

func jsonError(err error) error {
	var (
		se *json.SyntaxError
		te *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return badRequest("", "the request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "the request body is truncated JSON")
	case errors.As(err, &se):
		return badRequest("", "the request body is not valid JSON (at byte %d): %v", se.Offset, err)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return badRequest("", "the request body must be a JSON object, not %s", te.Value)
		}
		return badRequest(field, "field %q must be %s, not %s", field, typeName(te.Type.String()), te.Value)
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badRequest(name, "unknown field %q in the request body; remove it (Baton accepts the documented OpenAI chat completions fields plus \"baton\")", name)
	}
	var re *RequestError
	if errors.As(err, &re) {
		return re
	}
	// A reader failure, e.g. http.MaxBytesError: not the client's JSON.
	if !strings.HasPrefix(msg, "json: ") {
		return fmt.Errorf("openai: reading the request body: %w", err)
	}
	return badRequest("", "the request body does not decode: %s", strings.TrimPrefix(msg, "json: "))
}

func typeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map"), strings.HasPrefix(goType, "openai."), strings.HasPrefix(goType, "struct"):
		return "an object"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "a boolean"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "float"), goType == "json.Number":
		return "a number"
	}
	return goType
}

func (r *ChatCompletionRequest) validate() error {
	if strings.TrimSpace(r.Model) == "" {
		return badRequest("model", "\"model\" is required: \"baton\", \"baton:<policy>\" or a model listed by GET /v1/models")
	}
	if len(r.Messages) == 0 {
		return badRequest("messages", "\"messages\" must hold at least one message")
	}
	for i, m := range r.Messages {
		switch m.Role {
		case "system", "developer", "user", "assistant", "tool":
		default:
			return badRequest(fmt.Sprintf("messages[%d].role", i), "messages[%d].role %q is not one of system, developer, user, assistant, tool", i, m.Role)
		}
		if m.Role == "tool" && m.ToolCallID == "" {
			return badRequest(fmt.Sprintf("messages[%d].tool_call_id", i), "messages[%d] has role tool but no tool_call_id", i)
		}
		if _, err := contentText(m.Content); err != nil {
			return badRequest(fmt.Sprintf("messages[%d].content", i), "messages[%d].content: %v", i, err)
		}
	}
	if r.N != nil && *r.N != 1 {
		return badRequest("n", "\"n\" must be 1: Baton returns one choice")
	}
	for _, p := range []struct {
		name string
		v    *int
	}{{"max_tokens", r.MaxTokens}, {"max_completion_tokens", r.MaxCompletionTokens}} {
		if p.v != nil && *p.v < 1 {
			return badRequest(p.name, "%q must be at least 1", p.name)
		}
	}
	for i, t := range r.Tools {
		if t.Type != "function" {
			return badRequest(fmt.Sprintf("tools[%d].type", i), "tools[%d].type %q is not supported; use \"function\"", i, t.Type)
		}
		if strings.TrimSpace(t.Function.Name) == "" {
			return badRequest(fmt.Sprintf("tools[%d].function.name", i), "tools[%d].function.name is required", i)
		}
	}
	if _, err := r.StopList(); err != nil {
		return err
	}
	return nil
}

// StopList returns "stop" as a list: it may be a string, an array of
// strings, or absent.
func (r *ChatCompletionRequest) StopList() ([]string, error) {
	if len(r.Stop) == 0 || string(r.Stop) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(r.Stop, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(r.Stop, &many); err != nil {
		return nil, badRequest("stop", "\"stop\" must be a string or an array of strings")
	}
	return many, nil
}

// contentText flattens a content value: a string, null, or an array of
// text parts. Non-text parts (images, audio, files) are refused, since no
// Baton model path carries them.
func contentText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if s, ok := plainString(raw); ok {
		return s, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []ContentPart
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", errors.New("must be a string, null, or an array of content parts")
	}
	var b strings.Builder
	for i, p := range parts {
		switch p.Type {
		case "text":
			b.WriteString(p.Text)
		case "refusal":
			b.WriteString(p.Refusal)
		default:
			return "", fmt.Errorf("part %d has type %q; only text parts are supported", i, p.Type)
		}
	}
	return b.String(), nil
}

// plainString returns a JSON string without escapes or control characters
// as it is, without a decode: the common case of message content, read
// twice per request (validation, translation).
func plainString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return "", false
		}
	}
	return string(body), true
}
