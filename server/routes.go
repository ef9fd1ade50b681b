package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern, route string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, s.observe(route, s.authenticate(h)))
	}
	api("POST /v1/chat/completions", "chat_completions", s.handleChat)
	api("GET /v1/models", "models", s.handleModels)
	api("POST /v1/runs", "runs_create", s.handleCreateRun)
	api("GET /v1/runs/{id}", "runs_get", s.handleGetRun)
	api("GET /v1/runs/{id}/events", "runs_events", s.handleRunEvents)
	api("POST /v1/runs/{id}/cancel", "runs_cancel", s.handleCancelRun)
	api("POST /v1/runs/{id}/feedback", "runs_feedback", s.handleSetFeedback)
	api("GET /v1/runs/{id}/feedback", "runs_feedback_get", s.handleGetFeedback)
	api("POST /v1/chat/completions/{id}/feedback", "chat_feedback", s.handleSetFeedback)
	api("GET /v1/chat/completions/{id}/feedback", "chat_feedback_get", s.handleGetFeedback)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("/", s.observe("unknown", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNotFound("no route %s %s; see the README for Baton's endpoints", r.Method, r.URL.Path))
	}))
	return mux
}
