package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/batonhq/baton/tool"
)

var starlarkParams = json.RawMessage(`{
  "type": "object",
  "properties": {
    "code": {"type": "string", "minLength": 1, "description": "Starlark source (a Python dialect without imports, classes or I/O); print what you want to see. The json and math modules are predeclared."}
  },
  "required": ["code"],
  "additionalProperties": false
}`)

// starlarkFileOptions allow while loops and top-level statements, which
// model-written code expects, but not recursion: unbounded recursion would
// grow the Go stack of Baton itself, and the step limit alone could not
// stop it before the stack overflowed.
var starlarkFileOptions = &syntax.FileOptions{
	Set:             true,
	While:           true,
	TopLevelControl: true,
	GlobalReassign:  true,
}

type starlarkArgs struct {
	Code string `json:"code"`
}

// Starlark runs Starlark code in Baton's own process, with no I/O and a
// step limit. It needs nothing installed, so it always works. It is safe
// for concurrent use: each call gets its own thread and globals.
type Starlark struct {
	spec        tool.Spec
	opts        StarlarkOptions
	predeclared starlark.StringDict
}

var _ tool.Tool = (*Starlark)(nil)

// NewStarlark returns the tool named name ("starlark" when empty).
func NewStarlark(name string, opts StarlarkOptions) (*Starlark, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "starlark"
	}
	wall := time.Duration(opts.Timeout)
	desc := fmt.Sprintf("Runs Starlark, a deterministic Python dialect (no imports, classes, exceptions or recursion; "+
		"json and math are predeclared), and returns what it printed. Always available and instant; use it for "+
		"arithmetic, string and list manipulation. Limits: %d steps, %s of output, %s wall clock.",
		opts.MaxSteps, sizeString(opts.MaxOutputBytes), wall)
	return &Starlark{opts: opts, predeclared: starlarkPredeclared(opts.MaxSteps), spec: tool.Spec{
		Name:        name,
		Description: desc,
		Parameters:  starlarkParams,
		Latency:     time.Millisecond,
		Timeout:     wall + specSlack,
		Tags:        []string{tool.TagLocal, tool.TagCode, tool.TagFree},
	}}, nil
}

// Spec describes the tool.
func (s *Starlark) Spec() tool.Spec { return s.spec }

// Call runs args.code. Errors and limits of the program are error Results;
// a Go error means ctx ended.
func (s *Starlark) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	var in starlarkArgs
	if err := json.Unmarshal(args, &in); err != nil {
		return tool.Errorf("%s: arguments do not decode (%v); send {\"code\": \"print(1 + 1)\"}", s.spec.Name, err), nil
	}
	if strings.TrimSpace(in.Code) == "" {
		return tool.Errorf("%s: code is empty; send the Starlark source in \"code\"", s.spec.Name), nil
	}
	out := s.exec(ctx, in.Code)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("sandbox: starlark: %w", ctx.Err())
	}
	return out.result()
}

// exec runs code on a fresh thread. Whichever guard fires first (deadline,
// heap, output cap, step limit) cancels the thread and records why.
func (s *Starlark) exec(ctx context.Context, code string) *Output {
	wall := time.Duration(s.opts.Timeout)
	rctx, cancel := context.WithTimeoutCause(ctx, wall, errWallClock)
	defer cancel()

	var why atomic.Pointer[string]
	var finished atomic.Bool
	thread := &starlark.Thread{Name: s.spec.Name}
	// stop records only reasons that reach a running program, so a guard
	// firing as the program ends cannot blame it for a limit.
	stop := func(reason string) {
		if finished.Load() {
			return
		}
		why.CompareAndSwap(nil, &reason)
		thread.Cancel(reason)
	}
	out := newCapture(s.opts.MaxOutputBytes, func() {
		stop(fmt.Sprintf("output truncated at %s", sizeString(s.opts.MaxOutputBytes)))
	})
	stdout := out.stream(0)
	thread.Print = func(_ *starlark.Thread, msg string) { _, _ = stdout.Write([]byte(msg + "\n")) }
	thread.Load = func(*starlark.Thread, string) (starlark.StringDict, error) {
		return nil, errors.New("load is not available in this sandbox; put everything in one program")
	}
	thread.SetMaxExecutionSteps(s.opts.MaxSteps)

	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-rctx.Done():
			if errors.Is(context.Cause(rctx), errWallClock) {
				stop(fmt.Sprintf("killed: wall-clock limit %s exceeded", wall))
			} else {
				stop("context cancelled")
			}
		}
	}()
	budget := &memBudget{limit: uint64(s.opts.MemoryMB) << 20, maxSteps: s.opts.MaxSteps, exceeded: stop}
	budget.base.Store(heapBytes())
	thread.SetLocal(budgetKey, budget)
	go watchHeap(rctx, budget, starlarkMemoryPollPeriod)

	err := s.run(thread, code)
	finished.Store(true)
	cancel()

	o := &Output{Steps: thread.ExecutionSteps()}
	o.Stdout, _, o.Truncated = out.result()
	if err != nil {
		o.ExitCode = 1
		o.Stderr = starlarkError(err)
	}
	if r := why.Load(); r != nil && err != nil {
		o.TimedOut = strings.HasPrefix(*r, "killed: wall-clock")
		o.addLimit(*r)
	} else if err != nil && o.Steps >= s.opts.MaxSteps {
		o.addLimit(fmt.Sprintf("step limit %d exceeded", s.opts.MaxSteps))
	}
	if o.Truncated && !strings.HasPrefix(o.Limit, "output truncated") {
		o.addLimit(fmt.Sprintf("output truncated at %s", sizeString(s.opts.MaxOutputBytes)))
	}
	return o
}

// run parses code, rewrites its allocating operations to check the
// memory budget first (see starlark_alloc.go), and executes it on thread.
func (s *Starlark) run(thread *starlark.Thread, code string) error {
	f, err := starlarkFileOptions.Parse("main.star", code, 0)
	if err != nil {
		return err
	}
	rewriteAllocs(f)
	prog, err := starlark.FileProgram(f, s.predeclared.Has)
	if err != nil {
		return err
	}
	g, err := prog.Init(thread, s.predeclared)
	g.Freeze()
	return err
}

// starlarkError renders err with a backtrace when there is one.
func starlarkError(err error) string {
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		return ee.Backtrace()
	}
	return err.Error()
}
