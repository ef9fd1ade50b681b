package openai

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/internal/wire"
)

// RelayOptions bound and shape a [Relay].
type RelayOptions struct {
	// MaxOutputTokens is the output bound the caller reserved money for;
	// 0 means none. The relay counts the output it forwards (content,
	// reasoning, refusal and tool-call bytes) at one token per four bytes,
	// rounded up, and cuts the stream before the chunk that would pass the
	// bound.
	MaxOutputTokens int64
	// ForwardUsage passes the upstream's usage-only chunk to the client (it
	// asked for stream_options.include_usage); otherwise the relay reads it
	// and drops it.
	ForwardUsage bool
	// Flush sends what was written on to the client; nil means none. The
	// relay calls it whenever it has written every event the upstream has
	// sent so far, before it waits for more, and before it returns: events
	// are never held back, and a burst of them costs one flush.
	Flush func() error
}

// RelayResult is what a [Relay] saw of the upstream's stream.
type RelayResult struct {
	ID      string // the upstream's completion id, from its first chunk
	Model   string // the model that answered, as the upstream names it
	Created int64  // the upstream's creation time, Unix seconds
	// Content is the reply text of choice 0, assembled.
	Content string
	// OutputBytes counts the output forwarded: content, reasoning,
	// refusal, tool names and arguments.
	OutputBytes int64
	// Usage is the upstream's report from its usage chunk; UsageReported
	// is false when it sent none (or the stream was cut first).
	Usage         chat.Usage
	UsageReported bool
	// FinishReason is the upstream's last finish_reason, or "length" when
	// the relay cut the stream.
	FinishReason string
	// Truncated is set when the relay cut the stream at MaxOutputTokens:
	// the client got a final chunk with finish_reason "length" and the
	// upstream's connection should be closed.
	Truncated bool
	// Events is the number of events written to the client.
	Events int
	// ErrorForwarded is set when the upstream's error event reached the
	// client, which then needs no other error message.
	ErrorForwarded bool

	unflushed bool // events were written since the last flush
}

// ErrClientWrite is wrapped when writing to the client failed: it went
// away.
var ErrClientWrite = errors.New("chat: openai: relay: writing to the client failed")

// maxEventBytes bounds one SSE event; a longer one is malformed.
const maxEventBytes = 1 << 20

// Relay copies an OpenAI chat completions event stream from the upstream's
// body r to the client's w, event by event and byte for byte: nothing is
// re-encoded. It reads just enough of each chunk (with gjson, no decoding
// into structs) to count the output, keep the usage and finish reason, and
// cut the stream at o.MaxOutputTokens; it drops the usage-only chunk unless
// o.ForwardUsage, and does not forward the upstream's "data: [DONE]", so
// the caller can append its own chunks and then end the stream.
//
// It returns when the upstream sent [DONE] (nil error), when it cut the
// stream (nil error, Truncated set), or on failure: an error event from
// the upstream (forwarded, then chat.ErrUpstream), a chunk that is not JSON
// (chat.ErrMalformed, not forwarded), a stream that ends without [DONE]
// (chat.ErrUpstream), a read error of r, or a write error of w
// ([ErrClientWrite]).
func Relay(r io.Reader, w io.Writer, o RelayOptions) (*RelayResult, error) {
	res := &RelayResult{}
	var content strings.Builder
	br := bufio.NewReaderSize(r, 16<<10)
	var ev, data []byte
	for {
		start := len(ev)
		line, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			ev = append(ev, line...)
			if len(ev) > maxEventBytes {
				return res, fmt.Errorf("chat: openai: %w: stream event exceeds %d bytes", chat.ErrMalformed, maxEventBytes)
			}
			line, err = br.ReadSlice('\n')
		}
		ev = append(ev, line...)
		if full := ev[start:]; len(full) > 0 {
			text := bytes.TrimRight(full, "\r\n")
			if len(text) == 0 && start == 0 {
				ev = ev[:0] // a blank line outside an event
			} else if len(text) == 0 {
				stop, derr := relayEvent(ev, data, w, o, res, &content)
				ev, data = ev[:0], data[:0]
				if derr != nil || stop {
					res.Content = content.String()
					return res, flush(o, res, derr)
				}
				if br.Buffered() == 0 {
					if err := flush(o, res, nil); err != nil {
						res.Content = content.String()
						return res, err
					}
				}
			} else if payload, ok := bytes.CutPrefix(text, []byte("data:")); ok {
				payload = bytes.TrimPrefix(payload, []byte(" "))
				if len(data) > 0 {
					data = append(data, '\n')
				}
				data = append(data, payload...)
			}
		}
		if err != nil {
			res.Content = content.String()
			if errors.Is(err, io.EOF) {
				if len(data) > 0 && string(data) == "[DONE]" {
					return res, flush(o, res, nil)
				}
				err = fmt.Errorf("chat: openai: %w: the stream ended without [DONE] after %d events", chat.ErrUpstream, res.Events)
			}
			return res, flush(o, res, err)
		}
	}
}

// relayEvent handles one complete event (raw bytes ev, blank line
// included; data payload data);
// stop is true at [DONE] or after a cut.
func relayEvent(ev, data []byte, w io.Writer, o RelayOptions, res *RelayResult, content *strings.Builder) (stop bool, err error) {
	if len(data) == 0 { // comments and keep-alives pass through
		return false, write(w, o, res, ev)
	}
	if string(data) == "[DONE]" {
		return true, nil
	}
	if !gjson.ValidBytes(data) {
		return false, fmt.Errorf("chat: openai: %w: stream chunk is not JSON: %q", chat.ErrMalformed, wire.Truncate(string(data), 200))
	}
	chunk := gjson.ParseBytes(data)
	if e := chunk.Get("error"); e.Exists() {
		if werr := write(w, o, res, ev); werr != nil {
			return false, werr
		}
		res.ErrorForwarded = true
		msg := e.Get("message").String()
		if msg == "" {
			msg = e.Raw
		}
		return false, fmt.Errorf("chat: openai: %w: error event in the stream: %s", chat.ErrUpstream, wire.Truncate(msg, 1000))
	}
	if res.ID == "" {
		res.ID, res.Model, res.Created = chunk.Get("id").String(), chunk.Get("model").String(), chunk.Get("created").Int()
	}
	usage := chunk.Get("usage")
	if usage.IsObject() {
		res.Usage = chat.Usage{InputTokens: usage.Get("prompt_tokens").Int(), OutputTokens: usage.Get("completion_tokens").Int()}
		res.UsageReported = true
	}
	var added int64
	choices := 0
	chunk.Get("choices").ForEach(func(_, ch gjson.Result) bool {
		choices++
		first := ch.Get("index").Int() == 0
		ch.ForEach(func(k, v gjson.Result) bool {
			switch k.Str {
			case "delta":
				added += deltaBytes(v, first, content)
			case "finish_reason":
				if v.Type == gjson.String && first {
					res.FinishReason = v.Str
				}
			}
			return true
		})
		return true
	})
	if o.MaxOutputTokens > 0 && tokens(res.OutputBytes+added) > o.MaxOutputTokens {
		res.Truncated, res.FinishReason = true, "length"
		return true, write(w, o, res, lengthChunk(res))
	}
	res.OutputBytes += added
	if choices == 0 && usage.IsObject() && !o.ForwardUsage {
		return false, nil
	}
	return false, write(w, o, res, ev)
}

// deltaBytes counts the output in one choice's delta, collecting choice
// 0's content.
func deltaBytes(d gjson.Result, first bool, content *strings.Builder) int64 {
	var n int64
	d.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "content":
			if v.Type == gjson.String {
				n += int64(len(v.Str))
				if first {
					content.WriteString(v.Str)
				}
			}
		case "reasoning_content", "reasoning", "refusal":
			if v.Type == gjson.String {
				n += int64(len(v.Str))
			}
		case "tool_calls":
			v.ForEach(func(_, tc gjson.Result) bool {
				f := tc.Get("function")
				n += int64(len(f.Get("name").Str) + len(f.Get("arguments").Str))
				return true
			})
		}
		return true
	})
	return n
}

// tokens estimates tokens from bytes as tool.EstimateTokens does: one per
// four bytes, rounded up.
func tokens(n int64) int64 { return (n + 3) / 4 }

// lengthChunk is the final chunk of a cut stream.
func lengthChunk(res *RelayResult) []byte {
	id, _ := json.Marshal(res.ID)
	model, _ := json.Marshal(res.Model)
	b := make([]byte, 0, 192)
	b = append(b, `data: {"id":`...)
	b = append(b, id...)
	b = append(b, `,"object":"chat.completion.chunk","created":`...)
	b = strconv.AppendInt(b, res.Created, 10)
	b = append(b, `,"model":`...)
	b = append(b, model...)
	b = append(b, `,"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}`+"\n\n"...)
	return b
}

func write(w io.Writer, o RelayOptions, res *RelayResult, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("%w: %w", ErrClientWrite, err)
	}
	res.Events++
	res.unflushed = true
	return nil
}

// flush flushes what was written since the last flush, and returns err,
// or the flush's own failure when err is nil.
func flush(o RelayOptions, res *RelayResult, err error) error {
	if !res.unflushed || o.Flush == nil || errors.Is(err, ErrClientWrite) {
		return err
	}
	res.unflushed = false
	if ferr := o.Flush(); ferr != nil && err == nil {
		return fmt.Errorf("%w: %w", ErrClientWrite, ferr)
	}
	return err
}
