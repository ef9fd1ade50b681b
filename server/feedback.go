package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/batonhq/baton/server/openai"
	"github.com/batonhq/baton/store"
)

// FeedbackRequest is the body of POST /v1/runs/{id}/feedback.
type FeedbackRequest struct {
	// Score is the run's outcome in [0, 1]; required.
	Score *float64 `json:"score"`
	// Text is an optional comment, at most [store.MaxFeedbackText] bytes.
	Text string `json:"text,omitempty"`
}

// FeedbackView is the body answering POST and GET /v1/runs/{id}/feedback.
type FeedbackView struct {
	Object string  `json:"object"` // "baton.feedback"
	RunID  string  `json:"run_id"`
	Score  float64 `json:"score"`
	Text   string  `json:"text,omitempty"`
	// Source is "user" (sent to this endpoint) or "judge" (the LLM judge
	// of baton.yaml's judge: scored the run).
	Source string `json:"source"`
	// JudgeCostUSD and JudgeCost (exact decimal dollars) are what judging
	// the run cost, apart from the run's own cost; kept when a user's
	// feedback replaces a judge's.
	JudgeCostUSD float64   `json:"judge_cost_usd"`
	JudgeCost    string    `json:"judge_cost"`
	Created      time.Time `json:"created"`
	// Replaced says the run's earlier feedback was replaced by this one.
	Replaced bool `json:"replaced"`
}

// feedbackView is the view of stored feedback.
func feedbackView(f store.Feedback, replaced bool) FeedbackView {
	return FeedbackView{Object: "baton.feedback", RunID: f.RunID, Score: f.Score, Text: f.Text, Source: f.Source,
		JudgeCostUSD: f.JudgeCost.USD(), JudgeCost: f.JudgeCost.Decimal(), Created: f.Created, Replaced: replaced}
}

// feedbackRunID reads the run ID from the path: a run ID, or a chat
// completion's ID ("chatcmpl-" + its run ID).
func feedbackRunID(r *http.Request) string {
	id := r.PathValue("id")
	if rest, ok := strings.CutPrefix(id, "chatcmpl-"); ok {
		return rest
	}
	return id
}

// handleSetFeedback stores the outcome of one of the key's runs; another
// key's run is a 404, as if it did not exist. A second feedback replaces
// the first, a judge's included (200 with "replaced": true; the first is
// 201).
func (s *Server) handleSetFeedback(w http.ResponseWriter, r *http.Request) {
	id := feedbackRunID(r)
	if _, err := s.ownRun(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := readBody(s.limitBody(w, r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req FeedbackRequest
	if err := openai.DecodeStrict(body, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Score == nil {
		s.writeError(w, r, errBadRequest("score", "\"score\" is required: a number in [0, 1] (1 = fully right)"))
		return
	}
	f, replaced, err := s.store.SetFeedback(r.Context(), store.Feedback{RunID: id, Score: *req.Score, Text: req.Text, Source: store.SourceUser})
	switch {
	case errors.Is(err, store.ErrInvalidFeedback):
		param := "score"
		if strings.Contains(err.Error(), "text") {
			param = "text"
		}
		s.writeError(w, r, errBadRequest(param, "%s", strings.TrimPrefix(err.Error(), store.ErrInvalidFeedback.Error()+": ")))
		return
	case errors.Is(err, store.ErrNotFound):
		s.writeError(w, r, errNotFound("no run %q", id))
		return
	case err != nil:
		s.writeError(w, r, fmt.Errorf("server: storing feedback: %w", err))
		return
	}
	status := http.StatusCreated
	if replaced {
		status = http.StatusOK
	}
	writeJSON(w, status, feedbackView(f, replaced))
}

// handleGetFeedback returns the feedback on one of the key's runs; 404
// when the run has none.
func (s *Server) handleGetFeedback(w http.ResponseWriter, r *http.Request) {
	id := feedbackRunID(r)
	if _, err := s.ownRun(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := s.store.GetFeedback(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.writeError(w, r, errNotFound("run %q has no feedback yet; POST /v1/runs/%s/feedback sets it", id, id))
		return
	}
	if err != nil {
		s.writeError(w, r, fmt.Errorf("server: reading feedback: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, feedbackView(f, false))
}
