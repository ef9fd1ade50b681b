package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"time"
)

type reqInfoCtx struct{}

// reqInfo is filled in while a request is served, for its log line.
type reqInfo struct {
	mu    sync.Mutex
	keyID string
}

func setLogKey(ctx context.Context, keyID string) {
	if ri, ok := ctx.Value(reqInfoCtx{}).(*reqInfo); ok {
		ri.mu.Lock()
		ri.keyID = keyID
		ri.mu.Unlock()
	}
}

// statusWriter records the status; it forwards Flush and Unwrap so SSE and
// http.ResponseController keep working through it.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe wraps a route: request ID, metrics and one structured log line.
// Headers are never logged, so keys and secrets cannot leak into logs.
func (s *Server) observe(route string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = newID("req_")
		}
		w.Header().Set("X-Request-Id", id)
		ri := &reqInfo{}
		sw := &statusWriter{ResponseWriter: w}
		h(sw, r.WithContext(context.WithValue(r.Context(), reqInfoCtx{}, ri)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(d.Seconds())
		ri.mu.Lock()
		key := ri.keyID
		ri.mu.Unlock()
		s.log.InfoContext(r.Context(), "request", "id", id, "method", r.Method, "route", route,
			"status", sw.status, "bytes", sw.bytes, "duration", d, "key", key, "client_gone", r.Context().Err() != nil)
	}
}

func newID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
