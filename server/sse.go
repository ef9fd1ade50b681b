package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// sse writes a Server-Sent Events stream, flushing after every message.
type sse struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
}

func newSSE(w http.ResponseWriter) *sse { return &sse{w: w, rc: http.NewResponseController(w)} }

// begin sends the headers; until then an error can still be an HTTP status.
func (s *sse) begin() {
	if s.started {
		return
	}
	s.writeHeader()
	_ = s.rc.Flush()
}

// writeHeader writes the headers without flushing them: they leave with
// the first event.
func (s *sse) writeHeader() {
	s.started = true
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	s.w.WriteHeader(http.StatusOK)
}

func (s *sse) flush() error {
	if err := s.rc.Flush(); err != nil {
		return fmt.Errorf("server: flush: %w", err)
	}
	return nil
}

// data sends v as one "data:" message.
func (s *sse) data(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("server: encode stream message: %w", err)
	}
	s.begin()
	if _, err := fmt.Fprintf(s.w, "data: %s\n\n", b); err != nil {
		return err
	}
	return s.flush()
}

// event sends v as a message with an id (for Last-Event-ID) and a type.
func (s *sse) event(id int, typ string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("server: encode event: %w", err)
	}
	s.begin()
	if _, err := fmt.Fprintf(s.w, "id: %d\nevent: %s\ndata: %s\n\n", id, typ, b); err != nil {
		return err
	}
	return s.flush()
}

// comment sends a comment line, which clients ignore: progress and
// keep-alives for proxies.
func (s *sse) comment(text string) error {
	s.begin()
	text = strings.ReplaceAll(text, "\n", " ")
	if _, err := fmt.Fprintf(s.w, ": %s\n\n", text); err != nil {
		return err
	}
	return s.flush()
}

// done sends OpenAI's end-of-stream marker.
func (s *sse) done() error {
	s.begin()
	if _, err := fmt.Fprint(s.w, "data: [DONE]\n\n"); err != nil {
		return err
	}
	return s.flush()
}

// last sends v as the final "data:" message and OpenAI's end-of-stream
// marker in one write and one flush.
func (s *sse) last(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("server: encode stream message: %w", err)
	}
	s.begin()
	buf := make([]byte, 0, len(b)+32)
	buf = append(append(append(buf, "data: "...), b...), "\n\ndata: [DONE]\n\n"...)
	if _, err := s.w.Write(buf); err != nil {
		return err
	}
	return s.flush()
}
