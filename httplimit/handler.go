package httplimit

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits are the bounds [Server], [Handler] and [Listener] enforce. Zero
// fields take the defaults below.
type Limits struct {
	// MaxConns caps connections open at once; MaxConnsPerClient caps them
	// per client IP address.
	MaxConns, MaxConnsPerClient int
	// HeaderTimeout bounds reading a request's headers.
	HeaderTimeout time.Duration
	// BodyTimeout bounds reading a request's body, from when the handler
	// starts.
	BodyTimeout time.Duration
	// MaxBodyBytes bounds a request's body.
	MaxBodyBytes int64
	// WriteStall bounds each write of a response: a client that does not
	// take a write within it loses the connection. A stream may last
	// forever as long as each of its writes goes through.
	WriteStall time.Duration
	// IdleTimeout closes a keep-alive connection idle for this long.
	IdleTimeout time.Duration
}

// Defaults of [Limits].
const (
	DefaultMaxConns          = 1024
	DefaultMaxConnsPerClient = 64
	DefaultHeaderTimeout     = 10 * time.Second
	DefaultBodyTimeout       = 30 * time.Second
	DefaultMaxBodyBytes      = 1 << 20
	DefaultWriteStall        = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
)

// WithDefaults returns l with zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	set := func(p *time.Duration, d time.Duration) {
		if *p <= 0 {
			*p = d
		}
	}
	if l.MaxConns <= 0 {
		l.MaxConns = DefaultMaxConns
	}
	if l.MaxConnsPerClient <= 0 {
		l.MaxConnsPerClient = DefaultMaxConnsPerClient
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	set(&l.HeaderTimeout, DefaultHeaderTimeout)
	set(&l.BodyTimeout, DefaultBodyTimeout)
	set(&l.WriteStall, DefaultWriteStall)
	set(&l.IdleTimeout, DefaultIdleTimeout)
	return l
}

// Server returns an http.Server for h with l's timeouts and h wrapped by
// [Handler]. Serve it on a [Listen]-wrapped listener for the connection
// caps (see [ListenAndServe]).
func Server(h http.Handler, l Limits, log *slog.Logger) *http.Server {
	l = l.WithDefaults()
	hs := &http.Server{
		Handler:           Handler(h, l),
		ReadHeaderTimeout: l.HeaderTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	if log != nil {
		hs.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	}
	return hs
}

// ErrBodyTimeout is wrapped by a body read that did not finish within
// Limits.BodyTimeout; servers answer it with 408.
var ErrBodyTimeout = errors.New("httplimit: the request body did not arrive in time")

// Handler wraps h: a request body must arrive within BodyTimeout of the
// handler's start (reads past it fail with [ErrBodyTimeout]) and is
// bounded by MaxBodyBytes (reads past it fail with *http.MaxBytesError);
// every write of the response must go through within WriteStall of its
// start. The body is read by h, as it chooses (after authentication, say),
// never buffered here.
func Handler(h http.Handler, l Limits) http.Handler {
	l = l.WithDefaults()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
			// Only requests with a body: without one, net/http's
			// background read (which notices a client hanging up) is
			// already running and must never time out, or it would
			// cancel a long run's context.
			_ = rc.SetReadDeadline(time.Now().Add(l.BodyTimeout))
			r.Body = &body{ReadCloser: http.MaxBytesReader(w, r.Body, l.MaxBodyBytes), w: w, rc: rc, timeout: l.BodyTimeout}
		}
		sw := &stallWriter{ResponseWriter: w, rc: rc, stall: l.WriteStall}
		h.ServeHTTP(sw, r)
		sw.extend() // net/http flushes what is buffered after the handler returns
	})
}

// body lifts the read deadline once the body ends, so the background read
// net/http starts then has none.
type body struct {
	io.ReadCloser
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	once    sync.Once
}

// Read implements io.Reader.
func (b *body) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		b.once.Do(func() { _ = b.rc.SetReadDeadline(time.Time{}) })
	default:
		// A body cut short (too slow, too large) leaves the connection
		// unusable: net/http would otherwise try to drain the rest
		// before answering.
		b.w.Header().Set("Connection", "close")
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			err = fmt.Errorf("%w (%s): %w", ErrBodyTimeout, b.timeout, err)
		}
	}
	return n, err
}

// stallWriter sets a fresh write deadline before each write and flush.
type stallWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	stall time.Duration
	until time.Time
}

func (w *stallWriter) extend() {
	now := time.Now()
	// Moving the deadline costs a little; do it when half of it is used.
	if w.until.Sub(now) < w.stall/2 {
		w.until = now.Add(w.stall)
		_ = w.rc.SetWriteDeadline(w.until)
	}
}

// Write implements http.ResponseWriter.
func (w *stallWriter) Write(b []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(b)
}

// Flush implements http.Flusher.
func (w *stallWriter) Flush() {
	w.extend()
	_ = w.rc.Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *stallWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
