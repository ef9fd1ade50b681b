package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/batonhq/baton/store"
)

// handleHealth says the process is alive; it touches nothing else.
func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady says the server can take requests: not draining, and the
// store answers (a lookup of a key that cannot exist).
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		s.writeError(w, r, errUnavailable("shutting down"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.store.GetKey(ctx, "readyz-probe"); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.writeError(w, r, errUnavailable("the store is not answering"))
		s.log.WarnContext(r.Context(), "readyz: store check failed", "err", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
