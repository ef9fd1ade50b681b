package server

import (
	"net/http"
	"strings"

	"github.com/batonhq/baton/server/openai"
)

// handleChat serves POST /v1/chat/completions: the orchestrator for
// "baton" and "baton:<policy>", a metered pass-through for a configured
// model.
func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	req, err := openai.DecodeChatRequest(s.limitBody(w, r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	settings, err := parseSettings(r.Header, req.Baton)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if isBatonModel(req.Model) {
		s.chatOrchestrated(w, r, req, settings)
		return
	}
	m, ok := s.models[req.Model]
	if !ok {
		e := errNotFound("model %q is not served here; GET /v1/models lists the models (%s)", req.Model, strings.Join(append([]string{"baton"}, s.modelNames...), ", "))
		e.code, e.param = "model_not_found", "model"
		s.writeError(w, r, e)
		return
	}
	s.chatGateway(w, r, req, m, settings)
}
