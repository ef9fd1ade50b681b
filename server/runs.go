package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/server/openai"
	"github.com/batonhq/baton/store"
)

// CreateRunRequest is the body of POST /v1/runs.
type CreateRunRequest struct {
	// Prompt is the task.
	Prompt string `json:"prompt"`
	// Policy is the policy kind; empty means the server's default.
	Policy string `json:"policy,omitempty"`
	// Preferences, Prefer, Budget and Tools are as in the chat
	// completions "baton" extension.
	Preferences json.RawMessage      `json:"preferences,omitempty"`
	Prefer      string               `json:"prefer,omitempty"`
	Budget      *openai.BudgetLimits `json:"budget,omitempty"`
	Tools       []string             `json:"tools,omitempty"`
}

// RunView is the body of GET /v1/runs/{id} (and of POST /v1/runs).
type RunView struct {
	ID       string           `json:"id"`
	Object   string           `json:"object"`
	Status   string           `json:"status"`
	Created  time.Time        `json:"created"`
	Updated  time.Time        `json:"updated"`
	Task     episode.Task     `json:"task"`
	Answer   string           `json:"answer,omitempty"`
	Error    string           `json:"error,omitempty"`
	Cost     money.Amount     `json:"cost"`
	CostUSD  float64          `json:"cost_usd"`
	LatencyS float64          `json:"latency_s,omitempty"`
	Steps    []episode.Step   `json:"steps"`
	Summary  *openai.RunInfo  `json:"summary,omitempty"`
	Events   string           `json:"events_url"`
	Episode  *episode.Episode `json:"-"`
}

func (s *Server) handleCreateRun(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(s.limitBody(w, r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req CreateRunRequest
	if err := openai.DecodeStrict(body, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Prompt == "" {
		s.writeError(w, r, errBadRequest("prompt", "\"prompt\" is required"))
		return
	}
	rs, err := parseSettings(r.Header, &openai.Extension{Preferences: req.Preferences, Prefer: req.Prefer, Budget: req.Budget, Tools: req.Tools})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	name := req.Policy
	if name == "" {
		name = s.defaultPolicy
	}
	task := episode.Task{Prompt: req.Prompt, Preferences: rs.prefs, Budget: tighten(s.defaultBudget, rs.budget), Tools: rs.tools}
	rn, err := s.startRun(r, task, name, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if r.URL.Query().Get("wait") != "true" {
		s.writeRun(w, r, rn.id, http.StatusAccepted)
		return
	}
	select {
	case <-rn.done:
		s.writeRun(w, r, rn.id, http.StatusOK)
	case <-r.Context().Done():
		// The run is detached: it goes on, and GET /v1/runs/{id} finds it.
	}
}

func (s *Server) handleGetRun(w http.ResponseWriter, r *http.Request) {
	s.writeRun(w, r, r.PathValue("id"), http.StatusOK)
}

// handleCancelRun cancels a run executing in this process. A run on
// another replica cannot be reached from here (409 says so).
func (s *Server) handleCancelRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	stored, err := s.ownRun(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rn, live := s.runs.get(id)
	if !live {
		if stored.Status == "running" {
			s.writeError(w, r, &apiError{status: http.StatusConflict, typ: "invalid_request_error", code: "run_elsewhere",
				message: "run " + id + " is executing on another replica; send the cancel there"})
			return
		}
		s.writeError(w, r, &apiError{status: http.StatusConflict, typ: "invalid_request_error", code: "run_finished",
			message: "run " + id + " already ended with status " + stored.Status})
		return
	}
	rn.cancel()
	select {
	case <-rn.done:
	case <-r.Context().Done():
		return
	}
	s.writeRun(w, r, id, http.StatusOK)
}

// ownRun returns the stored run if it belongs to the request's key; runs
// of other keys do not exist as far as this key can tell.
func (s *Server) ownRun(ctx context.Context, id string) (store.Run, error) {
	run, err := s.store.GetRun(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && run.KeyID != keyFrom(ctx).ID) {
		return store.Run{}, errNotFound("no run %q", id)
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("server: get run: %w", err)
	}
	return run, nil
}

func (s *Server) writeRun(w http.ResponseWriter, r *http.Request, id string, status int) {
	run, err := s.ownRun(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := RunView{ID: run.ID, Object: "baton.run", Status: run.Status, Created: run.Created, Updated: run.Updated,
		Task: run.Task, Steps: []episode.Step{}, Events: "/v1/runs/" + run.ID + "/events"}
	if ep := run.Episode; ep != nil {
		v.Answer, v.Error, v.Cost, v.LatencyS, v.Steps, v.Summary = ep.Answer, ep.Error, ep.Cost, ep.Latency.Seconds(), ep.Steps, runInfo(ep)
	} else if rn, ok := s.runs.get(id); ok {
		if e, ok := rn.hist.last(); ok {
			v.Cost = e.Spent
		}
	}
	v.CostUSD = v.Cost.USD()
	writeJSON(w, status, v)
}
