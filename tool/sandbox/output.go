package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/tool"
)

// Output is the Data of every sandbox Result, as JSON.
type Output struct {
	// Stdout is what the code printed to standard output (Starlark's print).
	Stdout string `json:"stdout"`
	// Stderr is standard error: tracebacks and warnings.
	Stderr string `json:"stderr"`
	// ExitCode is the process exit status; 128+N when killed by signal N.
	// Starlark reports 1 for an error and 0 otherwise.
	ExitCode int `json:"exit_code"`
	// TimedOut is set when the wall-clock limit stopped the run.
	TimedOut bool `json:"timed_out"`
	// Truncated is set when output past the cap was discarded.
	Truncated bool `json:"truncated"`
	// Limit names, in words, the limit that stopped the run, if any.
	Limit string `json:"limit,omitempty"`
	// Steps is the number of Starlark execution steps used.
	Steps uint64 `json:"steps,omitempty"`
	// Isolation names the protections the Python sandbox could not set up
	// on this machine, if any.
	Isolation string `json:"isolation,omitempty"`
}

// failed reports whether the run should be an error Result.
func (o *Output) failed() bool {
	return o.ExitCode != 0 || o.TimedOut || o.Truncated || o.Limit != ""
}

// content renders the labelled text a policy reads.
func (o *Output) content() string {
	var b strings.Builder
	if o.Stdout != "" {
		b.WriteString("[stdout]\n")
		b.WriteString(o.Stdout)
		if !strings.HasSuffix(o.Stdout, "\n") {
			b.WriteByte('\n')
		}
	}
	if o.Stderr != "" {
		b.WriteString("[stderr]\n")
		b.WriteString(o.Stderr)
		if !strings.HasSuffix(o.Stderr, "\n") {
			b.WriteByte('\n')
		}
	}
	if o.Stdout == "" && o.Stderr == "" {
		b.WriteString("(no output)\n")
	}
	if o.ExitCode != 0 {
		fmt.Fprintf(&b, "[exit code %d]\n", o.ExitCode)
	}
	if o.Limit != "" {
		b.WriteString(o.Limit)
		b.WriteByte('\n')
	}
	if o.Isolation != "" {
		fmt.Fprintf(&b, "[sandbox protections %s]\n", o.Isolation)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// result turns o into a tool Result carrying o as Data.
func (o *Output) result() (*tool.Result, error) {
	data, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("sandbox: marshal output: %w", err)
	}
	return &tool.Result{Content: o.content(), Data: data, IsError: o.failed()}, nil
}

// addLimit records a limit message, keeping earlier ones.
func (o *Output) addLimit(msg string) {
	if o.Limit == "" {
		o.Limit = msg
		return
	}
	o.Limit += "; " + msg
}

// sizeString writes n bytes the way the limits are configured.
func sizeString(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
