package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/tool"
)

// Session is one rollout: a private copy of the database and the agent
// tools bound to it. Its methods are safe for concurrent use (calls are
// serialised, as a conversation's are).
type Session struct {
	domain  *Domain
	mu      sync.Mutex
	db      DB
	tools   []Tool
	byName  map[string]int
	set     *tool.Set
	setOnce sync.Once
	calls   []Call
}

// Call is one tool call made in a session and what it returned.
type Call struct {
	Name    string          // the tool called
	Args    json.RawMessage // its arguments as sent
	Content string          // what the agent read back
	IsError bool            // the call failed ("Error: ..." content)
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
	s := &Session{domain: d, db: db}
	s.tools, s.byName = d.toolIndex()
	return s
}

// toolIndex maps tool names to positions and compiles each tool's schema
// once per domain: compiling is most of the cost of a tool.Set, and a
// session validates with these instead until an orchestrator asks for its
// Set.
func (d *Domain) toolIndex() ([]Tool, map[string]int) {
	d.schemaOnce.Do(func() {
		ts := d.Kit.Tools()
		d.tools = ts
		d.index = map[string]int{}
		d.schemas = make([]*tool.Schema, len(ts))
		for i, t := range ts {
			d.index[t.Name] = i
			sch, err := tool.CompileSchema(t.Parameters)
			if err != nil {
				// Schemas are fixed by the kit; a bad one is a bug its
				// tests catch.
				panic(fmt.Sprintf("domain: %s tool %s: %v", d.Name(), t.Name, err))
			}
			d.schemas[i] = sch
		}
	})
	return d.tools, d.index
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
// against each tool's schema before the call. It is built on first use
// (building one compiles every schema again, about a millisecond).
func (s *Session) Set() *tool.Set {
	s.setOnce.Do(func() {
		ts := make([]tool.Tool, len(s.tools))
		for i := range s.tools {
			ts[i] = &boundTool{s: s, i: i}
		}
		set, err := tool.NewSet(ts...)
		if err != nil {
			panic(fmt.Sprintf("domain: %s tools: %v", s.domain.Name(), err))
		}
		s.set = set
	})
	return s.set
}

// Call calls a tool as an orchestrator does through the [Session.Set]:
// unknown tools and arguments that violate the schema come back as error
// results worded as tool.Set words them. It uses the domain's compiled
// schemas, so it costs no Set.
func (s *Session) Call(ctx context.Context, name string, args json.RawMessage) (*tool.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("domain: %s: %w", name, err)
	}
	i, ok := s.byName[name]
	if !ok {
		names := make([]string, 0, len(s.tools))
		for _, t := range s.tools {
			names = append(names, t.Name)
		}
		sort.Strings(names)
		return &tool.Result{Content: fmt.Errorf("%w %q; available tools: %s", tool.ErrUnknownTool, name, strings.Join(names, ", ")).Error(), IsError: true}, nil
	}
	if err := s.domain.schemas[i].Validate(args); err != nil {
		return &tool.Result{Content: fmt.Sprintf("%s: %v", name, err), IsError: true}, nil
	}
	content, isErr := s.run(i, args)
	return &tool.Result{Content: content, IsError: isErr}, nil
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
	out, err := t.Call(s.db, args)
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

// Spec implements tool.Tool: the domain tool as a free, local tool.
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

// Call implements tool.Tool.
func (b *boundTool) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	content, isErr := b.s.run(b.i, args)
	return &tool.Result{Content: content, IsError: isErr}, nil
}
