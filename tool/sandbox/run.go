package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// run executes code once under opts with the interpreter and isolation of
// c. A Go error means the run could not happen (or ctx ended); everything
// the code did, including hitting a limit, is in the Output.
func run(ctx context.Context, opts PythonOptions, c choice, code, stdin string) (*Output, error) {
	interp, m := c.interp, c.mode
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
	scriptMode := os.FileMode(0o644)
	if m.private {
		scriptMode = 0o600 // only the helper, still root, reads it
	}
	if err := os.WriteFile(script, []byte(code), scriptMode); err != nil {
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
	argv := []string{interp, "-I", "-S", "-c", bootstrap,
		strconv.Itoa(opts.CPUSeconds),
		strconv.FormatInt(int64(opts.MemoryMB)<<20, 10),
		strconv.Itoa(opts.MaxProcs),
		strconv.FormatInt(int64(opts.FileSizeMB)<<20, 10),
		strconv.Itoa(maxOpenFiles),
		interp, scriptName}
	var cmd *exec.Cmd
	var cg *callCgroup
	if m.private {
		if c.cgroups.memory != "" {
			cg, err = c.cgroups.newCallCgroup(int64(opts.MemoryMB)<<20, opts.MaxProcs)
			if err != nil {
				return nil, err
			}
			defer cg.remove() // after the uid's release below: ends last
		}
		cfg, release, err := privateConfig(opts, c, dir, argv, cg)
		if err != nil {
			return nil, err
		}
		defer release()
		cmd = exec.CommandContext(tctx, c.helper, helperArg, cfg)
	} else {
		cmd = exec.CommandContext(tctx, interp, argv[1:]...)
	}
	cmd.Dir = dir
	cmd.Env = sandboxEnv(dir)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = m.sysProcAttr()
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	cmd.WaitDelay = waitDelay

	// Our own pipes rather than io.Writers, so Wait returns when the script
	// exits instead of when the last holder of its stdout does: then the
	// group kill below ends any process it left behind, and the readers see
	// EOF at once.
	var readers sync.WaitGroup
	var pipeEnds []*os.File
	defer func() {
		for _, f := range pipeEnds {
			f.Close()
		}
	}()
	for i, dst := range []*io.Writer{&cmd.Stdout, &cmd.Stderr} {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("sandbox: make output pipe: %w", err)
		}
		pipeEnds = append(pipeEnds, r, w)
		*dst = w
		readers.Add(1)
		go func() {
			defer readers.Done()
			_, _ = io.Copy(out.stream(i), r)
		}()
	}
	startErr := cmd.Start()
	pipeEnds[1].Close() // the child holds its own copies of the write ends
	pipeEnds[3].Close()
	if startErr != nil {
		return nil, fmt.Errorf("sandbox: start %s (isolation %s): %w", interp, m.name, startErr)
	}
	waitErr := cmd.Wait()
	if !m.namespaces {
		// In a PID namespace the kernel has already killed everything the
		// script started (and the pid may not be ours to signal any more);
		// without one, the group kill ends what it left behind.
		_ = killGroup(cmd.Process.Pid)
	}
	if !waitTimeout(&readers, waitDelay) {
		// Something outside the group (a setsid escapee, possible only
		// without a PID namespace) still holds the pipes: stop reading.
		pipeEnds[0].Close()
		pipeEnds[2].Close()
		readers.Wait()
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("sandbox: python: %w", ctx.Err())
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
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
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	switch {
	case errors.Is(cause, errWallClock):
		o.TimedOut = true
		o.addLimit(fmt.Sprintf("killed: wall-clock limit %s exceeded", wall))
	case sig == sigKill && cg.oomKilled():
		o.addLimit(fmt.Sprintf("killed: memory limit %d MiB exceeded (the code's memory and its files in /tmp and /dev/shm count together)", opts.MemoryMB))
	case sig == sigCPU || sig == sigKill && cause == nil && cpu >= time.Duration(opts.CPUSeconds)*time.Second*3/4:
		// The bootstrap makes the CPU limit hard, so it arrives as SIGKILL;
		// the CPU time used tells it from other kills. The kernel's limit
		// check counts time that rusage, tick-sampled, may under-report,
		// hence the margin.
		o.addLimit(fmt.Sprintf("killed: CPU-time limit %ds exceeded", opts.CPUSeconds))
	case sig == sigKill && cause == nil:
		o.addLimit("killed by SIGKILL")
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
		case strings.Contains(o.Stderr, "Resource temporarily unavailable") || strings.Contains(o.Stderr, "can't start new thread"):
			o.addLimit(fmt.Sprintf("process limit %d reached", opts.MaxProcs))
		}
	}
	return o, nil
}

// waitTimeout waits for wg for at most d and reports whether it finished.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
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
