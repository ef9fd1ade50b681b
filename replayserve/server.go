package replayserve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/httplimit"
	"github.com/batonhq/baton/tool"
)

// DefaultMaxBodyBytes bounds a request body (413 past it).
const DefaultMaxBodyBytes = 1 << 20

// Answer is one model's recorded completion of one question.
type Answer struct {
	// Completion is the recorded text, returned as the message content.
	Completion string
	// Usage is the token usage the replay source estimates for the call:
	// [tool.EstimateTokens] of the question and of the completion.
	Usage tool.Usage
}

// Server answers chat completions from recorded completions. It is
// immutable once built and safe for concurrent use.
type Server struct {
	// answers[model][question] with the question whitespace-trimmed.
	answers map[string]map[string]Answer
	models  []string
	// MaxBodyBytes bounds a request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Logger receives one line per failed request; nil discards.
	Logger *slog.Logger
	// Now stamps "created"; nil means time.Now.
	Now func() time.Time
}

// Load reads both zeroeval tasks (gsm and math-l5) under dir, as
// [replay.LoadZeroEval] does, and returns a server answering from them.
func Load(ctx context.Context, dir string) (*Server, error) {
	var envs []*replay.Env
	for _, task := range replay.ZeroEvalTasks {
		e, err := replay.LoadZeroEval(dir, task)
		if err != nil {
			return nil, fmt.Errorf("replayserve: %w", err)
		}
		envs = append(envs, e)
	}
	return New(ctx, envs...)
}

// New returns a server answering from the recorded calls of envs (zeroeval
// replay environments). A model is named by its data set name (the result
// file's stem, e.g. "gpt-4o-2024-08-06"); its replay tool name, when it
// differs, is accepted too. When two envs hold the same question for a
// model, the first env's completion wins.
func New(ctx context.Context, envs ...*replay.Env) (*Server, error) {
	s := &Server{answers: map[string]map[string]Answer{}}
	for _, e := range envs {
		for _, task := range e.Tasks() {
			set, err := e.Tools(ctx, task)
			if err != nil {
				return nil, fmt.Errorf("replayserve: %w", err)
			}
			q := strings.TrimSpace(task.Prompt)
			for toolName, o := range e.Outcomes(task.ID) {
				t, err := set.Get(toolName)
				if err != nil {
					return nil, fmt.Errorf("replayserve: %w", err)
				}
				res, err := t.Call(ctx, nil)
				if err != nil {
					return nil, fmt.Errorf("replayserve: %s: task %s: %w", e.Name(), task.ID, err)
				}
				a := Answer{Completion: res.Content, Usage: res.Usage}
				for _, name := range []string{o.Model, toolName} {
					m := s.answers[name]
					if m == nil {
						m = map[string]Answer{}
						s.answers[name] = m
						if name == o.Model {
							s.models = append(s.models, name)
						}
					}
					if _, dup := m[q]; !dup {
						m[q] = a
					}
				}
			}
		}
	}
	if len(s.models) == 0 {
		return nil, errors.New("replayserve: no recorded models; point --data at the zeroeval data (holding result_dirs/gsm and result_dirs/math-l5)")
	}
	sort.Strings(s.models)
	return s, nil
}

// Models returns the data set names of the recorded models, sorted.
func (s *Server) Models() []string { return append([]string(nil), s.models...) }

// Lookup returns model's recorded answer to question (whitespace-trimmed).
func (s *Server) Lookup(model, question string) (Answer, bool) {
	a, ok := s.answers[model][strings.TrimSpace(question)]
	return a, ok
}

// ServeHTTP routes the two endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/v1/chat/completions":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			s.fail(w, r, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed", "use POST for /v1/chat/completions")
			return
		}
		s.complete(w, r)
	case "/v1/models":
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			s.fail(w, r, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed", "use GET for /v1/models")
			return
		}
		s.listModels(w)
	default:
		s.fail(w, r, http.StatusNotFound, "invalid_request_error", "not_found", fmt.Sprintf("no route %s %s; this server has POST /v1/chat/completions and GET /v1/models", r.Method, r.URL.Path))
	}
}

func (s *Server) listModels(w http.ResponseWriter) {
	data := make([]map[string]any, len(s.models))
	for i, m := range s.models {
		data[i] = map[string]any{"id": m, "object": "model", "created": 0, "owned_by": "zeroeval-replay"}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}

func (s *Server) complete(w http.ResponseWriter, r *http.Request) {
	limit := s.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	body, err := readBody(r, limit)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.fail(w, r, http.StatusRequestEntityTooLarge, "invalid_request_error", "body_too_large", fmt.Sprintf("request body over %d bytes; send a shorter conversation", limit))
			return
		}
		s.fail(w, r, http.StatusBadRequest, "invalid_request_error", "bad_body", "reading the request body: "+err.Error())
		return
	}
	req, err := ParseRequest(body)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "invalid_request_error", "invalid_request", err.Error())
		return
	}
	qs, ok := s.answers[req.Model]
	if !ok {
		s.fail(w, r, http.StatusNotFound, "invalid_request_error", "model_not_found", fmt.Sprintf("model %q was not recorded; GET /v1/models lists the %d recorded models", req.Model, len(s.models)))
		return
	}
	a, ok := qs[req.Question]
	if !ok {
		s.fail(w, r, http.StatusNotFound, "invalid_request_error", "question_not_found", fmt.Sprintf("model %q has no recorded completion for this question (%s); the last user message must be a gsm or math-l5 question exactly as recorded", req.Model, clip(req.Question, 80)))
		return
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	id := "chatcmpl-replay-" + fmt.Sprint(now().UnixNano())
	if req.Stream {
		s.stream(w, r, req, a, id, now().Unix())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": id, "object": "chat.completion", "created": now().Unix(), "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": a.Completion}, "finish_reason": "stop"}},
		"usage":   usage(a.Usage),
	})
}

// stream sends the completion as SSE chunks of at most 64 bytes (cut at
// UTF-8 boundaries), a finish chunk, a usage chunk when asked for
// (stream_options.include_usage), then [DONE].
func (s *Server) stream(w http.ResponseWriter, r *http.Request, req Request, a Answer, id string, created int64) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	send := func(v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		if fl != nil {
			fl.Flush()
		}
		return r.Context().Err() == nil
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	if !send(chunk(map[string]any{"role": "assistant", "content": ""}, nil)) {
		return
	}
	for _, p := range pieces(a.Completion, 64) {
		if !send(chunk(map[string]any{"content": p}, nil)) {
			return
		}
	}
	if !send(chunk(map[string]any{}, "stop")) {
		return
	}
	if req.IncludeUsage {
		if !send(map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model, "choices": []any{}, "usage": usage(a.Usage)}) {
			return
		}
	}
	_, _ = fmt.Fprint(w, "data: [DONE]\n\n")
	if fl != nil {
		fl.Flush()
	}
}

// pieces cuts s into pieces of at most n bytes without splitting a UTF-8
// sequence.
func pieces(s string, n int) []string {
	var out []string
	for len(s) > 0 {
		k := min(n, len(s))
		for k < len(s) && k > 0 && s[k]&0xC0 == 0x80 {
			k--
		}
		if k == 0 {
			k = min(n, len(s))
		}
		out = append(out, s[:k])
		s = s[k:]
	}
	return out
}

func usage(u tool.Usage) map[string]any {
	return map[string]any{"prompt_tokens": u.InputTokens, "completion_tokens": u.OutputTokens, "total_tokens": u.InputTokens + u.OutputTokens}
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, typ, code, msg string) {
	if s.Logger != nil {
		s.Logger.Info("replayserve: request refused", "method", r.Method, "path", r.URL.Path, "status", status, "code", code)
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": code}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q…", string(r[:n]))
}

// Serve answers on ln until ctx ends, with the connection and body limits
// of lim (see [httplimit]), then shuts down gracefully.
func Serve(ctx context.Context, ln net.Listener, s *Server, lim httplimit.Limits) error {
	if s.MaxBodyBytes > 0 {
		lim.MaxBodyBytes = s.MaxBodyBytes
	}
	srv, _, errc := httplimit.Serve(ln, s, lim, s.Logger)
	select {
	case err := <-errc:
		return fmt.Errorf("replayserve: %w", err)
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return fmt.Errorf("replayserve: shutdown: %w", err)
		}
		return nil
	}
}
