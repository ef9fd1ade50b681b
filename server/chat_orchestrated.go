package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/server/openai"
)

// chatOrchestrated runs the orchestrator on the conversation and answers
// with its final answer. The run is tied to the request: a client that
// hangs up cancels it and its in-flight calls.
func (s *Server) chatOrchestrated(w http.ResponseWriter, r *http.Request, req *openai.ChatCompletionRequest, rs runSettings) {
	ctx := r.Context()
	if len(req.Tools) > 0 {
		s.writeError(w, r, errBadRequest("tools", "client tools are forwarded to pass-through models only; model %q calls the tools configured in baton.yaml", req.Model))
		return
	}
	creq, err := req.Internal()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	task := episode.Task{Prompt: promptOf(creq.Messages), Preferences: rs.prefs, Budget: tighten(s.defaultBudget, rs.budget), Tools: rs.tools}
	rn, err := s.startRun(r, task, policyOf(req.Model, s.defaultPolicy), false)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Stream {
		s.streamOrchestrated(w, r, req, rn)
		return
	}
	<-rn.done
	if ctx.Err() != nil {
		return // the client is gone; the run was cancelled and recorded
	}
	ep := rn.ep
	if ae := runFailure(rn); ae != nil {
		s.writeError(w, r, ae)
		return
	}
	answer := ep.Answer
	writeJSON(w, http.StatusOK, openai.ChatCompletion{
		ID: "chatcmpl-" + rn.id, Object: "chat.completion", Created: s.now().Unix(), Model: req.Model,
		Choices: []openai.Choice{{
			Message:      openai.ResponseMessage{Role: "assistant", Content: &answer},
			FinishReason: finishOf(ep), Logprobs: []byte("null"),
		}},
		Usage: usageOf(ep), Baton: runInfo(ep),
	})
}

// startRun checks what a run needs (a policy, allowed tools, a key with
// money left) and starts it.
func (s *Server) startRun(r *http.Request, task episode.Task, policyName string, detached bool) (*run, error) {
	ctx := r.Context()
	key := keyFrom(ctx)
	if _, err := s.tools.Subset(task.Tools); err != nil {
		return nil, errBadRequest("baton.tools", "%v", err)
	}
	sp, err := s.store.Spent(ctx, key.ID)
	if err != nil {
		return nil, fmt.Errorf("server: reading the key's spending: %w", err)
	}
	if why := keyExhausted(key, sp); why != "" {
		s.metrics.budgetRefusals.WithLabelValues(key.ID, "key").Inc()
		return nil, errBudget("budget exceeded for this key: " + why)
	}
	return s.runs.start(ctx, key, task, policyName, detached)
}

// policyOf is the policy a model name selects.
func policyOf(model, def string) string {
	if p, ok := strings.CutPrefix(model, "baton:"); ok && p != "" {
		return p
	}
	return def
}

// runFailure is the error a finished run is answered with, or nil if it
// has an answer to give: only an answered run is a 200. A run whose every call the budget refused is a
// budget failure even if the policy then answered (from the refusal).
func runFailure(rn *run) *apiError {
	ep := rn.ep
	switch ep.Status {
	case episode.StatusAnswered, episode.StatusMaxTurns, episode.StatusFailed, episode.StatusNoAnswer:
		if rn.refused.Load() > 0 && rn.succeeded.Load() == 0 {
			msg := "the budget refused every call of this run"
			if e, ok := lastOf(rn.hist, episode.EventRefused); ok {
				msg += ": " + e.Content
			}
			return errBudget(msg)
		}
	}
	switch ep.Status {
	case episode.StatusAnswered:
		return nil
	case episode.StatusMaxTurns:
		// No answer came within the turns: a 200 with empty content would
		// claim one did.
		return &apiError{status: http.StatusBadGateway, typ: "upstream_error", code: "max_turns",
			message: "the run used its turn budget without an answer: " + ep.Error + " (run " + ep.RunID + "); raise baton.budget.max_turns or budget.max_turns in baton.yaml"}
	case episode.StatusNoBudget:
		return errBudget("the run's budget is exhausted: " + ep.Error)
	case episode.StatusTimeout:
		return &apiError{status: http.StatusGatewayTimeout, typ: "timeout_error", code: "time_budget_exhausted",
			message: "the run's time budget ran out before an answer (run " + ep.RunID + ")"}
	case episode.StatusCancelled:
		return errUnavailable("the run was cancelled (server shutting down or cancelled by request)")
	case episode.StatusNoAnswer:
		return &apiError{status: http.StatusBadGateway, typ: "upstream_error", code: "no_answer",
			message: "the run ended without an answer: " + ep.Error + " (run " + ep.RunID + ")"}
	}
	return &apiError{status: http.StatusBadGateway, typ: "upstream_error", code: "run_failed",
		message: "the run failed: " + ep.Error}
}

func finishOf(ep *episode.Episode) string {
	if ep.Status == episode.StatusMaxTurns {
		return "length"
	}
	return "stop"
}

func lastOf(h *history, typ episode.EventType) (episode.Event, bool) {
	evs, _, _ := h.since(0)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == typ {
			return evs[i], true
		}
	}
	return episode.Event{}, false
}

// streamOrchestrated streams the run: the role chunk at once, a comment
// per trace event (progress that clients ignore and proxies see as
// traffic), then the answer, a finish chunk with the "baton" extension,
// usage when asked, and [DONE].
func (s *Server) streamOrchestrated(w http.ResponseWriter, r *http.Request, req *openai.ChatCompletionRequest, rn *run) {
	ctx := r.Context()
	sw := newSSE(w)
	id := "chatcmpl-" + rn.id
	created := s.now().Unix()
	chunk := func(d openai.Delta, finish *string) openai.Chunk {
		return openai.Chunk{ID: id, Object: "chat.completion.chunk", Created: created, Model: req.Model,
			Choices: []openai.ChunkChoice{{Delta: d, FinishReason: finish}}}
	}
	empty := ""
	if err := sw.data(chunk(openai.Delta{Role: "assistant", Content: &empty}, nil)); err != nil {
		<-rn.done
		return
	}
	after := 0
	for {
		evs, done, wake := rn.hist.since(after)
		for _, e := range evs {
			after = e.Seq
			_ = sw.comment(progressLine(e))
		}
		if done {
			break
		}
		select {
		case <-wake:
		case <-ctx.Done():
			<-rn.done
			return
		}
	}
	<-rn.done
	ep := rn.ep
	if ae := runFailure(rn); ae != nil {
		_ = sw.data(ae.body())
		return
	}
	answer := ep.Answer
	_ = sw.data(chunk(openai.Delta{Content: &answer}, nil))
	finish := finishOf(ep)
	last := chunk(openai.Delta{}, &finish)
	last.Baton = runInfo(ep)
	_ = sw.data(last)
	if req.IncludeUsage() {
		u := chunk(openai.Delta{}, nil)
		u.Choices = []openai.ChunkChoice{}
		u.Usage = usageOf(ep)
		_ = sw.data(u)
	}
	_ = sw.done()
}

func progressLine(e episode.Event) string {
	switch e.Type {
	case episode.EventCall:
		return fmt.Sprintf("baton turn %d: call %s", e.Turn, e.Tool)
	case episode.EventResult:
		return fmt.Sprintf("baton turn %d: %s returned (error %t, cost %s)", e.Turn, e.Tool, e.IsError, e.Cost)
	case episode.EventRefused, episode.EventInvalid:
		return fmt.Sprintf("baton turn %d: %s %s", e.Turn, e.Type, e.Tool)
	}
	return fmt.Sprintf("baton %s", e.Type)
}
