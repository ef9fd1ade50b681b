package sandbox

import (
	"bytes"
	"sync"
)

// capture keeps the first limit bytes written to its streams, shared
// between them, and discards the rest so a run printing gigabytes costs at
// most limit bytes of memory. The first write past the limit calls
// onOverflow once, which stops the run.
type capture struct {
	mu         sync.Mutex
	limit      int
	used       int
	truncated  bool
	onOverflow func()
	bufs       [2]bytes.Buffer
}

func newCapture(limit int, onOverflow func()) *capture {
	return &capture{limit: limit, onOverflow: onOverflow}
}

// stream returns the writer of stream i (0 stdout, 1 stderr).
func (c *capture) stream(i int) *captureStream { return &captureStream{c: c, i: i} }

func (c *capture) write(i int, p []byte) {
	c.mu.Lock()
	room := c.limit - c.used
	n := min(len(p), room)
	c.bufs[i].Write(p[:n])
	c.used += n
	overflow := n < len(p) && !c.truncated
	if overflow {
		c.truncated = true
	}
	c.mu.Unlock()
	if overflow && c.onOverflow != nil {
		c.onOverflow()
	}
}

// result returns the kept output of both streams and whether any was
// discarded.
func (c *capture) result() (stdout, stderr string, truncated bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bufs[0].String(), c.bufs[1].String(), c.truncated
}

type captureStream struct {
	c *capture
	i int
}

// Write never fails: it reports everything as written so the copier keeps
// draining the pipe (and the child never blocks on a full pipe) until the
// child is killed.
func (s *captureStream) Write(p []byte) (int, error) {
	s.c.write(s.i, p)
	return len(p), nil
}
