package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

var (
	errWallClock = errors.New("sandbox: wall-clock limit exceeded")
	errOutputCap = errors.New("sandbox: output limit exceeded")
)

// waitDelay bounds how long Wait waits for the output pipes to close after
// the child is killed, in case something outside the process group still
// holds them.
const waitDelay = 2 * time.Second

// scriptName is the file the code is written to in the work directory.
const scriptName = "main.py"

// run executes code once under opts with interpreter interp and isolation
// m. A Go error means the run could not happen (or ctx ended); everything
// the code did, including hitting a limit, is in the Output.
func run(ctx context.Context, opts PythonOptions, interp string, m isolation, code, stdin string) (*Output, error) {
	dir, err := os.MkdirTemp(opts.workRoot, "baton-sandbox-")
	if err != nil {
		return nil, fmt.Errorf("sandbox: make work directory: %w", err)
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			logger().Warn("sandbox: remove work directory", "dir", dir, "err", err)
		}
	}()
	script := filepath.Join(dir, scriptName)
	if err := os.WriteFile(script, []byte(code), 0o644); err != nil {
		return nil, fmt.Errorf("sandbox: write script: %w", err)
	}
	if err := m.chownToSandbox(script); err != nil {
		return nil, fmt.Errorf("sandbox: hand script to the sandbox user: %w", err)
	}
	if err := m.chownToSandbox(dir); err != nil {
		return nil, fmt.Errorf("sandbox: hand work directory to the sandbox user: %w", err)
	}

	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	wall := time.Duration(opts.Timeout)
	tctx, cancel := context.WithTimeoutCause(runCtx, wall, errWallClock)
	defer cancel()

	out := newCapture(opts.MaxOutputBytes, func() { stop(errOutputCap) })
	cmd := exec.CommandContext(tctx, interp, "-I", "-S", "-c", bootstrap,
		strconv.Itoa(opts.CPUSeconds),
		strconv.FormatInt(int64(opts.MemoryMB)<<20, 10),
		strconv.Itoa(opts.MaxProcs),
		strconv.FormatInt(int64(opts.FileSizeMB)<<20, 10),
		strconv.Itoa(maxOpenFiles),
		interp, scriptName)
	cmd.Dir = dir
	cmd.Env = sandboxEnv(dir)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout = out.stream(0)
	cmd.Stderr = out.stream(1)
	cmd.SysProcAttr = m.sysProcAttr()
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	cmd.WaitDelay = waitDelay

	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("sandbox: start %s (isolation %s): %w", interp, m.name, err)
	}
	waitErr := cmd.Wait()
	if !m.namespaces {
		// Without a PID namespace a child that outlived the script may
		// still sit in the group; with one, the kernel already killed it.
		_ = killGroup(cmd.Process.Pid)
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("sandbox: python: %w", ctx.Err())
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) && !errors.Is(waitErr, exec.ErrWaitDelay) {
		return nil, fmt.Errorf("sandbox: wait for %s: %w", interp, waitErr)
	}

	o := &Output{}
	o.Stdout, o.Stderr, o.Truncated = out.result()
	o.ExitCode = cmd.ProcessState.ExitCode()
	sig := signalOf(cmd.ProcessState)
	if sig != 0 {
		o.ExitCode = 128 + int(sig)
	}
	cause := context.Cause(tctx)
	switch {
	case errors.Is(cause, errWallClock):
		o.TimedOut = true
		o.addLimit(fmt.Sprintf("killed: wall-clock limit %s exceeded", wall))
	case sig == sigCPU:
		o.addLimit(fmt.Sprintf("killed: CPU-time limit %ds exceeded", opts.CPUSeconds))
	case sig == sigKill && cause == nil && o.ExitCode != 0:
		// The hard CPU limit, one second past the soft one, sends SIGKILL
		// to a process that ignored SIGXCPU.
		o.addLimit("killed by SIGKILL (CPU-time limit or out of memory)")
	}
	if o.Truncated {
		o.addLimit(fmt.Sprintf("output truncated at %s; the process was killed", sizeString(opts.MaxOutputBytes)))
	}
	if o.ExitCode != 0 {
		switch {
		case strings.Contains(o.Stderr, "MemoryError"):
			o.addLimit(fmt.Sprintf("memory limit %d MiB exceeded (MemoryError)", opts.MemoryMB))
		case sig == sigFSZ || strings.Contains(o.Stderr, "File too large"):
			o.addLimit(fmt.Sprintf("file size limit %d MiB exceeded", opts.FileSizeMB))
		case strings.Contains(o.Stderr, "Resource temporarily unavailable"):
			o.addLimit(fmt.Sprintf("process limit %d reached", opts.MaxProcs))
		}
	}
	return o, nil
}

// sandboxEnv is the whole environment of the child: nothing is inherited,
// so no API key or token of Baton's can leak into code it runs.
func sandboxEnv(dir string) []string {
	return []string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=" + dir,
		"TMPDIR=" + dir,
		"LANG=C.UTF-8",
		"PYTHONDONTWRITEBYTECODE=1",
		"PYTHONIOENCODING=utf-8",
	}
}
