package llm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/policy"
)

// Hermes tags, as Qwen3-based models such as Orchestrator-8B write them and
// vLLM's hermes tool parser reads them.
const (
	tagCall      = "<tool_call>"
	tagCallEnd   = "</tool_call>"
	tagThink     = "<think>"
	tagThinkEnd  = "</think>"
	callExample  = `<tool_call>{"name": "search", "arguments": {"model": "search-1"}}</tool_call>`
	maxErrQuoted = 200
	// maxCloseTries bounds the closing tags tried for one call.
	maxCloseTries = 8
)

// ParseToolCalls reads the Hermes-style tool calls in a model's text:
// each "<tool_call>{"name": ..., "arguments": ...}</tool_call>" block, in
// order. Arguments may be a JSON object or a string holding one (both
// occur); a missing or null arguments is the empty object. Calls inside
// "<think>" blocks are reasoning, not calls, and are skipped. A final block
// without its closing tag is accepted when its JSON is complete, as vLLM
// does. Whitespace around the JSON is ignored.
//
// Text without any tag yields no calls and no error. A block whose JSON is
// malformed, lacks a name, or has arguments that are not an object yields
// an error wrapping [policy.ErrInvalidAction] that says what was wrong, to
// show the model. Every returned call has Arguments holding a compact JSON
// object.
func ParseToolCalls(text string) ([]chat.ToolCall, error) {
	_, body := splitThink(text)
	var calls []chat.ToolCall
	for n := 1; ; n++ {
		i := strings.Index(body, tagCall)
		if i < 0 {
			return calls, nil
		}
		body = body[i+len(tagCall):]
		tc, rest, closed, err := cutCall(body)
		if err != nil {
			if !closed {
				err = fmt.Errorf("%w (the tag is not closed with %s)", err, tagCallEnd)
			}
			return nil, fmt.Errorf("%w: tool call #%d: %w; write each call as %s", policy.ErrInvalidAction, n, err, callExample)
		}
		calls = append(calls, tc)
		if !closed {
			return calls, nil
		}
		body = rest
	}
}

// cutCall parses the call at the start of body, up to its closing tag.
// When the JSON does not parse up to the first closing tag, later ones are
// tried, so an argument that itself contains "</tool_call>" (code that
// prints it, say) survives; the first attempt's error is reported if none
// parses.
func cutCall(body string) (tc chat.ToolCall, rest string, closed bool, err error) {
	end := 0
	var firstErr error
	// A few closing tags are tried, not all, so a reply full of them
	// cannot make parsing quadratic.
	for try := 0; try < maxCloseTries; try++ {
		j := strings.Index(body[end:], tagCallEnd)
		if j < 0 {
			break
		}
		end += j
		tc, err := parseCallJSON(body[:end])
		if err == nil {
			return tc, body[end+len(tagCallEnd):], true, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		end += len(tagCallEnd)
	}
	if firstErr != nil {
		return chat.ToolCall{}, "", true, firstErr
	}
	tc, err = parseCallJSON(body)
	return tc, "", false, err
}

// callJSON is the object inside a <tool_call> tag. Some models write
// "parameters" instead of "arguments".
type callJSON struct {
	Name       *string         `json:"name"`
	Arguments  json.RawMessage `json:"arguments"`
	Parameters json.RawMessage `json:"parameters"`
}

func parseCallJSON(s string) (chat.ToolCall, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return chat.ToolCall{}, fmt.Errorf("empty tag")
	}
	dec := json.NewDecoder(strings.NewReader(s))
	var c callJSON
	if err := dec.Decode(&c); err != nil {
		return chat.ToolCall{}, fmt.Errorf("not a JSON object (%v): %s", err, quote(s))
	}
	if strings.TrimSpace(s[dec.InputOffset():]) != "" {
		return chat.ToolCall{}, fmt.Errorf("text after the JSON object: %s", quote(s))
	}
	if c.Name == nil || strings.TrimSpace(*c.Name) == "" {
		return chat.ToolCall{}, fmt.Errorf(`missing "name": %s`, quote(s))
	}
	raw := c.Arguments
	if len(raw) == 0 {
		raw = c.Parameters
	}
	args, err := normalizeArgs(raw)
	if err != nil {
		return chat.ToolCall{}, fmt.Errorf("%s: %w", *c.Name, err)
	}
	return chat.ToolCall{Name: strings.TrimSpace(*c.Name), Arguments: args}, nil
}

// normalizeArgs turns an arguments value (object, string holding an
// object, or null) into compact object JSON.
func normalizeArgs(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "{}", nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("arguments string does not decode: %v", err)
		}
		if strings.TrimSpace(s) == "" {
			return "{}", nil
		}
		raw = json.RawMessage(s)
	}
	return objectJSON([]byte(raw))
}

// objectJSON checks that b is one JSON object and compacts it.
func objectJSON(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "{}", nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return "", fmt.Errorf("arguments are not a JSON object (%v): %s", err, quote(string(b)))
	}
	if obj == nil {
		return "{}", nil
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return "", fmt.Errorf("arguments are not valid JSON (%v): %s", err, quote(string(b)))
	}
	return out.String(), nil
}

// splitThink separates "<think>" reasoning from the rest of a reply. A
// closing tag without an opening one means the template opened the block
// in the prompt (Qwen3 does), so everything before it is reasoning; an
// unclosed block runs to the end.
func splitThink(text string) (thought, body string) {
	var th, bd strings.Builder
	rest := text
	if i := strings.Index(rest, tagThinkEnd); i >= 0 && !strings.Contains(rest[:i], tagThink) {
		th.WriteString(rest[:i])
		rest = rest[i+len(tagThinkEnd):]
	}
	for {
		i := strings.Index(rest, tagThink)
		if i < 0 {
			bd.WriteString(rest)
			break
		}
		bd.WriteString(rest[:i])
		rest = rest[i+len(tagThink):]
		inner, after, closed := strings.Cut(rest, tagThinkEnd)
		if th.Len() > 0 {
			th.WriteString("\n")
		}
		th.WriteString(inner)
		if !closed {
			break
		}
		rest = after
	}
	return strings.TrimSpace(th.String()), bd.String()
}

// stripCalls removes the <tool_call> blocks from text, leaving prose.
func stripCalls(text string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, tagCall)
		if i < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		_, after, closed := strings.Cut(text[i:], tagCallEnd)
		if !closed {
			break
		}
		text = after
	}
	return strings.TrimSpace(b.String())
}

// quote shortens s for an error message.
func quote(s string) string {
	if len(s) > maxErrQuoted {
		// Cut on a rune boundary so the message stays valid UTF-8.
		cut := maxErrQuoted
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
