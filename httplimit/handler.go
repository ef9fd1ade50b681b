package httplimit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
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
	// starts; the body is read in full before the handler sees it.
	BodyTimeout time.Duration
	// MaxBodyBytes bounds a request's body.
	MaxBodyBytes int64
	// WriteStall bounds each write of a response: a client that does not
	// take a write within it loses the connection. A stream may last
	// forever as long as each of its writes goes through.
	WriteStall time.Duration
	// IdleTimeout closes a keep-alive connection idle for this long.
	IdleTimeout time.Duration
	// OnError writes an error response in the server's own format; nil
	// writes plain text.
	OnError func(w http.ResponseWriter, r *http.Request, status int, msg string)
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
	if l.OnError == nil {
		l.OnError = func(w http.ResponseWriter, _ *http.Request, status int, msg string) { http.Error(w, msg, status) }
	}
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

// Handler wraps h: a request body is read in full, within BodyTimeout and
// MaxBodyBytes, before h runs (413 or 408 otherwise), and every write of
// the response must go through within WriteStall of its start.
func Handler(h http.Handler, l Limits) http.Handler {
	l = l.WithDefaults()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Now().Add(l.BodyTimeout))
			b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.MaxBodyBytes))
			// No deadline once the body is in: net/http's background read
			// (which notices a client hanging up) must not time out and
			// cancel a long run.
			_ = rc.SetReadDeadline(time.Time{})
			if err != nil {
				var mb *http.MaxBytesError
				var ne net.Error
				switch {
				case errors.As(err, &mb):
					l.OnError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", mb.Limit))
				case errors.As(err, &ne) && ne.Timeout():
					w.Header().Set("Connection", "close")
					l.OnError(w, r, http.StatusRequestTimeout, fmt.Sprintf("the request body did not arrive within %s", l.BodyTimeout))
				default:
					l.OnError(w, r, http.StatusBadRequest, "reading the request body: "+err.Error())
				}
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		sw := &stallWriter{ResponseWriter: w, rc: http.NewResponseController(w), stall: l.WriteStall}
		h.ServeHTTP(sw, r)
		sw.extend() // net/http flushes what is buffered after the handler returns

	})
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
