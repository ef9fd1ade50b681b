package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// DB is one rollout's database. Implementations keep their records in
// [Table]s so Fork is cheap.
type DB interface {
	// Fork returns an independent copy: writes to either are invisible to
	// the other.
	Fork() DB
	// Hash returns a canonical digest of the content: equal content gives
	// equal hashes regardless of key order or history.
	Hash() string
}

// Tool is one agent tool of a domain: a static definition that runs on
// whichever rollout's DB it is given.
type Tool struct {
	// Name, Description and Parameters (a JSON Schema) are what the agent
	// sees, as tau2 derives them from the Python signature and docstring.
	Name        string
	Description string
	Parameters  json.RawMessage
	// Mutates marks tools that can change the DB (tau2's WRITE tools); only
	// they are replayed when a trajectory's state is rebuilt.
	Mutates bool
	// Call runs the tool on a rollout's database. Its string is the tool message content exactly as
	// tau2 would produce it (a model as json.dumps(model_dump()), a str as
	// is); an error is what the Python tool raised, shown to the agent as
	// "Error: <message>".
	Call func(db DB, args json.RawMessage) (string, error)
}

// Layout names a domain's files inside its data directory.
type Layout struct {
	Policy string // e.g. "policy.md"
	Tasks  string // e.g. "tasks.json"
	Splits string // e.g. "split_tasks.json"; "" when there is none
}

// Kit is what a domain registers: how to load its database and which tools
// act on it. Optional capabilities: [FunctionRunner] (initialization
// actions, environment assertions) and [Patcher] (initialization data).
type Kit interface {
	// Name is the domain's directory name, e.g. "airline".
	Name() string
	// Layout names the policy, task and split files.
	Layout() Layout
	// Load reads the initial database from the domain directory.
	Load(ctx context.Context, dir string) (DB, error)
	// Tools returns the agent tools in a stable order. It is called once
	// per loaded domain; the tools are shared by every session.
	Tools() []Tool
}

// PolicyLoader is implemented by kits whose agent policy is built from
// several files (telecom's main policy plus its tech-support manual); Open
// then uses it instead of Layout().Policy.
type PolicyLoader interface {
	// Policy returns the agent policy text of the domain in dir.
	Policy(dir string) (string, error)
}

// FunctionRunner runs tau2 environment functions (initialization_actions
// and env_assertions) against a DB.
type FunctionRunner interface {
	// RunFunction runs call against db (changing it, for an initialization
	// action) and returns the function's result.
	RunFunction(db DB, call FunctionCall) (any, error)
}

// Patcher applies a task's initialization_data.agent_data to a fresh DB.
type Patcher interface {
	// Patch merges agentData into db, a fresh fork the session owns, and
	// returns the result.
	Patch(db DB, agentData json.RawMessage) (DB, error)
}

var (
	kitsMu sync.RWMutex
	kits   = map[string]Kit{}
)

// Register makes a domain available by name. It panics on an empty or
// duplicate name, like sql.Register; call it from init.
func Register(k Kit) {
	kitsMu.Lock()
	defer kitsMu.Unlock()
	name := k.Name()
	if name == "" {
		panic("domain: Register with empty name")
	}
	if _, dup := kits[name]; dup {
		panic("domain: Register called twice for " + name)
	}
	kits[name] = k
}

// Kits returns the registered domain names, sorted.
func Kits() []string {
	kitsMu.RLock()
	defer kitsMu.RUnlock()
	names := make([]string, 0, len(kits))
	for n := range kits {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ErrUnknownDomain is returned for a domain name nobody registered.
var ErrUnknownDomain = errors.New("domain: unknown domain")

// LookupKit returns the registered domain named name.
func LookupKit(name string) (Kit, error) {
	kitsMu.RLock()
	defer kitsMu.RUnlock()
	k, ok := kits[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (forgotten import of env/domain/%s?); registered: %s",
			ErrUnknownDomain, name, name, strings.Join(namesLocked(), ", "))
	}
	return k, nil
}

func namesLocked() []string {
	names := make([]string, 0, len(kits))
	for n := range kits {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Errorf makes the error a Python tool raises with ValueError(message); its
// message is what the agent reads after "Error: ".
func Errorf(format string, args ...any) error { return &ToolError{Msg: fmt.Sprintf(format, args...)} }

// ToolError is an error a tool reports to the agent.
type ToolError struct {
	Msg string // what the agent reads after "Error: "
}

// Error implements error: the message the agent reads after "Error: ".
func (e *ToolError) Error() string { return e.Msg }
