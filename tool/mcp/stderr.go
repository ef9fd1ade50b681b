package mcp

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// tailSize is how much of a subprocess's stderr is kept for error messages:
// enough for a stack trace's head or a few log lines, small enough to
// quote in a tool result.
const tailSize = 4 << 10

// tail keeps the last bytes written to it. It is the subprocess's stderr,
// so that a server that fails can be explained with its own last words.
type tail struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func newTail(max int) *tail { return &tail{max: max} }

// Write keeps the last max bytes of everything written.
func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// String returns the kept text, trimmed, starting at a line and rune
// boundary when the start was cut off.
func (t *tail) String() string {
	t.mu.Lock()
	b := append([]byte(nil), t.buf...)
	t.mu.Unlock()
	s := string(b)
	if len(b) >= t.max {
		if i := strings.IndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
			s = s[i+1:]
		}
		for len(s) > 0 && !utf8.RuneStart(s[0]) {
			s = s[1:]
		}
	}
	return strings.TrimSpace(s)
}
