package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/tool"
)

// specSlack is how far a Spec's Timeout sits above the internal wall-clock
// limit, so the sandbox's own, more informative limit message wins over the
// caller's generic timeout: start-up, the kill and pipe draining fit in it.
const specSlack = 5 * time.Second

var pythonParams = json.RawMessage(`{
  "type": "object",
  "properties": {
    "code": {"type": "string", "minLength": 1, "description": "Python 3 source, run as a script; print what you want to see."},
    "stdin": {"type": "string", "description": "Text fed to the script's standard input."}
  },
  "required": ["code"],
  "additionalProperties": false
}`)

type pythonArgs struct {
	Code  string `json:"code"`
	Stdin string `json:"stdin"`
}

// Python runs Python 3 code in a fresh, limited, isolated subprocess per
// call; see the package documentation for what it confines. It is safe for
// concurrent use: calls share nothing but the interpreter binary.
type Python struct {
	spec   tool.Spec
	opts   PythonOptions
	choice choice
}

var _ tool.Tool = (*Python)(nil)

// NewPython probes the interpreter and the strongest isolation available
// and returns the tool named name ("python" when empty). Without a usable
// interpreter the error wraps [tool.ErrDisabled].
func NewPython(ctx context.Context, name string, opts PythonOptions) (*Python, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "python"
	}
	c, err := choose(ctx, opts)
	if err != nil {
		return nil, err
	}
	wall := time.Duration(opts.Timeout)
	desc := pythonDescription(opts, c.public())
	return &Python{
		opts:   opts,
		choice: c,
		spec: tool.Spec{
			Name:        name,
			Description: desc,
			Parameters:  pythonParams,
			Latency:     100 * time.Millisecond,
			Timeout:     wall + specSlack,
			Tags:        []string{tool.TagLocal, tool.TagCode, tool.TagFree},
		},
	}, nil
}

// Spec describes the tool, including the isolation in force.
func (p *Python) Spec() tool.Spec { return p.spec }

// Isolation reports how calls are confined on this machine.
func (p *Python) Isolation() Isolation { return p.choice.public() }

// Interpreter returns the path of the interpreter in use.
func (p *Python) Interpreter() string { return p.choice.interp }

// Call runs args.code. Limits and failures of the code are error Results;
// a Go error means ctx ended or the sandbox itself failed.
func (p *Python) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	var in pythonArgs
	if err := json.Unmarshal(args, &in); err != nil {
		return tool.Errorf("%s: arguments do not decode (%v); send {\"code\": \"print(1 + 1)\"}", p.spec.Name, err), nil
	}
	if strings.TrimSpace(in.Code) == "" {
		return tool.Errorf("%s: code is empty; send the Python source in \"code\"", p.spec.Name), nil
	}
	out, err := run(ctx, p.opts, p.choice, in.Code, in.Stdin)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return tool.Errorf("%s: the sandbox could not run the code: %v", p.spec.Name, err), nil
	}
	// Every Result says what this machine could not confine, so nobody
	// mistakes a weaker sandbox for the full one.
	out.Isolation = p.choice.public().Missing()
	return out.result()
}

// pythonDescription is the tool's description: what it does, its limits
// and the isolation in force, led by a warning when some is missing.
func pythonDescription(opts PythonOptions, iso Isolation) string {
	wall := time.Duration(opts.Timeout)
	desc := fmt.Sprintf("Runs a Python 3 script (standard library only) and returns its stdout, stderr and exit code. "+
		"Use it for computation, data wrangling and checking code. Limits: %s wall clock, %ds CPU, %d MiB memory "+
		"(files in /tmp count where a memory cgroup is available), %s of output, %d processes, %d MiB per file; "+
		"no network access where isolation allows. %s",
		wall, opts.CPUSeconds, opts.MemoryMB, sizeString(opts.MaxOutputBytes), opts.MaxProcs, opts.FileSizeMB, iso.describe())
	if missing := iso.Missing(); missing != "" {
		// First, so that even a listing that cuts descriptions short
		// (baton tools) shows that this machine's sandbox is weaker.
		desc = fmt.Sprintf("WEAKER SANDBOX (isolation %s; %s): %s", iso.Mode, missing, desc)
	}
	return strings.TrimSpace(desc)
}
