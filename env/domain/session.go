package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/batonhq/baton/tool"
)

// Session is one rollout: a private copy of the database and the agent
// tools bound to it. Its methods are safe for concurrent use (calls are
// serialised, as a conversation's are).
type Session struct {
	domain *Domain
	mu     sync.Mutex
	db     DB
	tools  []Tool
	byName map[string]int
	set    *tool.Set
	calls  []Call
}

// Call is one tool call made in a session and what it returned.
type Call struct {
	Name    string
	Args    json.RawMessage
	Content string
	IsError bool
}

// NewSession starts a rollout of task (nil: no task, the plain initial
// database): a fresh database with the task's initial state applied.
func (d *Domain) NewSession(ctx context.Context, task *Task) (*Session, error) {
	db := d.Fresh()
	if task != nil && task.InitialState != nil {
		if data := task.InitialState.InitializationData; data != nil && len(data.AgentData) > 0 && string(data.AgentData) != "null" {
			p, ok := d.Kit.(Patcher)
			if !ok {
				return nil, fmt.Errorf("domain: %s task %q: initialization_data.agent_data given but the domain cannot apply it", d.Name(), task.ID)
			}
			var err error
			if db, err = p.Patch(db, data.AgentData); err != nil {
				return nil, fmt.Errorf("domain: %s task %q: initialization_data.agent_data: %w", d.Name(), task.ID, err)
			}
		}
	}
	s := d.bind(db)
	if task != nil && task.InitialState != nil {
		if err := s.initialize(ctx, task.InitialState); err != nil {
			return nil, fmt.Errorf("domain: %s task %q initial_state: %w", d.Name(), task.ID, err)
		}
	}
	s.calls = nil
	return s, nil
}

func (d *Domain) bind(db DB) *Session {
	s := &Session{domain: d, db: db, byName: map[string]int{}}
	s.tools = d.Kit.Tools(db)
	ts := make([]tool.Tool, len(s.tools))
	for i, t := range s.tools {
		s.byName[t.Name] = i
		ts[i] = &boundTool{s: s, i: i}
	}
	set, err := tool.NewSet(ts...)
	if err != nil {
		// Tool names and schemas are fixed by the kit; a bad one is a bug
		// caught by the kit's tests.
		panic(fmt.Sprintf("domain: %s tools: %v", d.Name(), err))
	}
	s.set = set
	return s
}

func (s *Session) initialize(ctx context.Context, st *InitialState) error {
	for i, a := range st.InitializationActions {
		r, ok := s.domain.Kit.(FunctionRunner)
		if !ok {
			return fmt.Errorf("initialization_actions[%d]: domain %s runs no environment functions", i, s.domain.Name())
		}
		if _, err := r.RunFunction(s.db, a); err != nil {
			return fmt.Errorf("initialization_actions[%d] %s: %w", i, a.FuncName, err)
		}
	}
	for _, raw := range st.MessageHistory {
		var m Message
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("message_history: %w", err)
		}
		for _, tc := range m.ToolCalls {
			if i, ok := s.byName[tc.Name]; ok && s.tools[i].Mutates {
				s.CallRaw(ctx, tc.Name, tc.Arguments)
			}
		}
	}
	return nil
}

// Set returns the session's tools as a [tool.Set]: arguments are validated
// against each tool's schema before the call.
func (s *Session) Set() *tool.Set { return s.set }

// Call calls a tool through the Set, as an orchestrator does.
func (s *Session) Call(ctx context.Context, name string, args json.RawMessage) (*tool.Result, error) {
	return s.set.Call(ctx, name, args)
}

// CallRaw calls a tool without schema validation, as tau2 calls the Python
// method: the content and whether it is an error. An unknown tool is an
// error result.
func (s *Session) CallRaw(_ context.Context, name string, args json.RawMessage) (string, bool) {
	i, ok := s.byName[name]
	if !ok {
		return fmt.Sprintf("Error: Tool '%s' not found.", name), true
	}
	return s.run(i, args)
}

func (s *Session) run(i int, args json.RawMessage) (content string, isErr bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tools[i]
	out, err := t.Call(args)
	if err != nil {
		content, isErr = "Error: "+err.Error(), true
	} else {
		content = out
	}
	s.calls = append(s.calls, Call{Name: t.Name, Args: append(json.RawMessage(nil), args...), Content: content, IsError: isErr})
	return content, isErr
}

// Calls returns the calls made so far.
func (s *Session) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Tools returns the domain tools bound to this session.
func (s *Session) Tools() []Tool { return s.tools }

// DB returns the session's database.
func (s *Session) DB() DB { return s.db }

// Hash returns the canonical hash of the session's database.
func (s *Session) Hash() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Hash()
}

// Mutates reports whether the named tool can change the database.
func (s *Session) Mutates(name string) bool {
	i, ok := s.byName[name]
	return ok && s.tools[i].Mutates
}

// boundTool adapts a session tool to [tool.Tool].
type boundTool struct {
	s *Session
	i int
}

var _ tool.Tool = (*boundTool)(nil)

// ToolLatency is the typical latency of a domain tool call: an in-memory
// database lookup.
const ToolLatency = time.Millisecond

func (b *boundTool) Spec() tool.Spec {
	t := b.s.tools[b.i]
	return tool.Spec{
		Name:        t.Name,
		Description: t.Description,
		Parameters:  t.Parameters,
		Latency:     ToolLatency,
		Tags:        []string{tool.TagLocal, tool.TagFree},
	}
}

func (b *boundTool) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	content, isErr := b.s.run(b.i, args)
	return &tool.Result{Content: content, IsError: isErr}, nil
}
