package sandbox

import (
	"fmt"
	"time"

	"github.com/batonhq/baton/duration"
)

// Defaults of [PythonOptions].
const (
	DefaultPythonTimeout  = 10 * time.Second
	DefaultMemoryMB       = 512
	DefaultMaxOutputBytes = 64 << 10
	DefaultMaxProcs       = 64
	DefaultFileSizeMB     = 16
	DefaultPython         = "python3"
)

// PythonOptions configure a [Python] tool; they are the options of the
// "sandbox.python" kind in baton.yaml. Zero values take the defaults.
type PythonOptions struct {
	// Timeout is the wall-clock limit of one run (default 10s).
	Timeout duration.Duration `json:"timeout,omitempty"`
	// CPUSeconds is the CPU-time limit (RLIMIT_CPU); default: the timeout
	// rounded up to whole seconds.
	CPUSeconds int `json:"cpu_seconds,omitempty"`
	// MemoryMB is the memory limit in MiB (default 512): the address-space
	// limit (RLIMIT_AS), the size of the call's tmpfs (/tmp, /dev/shm and
	// the work directory) and, where available, its memory cgroup, which
	// counts both together.
	MemoryMB int `json:"memory_mb,omitempty"`
	// MaxOutputBytes caps stdout plus stderr (default 64 KiB).
	MaxOutputBytes int `json:"max_output_bytes,omitempty"`
	// MaxProcs is the process and thread limit (RLIMIT_NPROC, default 64).
	MaxProcs int `json:"max_procs,omitempty"`
	// FileSizeMB is the largest file the code may write (RLIMIT_FSIZE,
	// default 16 MiB).
	FileSizeMB int `json:"file_size_mb,omitempty"`
	// Python is the interpreter, a name looked up in PATH or a path
	// (default "python3", with system interpreters as fallbacks when the
	// one found cannot run as the sandbox user).
	Python string `json:"python,omitempty"`

	// FirstUID is the first of the uids (each used as the gid too) from
	// which every concurrent call gets one of its own when Baton runs as
	// root (default 1,900,000,000). No other user or service on the host
	// may use the range.
	FirstUID int `json:"first_uid,omitempty"`
	// UIDCount is how many uids the range holds, so how many calls can run
	// at once (default 1024); a call beyond that is refused with an error
	// Result.
	UIDCount int `json:"uid_count,omitempty"`

	// workRoot is where per-call work directories are made; empty means
	// os.TempDir(). Tests point it at their own directory.
	workRoot string
}

// withDefaults returns o with zero fields filled in and checks the rest.
func (o PythonOptions) withDefaults() (PythonOptions, error) {
	if o.Timeout < 0 || o.CPUSeconds < 0 || o.MemoryMB < 0 || o.MaxOutputBytes < 0 || o.MaxProcs < 0 || o.FileSizeMB < 0 {
		return o, fmt.Errorf("sandbox: python options: timeout, cpu_seconds, memory_mb, max_output_bytes, max_procs and file_size_mb must not be negative")
	}
	if o.Timeout == 0 {
		o.Timeout = duration.Duration(DefaultPythonTimeout)
	}
	if o.CPUSeconds == 0 {
		o.CPUSeconds = int((time.Duration(o.Timeout) + time.Second - 1) / time.Second)
	}
	if o.MemoryMB == 0 {
		o.MemoryMB = DefaultMemoryMB
	}
	if o.MemoryMB < 32 {
		return o, fmt.Errorf("sandbox: python options: memory_mb %d is too small for the interpreter to start; use at least 32", o.MemoryMB)
	}
	if o.MaxOutputBytes == 0 {
		o.MaxOutputBytes = DefaultMaxOutputBytes
	}
	if o.MaxProcs == 0 {
		o.MaxProcs = DefaultMaxProcs
	}
	if o.FileSizeMB == 0 {
		o.FileSizeMB = DefaultFileSizeMB
	}
	if o.FirstUID < 0 || o.UIDCount < 0 || o.FirstUID+o.UIDCount > 1<<31-2 {
		return o, fmt.Errorf("sandbox: python options: first_uid %d and uid_count %d must be non-negative and stay below 2^31-1", o.FirstUID, o.UIDCount)
	}
	if o.FirstUID == 0 {
		o.FirstUID = DefaultFirstUID
	}
	if o.UIDCount == 0 {
		o.UIDCount = DefaultUIDCount
	}
	if o.FirstUID < 1000 {
		return o, fmt.Errorf("sandbox: python options: first_uid %d would share ids with system users; use one of at least 1000", o.FirstUID)
	}
	if o.Python == "" {
		o.Python = DefaultPython
	}
	return o, nil
}
