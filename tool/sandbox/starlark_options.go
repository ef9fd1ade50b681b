package sandbox

import (
	"fmt"
	"time"

	"github.com/batonhq/baton/duration"
)

// Defaults of [StarlarkOptions].
const (
	DefaultMaxSteps          = 10_000_000
	DefaultStarlarkTimeout   = 10 * time.Second
	DefaultStarlarkMemoryMB  = 256
	starlarkMemoryPollPeriod = 5 * time.Millisecond
)

// StarlarkOptions configure a [Starlark] tool; they are the options of the
// "sandbox.starlark" kind in baton.yaml. Zero values take the defaults.
type StarlarkOptions struct {
	// MaxSteps bounds the interpreter's execution steps (default 10
	// million, about a second of simple loops).
	MaxSteps uint64 `json:"max_steps,omitempty"`
	// MaxOutputBytes caps what print writes (default 64 KiB).
	MaxOutputBytes int `json:"max_output_bytes,omitempty"`
	// MemoryMB is how far the process heap may grow during one run before
	// the run is cancelled (default 256 MiB). The heap is shared with the
	// rest of Baton, so this is a guard against runaway programs, not an
	// exact per-run account.
	MemoryMB int `json:"memory_mb,omitempty"`
	// Timeout is the wall-clock limit of one run (default 10s).
	Timeout duration.Duration `json:"timeout,omitempty"`
}

func (o StarlarkOptions) withDefaults() (StarlarkOptions, error) {
	if o.MaxOutputBytes < 0 || o.MemoryMB < 0 || o.Timeout < 0 {
		return o, fmt.Errorf("sandbox: starlark options: max_output_bytes, memory_mb and timeout must not be negative")
	}
	if o.MaxSteps == 0 {
		o.MaxSteps = DefaultMaxSteps
	}
	if o.MaxOutputBytes == 0 {
		o.MaxOutputBytes = DefaultMaxOutputBytes
	}
	if o.MemoryMB == 0 {
		o.MemoryMB = DefaultStarlarkMemoryMB
	}
	if o.Timeout == 0 {
		o.Timeout = duration.Duration(DefaultStarlarkTimeout)
	}
	return o, nil
}
