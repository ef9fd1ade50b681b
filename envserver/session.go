package envserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/tool"
)

// session is one episode in progress.
type session struct {
	id       string
	owner    int // index of the token that created it; -1 without tokens
	envName  string
	env      env.Env
	task     episode.Task
	set      *tool.Set
	maxTurns int

	mu       sync.Mutex
	ep       episode.Episode
	done     bool
	score    *env.Score
	lastUsed time.Time
}

// step applies one action. It returns the response, or an error when the
// system failed (the context was cancelled, the verifier broke).
func (s *session) step(ctx context.Context, req StepRequest) (*StepResponse, error) {
	turn := len(s.ep.Steps)
	resp := &StepResponse{ProtocolVersion: ProtocolVersion, Turn: turn + 1}
	hasArgs := len(bytes.TrimSpace(req.Arguments)) > 0 && string(bytes.TrimSpace(req.Arguments)) != "null"
	switch {
	case req.Answer != nil && (req.Tool != "" || hasArgs):
		s.fail(turn, episode.Action{Tool: req.Tool}, "send either a tool call or an answer, not both", resp)
	case req.Answer != nil:
		s.ep.Steps = append(s.ep.Steps, episode.Step{Turn: turn, Action: episode.Action{Final: true, Answer: *req.Answer}})
		s.ep.Answer = *req.Answer
		s.ep.Status = episode.StatusAnswered
		resp.Observation = Observation{Content: "Answer received; the episode is over."}
		return s.finish(ctx, resp)
	case req.Tool == "":
		s.fail(turn, episode.Action{}, `missing "tool": send {"tool": name, "arguments": {...}} or {"answer": text}`, resp)
	default:
		args, err := normalizeArgs(req.Arguments)
		if err != nil {
			s.fail(turn, episode.Action{Tool: req.Tool}, fmt.Sprintf("%s: %v", req.Tool, err), resp)
			break
		}
		res, err := s.set.Call(ctx, req.Tool, args)
		if err != nil {
			return nil, err
		}
		s.ep.Steps = append(s.ep.Steps, episode.Step{Turn: turn, Action: episode.Action{Tool: req.Tool, Args: args}, Result: res, Cost: res.Cost, Latency: res.Latency})
		s.ep.Cost += res.Cost
		s.ep.Latency += res.Latency
		resp.Observation = Observation{Content: res.Content, Data: res.Data, IsError: res.IsError}
	}
	if s.maxTurns > 0 && len(s.ep.Steps) >= s.maxTurns {
		s.ep.Status = episode.StatusMaxTurns
		return s.finish(ctx, resp)
	}
	return resp, nil
}

// fail records a malformed action as a failed turn; the session goes on.
func (s *session) fail(turn int, a episode.Action, msg string, resp *StepResponse) {
	s.ep.Steps = append(s.ep.Steps, episode.Step{Turn: turn, Action: a, Error: msg})
	resp.Observation = Observation{Content: msg, IsError: true}
}

func (s *session) finish(ctx context.Context, resp *StepResponse) (*StepResponse, error) {
	sc, err := s.env.Score(ctx, s.task, &s.ep)
	if err != nil {
		return nil, fmt.Errorf("envserver: score %s task %s: %w", s.envName, s.task.ID, err)
	}
	s.done = true
	s.score = &sc
	resp.Done = true
	resp.Reward = sc.Outcome
	resp.Score = &sc
	return resp, nil
}

// normalizeArgs accepts an arguments object or a string holding one.
func normalizeArgs(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage(`{}`), nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("arguments: %w", err)
		}
		raw = bytes.TrimSpace([]byte(s))
		if len(raw) == 0 {
			return json.RawMessage(`{}`), nil
		}
		if !json.Valid(raw) {
			return nil, fmt.Errorf("arguments are not valid JSON: %.200q; send a JSON object", s)
		}
	}
	if raw[0] != '{' {
		return nil, fmt.Errorf("arguments must be a JSON object, got %.100s", raw)
	}
	return raw, nil
}
