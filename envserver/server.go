package envserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/httplimit"
	mrand "math/rand"
)

// Options configures a [Server]. Zero fields take the defaults below.
type Options struct {
	// TTL is how long a session may sit idle before it expires.
	TTL time.Duration
	// SweepEvery is how often the janitor looks for expired sessions.
	SweepEvery time.Duration
	// MaxSessions bounds live sessions; a reset past it gets 429.
	MaxSessions int
	// MaxTurns ends an episode after this many steps unless a reset asks
	// for fewer.
	MaxTurns int
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64
	// Now is the clock; nil means time.Now. Tests pass their own.
	Now func() time.Time
	// Logger receives request errors; nil means slog.Default().
	Logger *slog.Logger
	// Tokens are the bearer tokens that may use the server; each request
	// needs "Authorization: Bearer <one of them>". A token sees and may
	// step only the sessions it created. Empty means no authentication,
	// for in-process use only: [Serve] refuses to listen without tokens.
	Tokens []string
	// MaxSessionsPerToken bounds the live sessions of one token, so one
	// tenant cannot take all MaxSessions.
	MaxSessionsPerToken int
	// Limits bounds connections, timeouts and bodies when served by
	// [Serve] (MaxBodyBytes above wins for bodies).
	Limits httplimit.Limits
}

// Defaults of [Options].
const (
	DefaultTTL          = 10 * time.Minute
	DefaultMaxSessions  = 1024
	DefaultMaxTurns     = 50
	DefaultMaxBodyBytes = 1 << 20
	// DefaultMaxSessionsPerToken is a quarter of the default total.
	DefaultMaxSessionsPerToken = 256
)

func (o Options) withDefaults() Options {
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.SweepEvery <= 0 {
		o.SweepEvery = min(o.TTL/2, time.Minute)
		if o.SweepEvery <= 0 {
			o.SweepEvery = time.Millisecond
		}
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	if o.MaxSessionsPerToken <= 0 {
		o.MaxSessionsPerToken = DefaultMaxSessionsPerToken
	}
	if o.MaxTurns <= 0 {
		o.MaxTurns = DefaultMaxTurns
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Server is the environment protocol's HTTP handler. Close stops its
// janitor and ends every session.
type Server struct {
	reg  *Registry
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	sessions map[string]*session

	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

var _ http.Handler = (*Server)(nil)

// NewHandler returns the protocol handler over reg; its janitor runs until
// the returned handler's Close (it is a *[Server]).
func NewHandler(reg *Registry, opts Options) http.Handler { return NewServer(reg, opts) }

// NewServer is [NewHandler] with the concrete type.
func NewServer(reg *Registry, opts Options) *Server {
	s := &Server{reg: reg, opts: opts.withDefaults(), mux: http.NewServeMux(), sessions: map[string]*session{}, stop: make(chan struct{})}
	s.mux.HandleFunc("GET /v1/envs", s.handleEnvs)
	s.mux.HandleFunc("GET /v1/envs/{rest...}", s.handleTasks)
	s.mux.HandleFunc("POST /v1/sessions", s.handleReset)
	s.mux.HandleFunc("POST /v1/sessions/{id}/step", s.handleStep)
	s.mux.HandleFunc("GET /v1/sessions/{id}", s.handleGet)
	s.mux.HandleFunc("DELETE /v1/sessions/{id}", s.handleDelete)
	s.wg.Add(1)
	go s.janitor()
	return s
}

// ServeHTTP implements http.Handler. With Options.Tokens set, a request
// without one of them gets 401 before anything else is looked at.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.owner(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baton env serve"`)
		writeError(w, http.StatusUnauthorized, "unauthorized", "missing or wrong bearer token: send \"Authorization: Bearer <token>\" with the token baton env serve printed at start (or was given with --token / BATON_ENV_TOKEN)", nil)
		return
	}
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ownerKey{}, owner)))
}

type ownerKey struct{}

// owner returns the index of the request's token (-1 when the server has
// no tokens) and whether the request may proceed.
func (s *Server) owner(r *http.Request) (int, bool) {
	if len(s.opts.Tokens) == 0 {
		return -1, true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return 0, false
	}
	gh := sha256.Sum256([]byte(strings.TrimSpace(got)))
	who := -1
	for i, t := range s.opts.Tokens {
		th := sha256.Sum256([]byte(t))
		// Hashes compared in constant time: no timing oracle on the token.
		if subtle.ConstantTimeCompare(gh[:], th[:]) == 1 {
			who = i
		}
	}
	return who, who >= 0
}

func ownerOf(r *http.Request) int {
	o, ok := r.Context().Value(ownerKey{}).(int)
	if !ok {
		return -1
	}
	return o
}

// Close stops the janitor and drops every session.
func (s *Server) Close() error {
	s.stopOnce.Do(func() { close(s.stop) })
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, ss := range s.sessions {
		_ = ss.set.Close()
		delete(s.sessions, id)
	}
	return nil
}

// Len returns the number of live sessions.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

func (s *Server) janitor() {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.SweepEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.Sweep()
		}
	}
}

// Sweep removes sessions idle for longer than the TTL and returns how
// many it removed. The janitor calls it periodically.
func (s *Server) Sweep() int {
	now := s.opts.Now()
	var expired []*session
	s.mu.Lock()
	for id, ss := range s.sessions {
		// A session whose lock is held is mid-step, hence not idle.
		if !ss.mu.TryLock() {
			continue
		}
		idle := now.Sub(ss.lastUsed)
		ss.mu.Unlock()
		if idle > s.opts.TTL {
			expired = append(expired, ss)
			delete(s.sessions, id)
		}
	}
	s.mu.Unlock()
	for _, ss := range expired {
		_ = ss.set.Close()
		s.opts.Logger.Debug("envserver: session expired", "session", ss.id, "env", ss.envName)
	}
	return len(expired)
}

// Serve listens on addr and serves reg until ctx is cancelled, then shuts
// down gracefully.
//
// It refuses to serve without Options.Tokens, and serves with connection
// caps, timeouts and body limits (package httplimit).
func Serve(ctx context.Context, addr string, reg *Registry, opts Options) error {
	if len(opts.Tokens) == 0 {
		return errors.New("envserver: Serve needs at least one token in Options.Tokens; the server must not be open to anyone who can reach it")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("envserver: %w", err)
	}
	return ServeListener(ctx, ln, reg, opts)
}

// ServeListener is [Serve] on a listener the caller opened (port 0 in
// tests).
func ServeListener(ctx context.Context, ln net.Listener, reg *Registry, opts Options) error {
	if len(opts.Tokens) == 0 {
		_ = ln.Close()
		return errors.New("envserver: Serve needs at least one token in Options.Tokens; the server must not be open to anyone who can reach it")
	}
	h := NewServer(reg, opts)
	defer h.Close()
	lim := opts.Limits
	lim.MaxBodyBytes = h.opts.MaxBodyBytes
	srv, _, errc := httplimit.Serve(ln, h, lim, h.opts.Logger)
	select {
	case err := <-errc:
		return fmt.Errorf("envserver: %w", err)
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return fmt.Errorf("envserver: shutdown: %w", err)
		}
		return nil
	}
}

func (s *Server) handleEnvs(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, EnvsResponse{ProtocolVersion: ProtocolVersion, Envs: s.reg.List()})
}

func (s *Server) handleTasks(w http.ResponseWriter, r *http.Request) {
	rest := r.PathValue("rest")
	name, ok := strings.CutSuffix(rest, "/tasks")
	if !ok || name == "" {
		writeError(w, http.StatusNotFound, "not_found", "want GET /v1/envs/{name}/tasks", nil)
		return
	}
	e, err := s.reg.Open(r.Context(), name)
	if err != nil {
		s.envError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("X-Protocol-Version", ProtocolVersion)
	for i := range e.Tasks() {
		b, err := exportTask(e, i)
		if err != nil {
			s.opts.Logger.Error("envserver: export", "env", name, "err", err)
			return
		}
		w.Write(b)
		w.Write([]byte{'\n'})
	}
}

func (s *Server) envError(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrUnknownEnv) {
		writeError(w, http.StatusNotFound, "unknown_env", err.Error(), nil)
		return
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, domain.ErrNoDomainDir) || errors.Is(err, dataset.ErrNotFound) {
		writeError(w, http.StatusNotFound, "env_unavailable", err.Error(), nil)
		return
	}
	s.opts.Logger.Error("envserver: open env", "err", err)
	writeError(w, http.StatusInternalServerError, "env_unavailable", err.Error(), nil)
}

func (s *Server) decode(w http.ResponseWriter, r *http.Request, dst any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("request body over %d bytes", s.opts.MaxBodyBytes), nil)
			return false
		}
		if errors.Is(err, httplimit.ErrBodyTimeout) {
			writeError(w, http.StatusRequestTimeout, "request_timeout", "the request body did not arrive in time; send it at once", nil)
			return false
		}
		writeError(w, http.StatusBadRequest, "bad_request", "read body: "+err.Error(), nil)
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		msg := "request body is not the expected JSON: " + err.Error()
		writeError(w, http.StatusBadRequest, "bad_request", msg, &Observation{Content: msg, IsError: true})
		return false
	}
	return true
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	var req ResetRequest
	if !s.decode(w, r, &req) {
		return
	}
	if req.Env == "" {
		writeError(w, http.StatusBadRequest, "bad_request", `missing "env"; GET /v1/envs lists them`, nil)
		return
	}
	if req.MaxTurns < 0 {
		writeError(w, http.StatusBadRequest, "bad_request", `"max_turns" must not be negative (0 keeps the server's limit)`, nil)
		return
	}
	owner := ownerOf(r)
	if msg := s.full(owner); msg != "" {
		writeError(w, http.StatusTooManyRequests, "too_many_sessions", msg, nil)
		return
	}
	e, err := s.reg.Open(r.Context(), req.Env)
	if err != nil {
		s.envError(w, err)
		return
	}
	tasks := e.Tasks()
	if len(tasks) == 0 {
		writeError(w, http.StatusNotFound, "no_tasks", "env "+req.Env+" has no tasks", nil)
		return
	}
	i, msg := pickTask(tasks, req)
	if msg != "" {
		writeError(w, http.StatusNotFound, "unknown_task", msg, nil)
		return
	}
	task := tasks[i]
	set, err := e.Tools(r.Context(), task)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "env_error", err.Error(), nil)
		return
	}
	if set, err = set.Subset(task.Tools); err != nil {
		writeError(w, http.StatusInternalServerError, "env_error", err.Error(), nil)
		return
	}
	turns := s.opts.MaxTurns
	if req.MaxTurns > 0 && req.MaxTurns < turns {
		turns = req.MaxTurns
	}
	if task.Budget.MaxTurns > 0 && task.Budget.MaxTurns < turns {
		turns = task.Budget.MaxTurns
	}
	now := s.opts.Now()
	ss := &session{id: newID(), owner: owner, envName: req.Env, env: e, task: task, set: set, maxTurns: turns, lastUsed: now}
	ss.ep = episode.Episode{RunID: ss.id, Task: task}
	s.mu.Lock()
	if msg := s.fullLocked(owner); msg != "" {
		s.mu.Unlock()
		_ = set.Close()
		writeError(w, http.StatusTooManyRequests, "too_many_sessions", msg, nil)
		return
	}
	s.sessions[ss.id] = ss
	s.mu.Unlock()

	policy, instr := describe(e, task.ID)
	resp := ResetResponse{ProtocolVersion: ProtocolVersion, SessionID: ss.id, Env: req.Env, TaskID: task.ID, MaxTurns: turns,
		Observation: Observation{Prompt: task.Prompt, Policy: policy, Instructions: instr}}
	for _, sp := range set.Specs() {
		resp.Tools = append(resp.Tools, ToolInfo{Name: sp.Name, Description: sp.Description, Parameters: sp.Parameters})
	}
	writeJSON(w, http.StatusCreated, resp)
}

// full says why owner may not start another session, or "".
func (s *Server) full(owner int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fullLocked(owner)
}

func (s *Server) fullLocked(owner int) string {
	if len(s.sessions) >= s.opts.MaxSessions {
		return fmt.Sprintf("%d sessions are live (the server's limit); DELETE finished ones", s.opts.MaxSessions)
	}
	if owner < 0 {
		return ""
	}
	n := 0
	for _, ss := range s.sessions {
		if ss.owner == owner {
			n++
		}
	}
	if n >= s.opts.MaxSessionsPerToken {
		return fmt.Sprintf("this token has %d live sessions (its limit); DELETE finished ones", n)
	}
	return ""
}

func pickTask(tasks []episode.Task, req ResetRequest) (int, string) {
	switch {
	case req.TaskID != "":
		for i, t := range tasks {
			if t.ID == req.TaskID {
				return i, ""
			}
		}
		return 0, fmt.Sprintf("env %s has no task %q; GET /v1/envs/%s/tasks lists them", req.Env, req.TaskID, req.Env)
	case req.Index != nil:
		if *req.Index < 0 || *req.Index >= len(tasks) {
			return 0, fmt.Sprintf("index %d out of range: env %s has %d tasks", *req.Index, req.Env, len(tasks))
		}
		return *req.Index, ""
	case req.Seed != nil:
		return mrand.New(mrand.NewSource(*req.Seed)).Intn(len(tasks)), ""
	}
	return 0, ""
}

// lookup returns a live session of the request's token, refusing expired
// ones; another token's session is answered exactly as a missing one.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request, id string) *session {
	s.mu.Lock()
	ss, ok := s.sessions[id]
	ok = ok && ss.owner == ownerOf(r)
	if ok && ss.mu.TryLock() { // a session mid-step is not idle
		expired := s.opts.Now().Sub(ss.lastUsed) > s.opts.TTL
		ss.mu.Unlock()
		if expired {
			delete(s.sessions, id)
			_ = ss.set.Close()
			ok = false
		}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "unknown_session", fmt.Sprintf("no session %q (never created, deleted, or expired after %s idle); POST /v1/sessions to start one", id, s.opts.TTL), nil)
		return nil
	}
	return ss
}

func (s *Server) handleStep(w http.ResponseWriter, r *http.Request) {
	ss := s.lookup(w, r, r.PathValue("id"))
	if ss == nil {
		return
	}
	var req StepRequest
	if !s.decode(w, r, &req) {
		ss.mu.Lock()
		ss.lastUsed = s.opts.Now()
		ss.mu.Unlock()
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.lastUsed = s.opts.Now()
	if ss.done {
		writeError(w, http.StatusConflict, "episode_over", "the episode is over; DELETE this session and POST /v1/sessions for a new one", nil)
		return
	}
	resp, err := ss.step(r.Context(), req)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away
		}
		s.opts.Logger.Error("envserver: step", "session", ss.id, "err", err)
		writeError(w, http.StatusInternalServerError, "env_error", err.Error(), nil)
		return
	}
	ss.lastUsed = s.opts.Now()
	writeJSON(w, http.StatusOK, resp)
}

// SessionState is the GET /v1/sessions/{id} body.
type SessionState struct {
	ProtocolVersion string           `json:"protocol_version"` // always ProtocolVersion
	SessionID       string           `json:"session_id"`       // the session asked about
	Env             string           `json:"env"`              // the env it runs
	TaskID          string           `json:"task_id"`          // the task it runs
	Done            bool             `json:"done"`             // the episode has ended and been scored
	Turns           int              `json:"turns"`            // steps taken
	MaxTurns        int              `json:"max_turns"`        // the session's turn limit
	Episode         *episode.Episode `json:"episode"`          // the episode so far
	Score           any              `json:"score,omitempty"`  // the verifier's score once done; absent before
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	ss := s.lookup(w, r, r.PathValue("id"))
	if ss == nil {
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ep := ss.ep
	st := SessionState{ProtocolVersion: ProtocolVersion, SessionID: ss.id, Env: ss.envName, TaskID: ss.task.ID, Done: ss.done,
		Turns: len(ss.ep.Steps), MaxTurns: ss.maxTurns, Episode: &ep}
	if ss.score != nil {
		st.Score = ss.score
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	ss, ok := s.sessions[id]
	ok = ok && ss.owner == ownerOf(r)
	if ok {
		delete(s.sessions, id)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "unknown_session", fmt.Sprintf("no session %q", id), nil)
		return
	}
	_ = ss.set.Close()
	w.WriteHeader(http.StatusNoContent)
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Protocol-Version", ProtocolVersion)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string, obs *Observation) {
	writeJSON(w, status, ErrorResponse{ProtocolVersion: ProtocolVersion, Error: ErrorInfo{Code: code, Message: msg}, Observation: obs})
}
