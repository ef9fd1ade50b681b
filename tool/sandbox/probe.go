package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/tool"
)

// probeTimeout bounds one probe run; an interpreter that cannot print "ok"
// in this time is not usable anyway.
const probeTimeout = 10 * time.Second

// systemPythons are tried when the default interpreter found in PATH cannot
// run as the sandbox user, typically a pyenv install under root's 0700 home.
var systemPythons = []string{"/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"}

// choice is the interpreter and isolation a probe settled on.
type choice struct {
	interp string
	mode   isolation
	// helper is the Baton binary re-executed to build a private sandbox,
	// binds the host paths that sandbox shows (both only for private
	// modes).
	helper string
	binds  []string
	// cgroups is where each call's memory and pids cgroups are made, when
	// the mode is private and Baton may make them.
	cgroups cgroupParents
}

// public reports the isolation in force, including the memory cgroup.
func (c choice) public() Isolation {
	i := c.mode.public()
	i.MemoryCgroup = c.mode.private && c.cgroups.memory != ""
	return i
}

var (
	probeMu    sync.Mutex
	probeCache = map[string]choice{}
)

func logger() *slog.Logger { return slog.Default() }

// choose finds the strongest isolation mode under which some candidate
// interpreter runs a trivial script, trying each mode with every candidate
// before weakening the mode. The result is cached per interpreter setting,
// memory limit and work root, so the probe and its fallback warning happen
// once per process.
func choose(ctx context.Context, opts PythonOptions) (choice, error) {
	key := opts.Python + "\x00" + strconv.Itoa(opts.MemoryMB) + "\x00" + opts.workRoot
	probeMu.Lock()
	defer probeMu.Unlock()
	if c, ok := probeCache[key]; ok {
		return c, nil
	}
	cands := candidates(ctx, opts.Python)
	if len(cands) == 0 {
		return choice{}, fmt.Errorf("sandbox: python interpreter %q not found; install python3 or set the python option of sandbox.python: %w", opts.Python, tool.ErrDisabled)
	}
	popts := opts
	popts.Timeout = duration.Duration(probeTimeout)
	popts.CPUSeconds = int(probeTimeout / time.Second)
	popts.MaxOutputBytes = 4 << 10
	var fails []string
	modes := isolationModes()
	helper, helperErr := os.Executable()
	binds := map[string][]string{}
	cgroups := usableCgroups(opts)
	for i, m := range modes {
		for _, interp := range cands {
			c := choice{interp: interp, mode: m}
			if m.private {
				if helperErr != nil {
					fails = append(fails, fmt.Sprintf("%s: cannot find Baton's own binary to re-execute: %v", m.name, helperErr))
					continue
				}
				if _, ok := binds[interp]; !ok {
					binds[interp] = bindList(installDirs(ctx, interp))
				}
				c.helper, c.binds = helper, binds[interp]
				if m.drop {
					c.cgroups = cgroups
				}
			}
			out, err := run(ctx, popts, c, "import json, os, sys\nprint('ok')\n", "")
			if err != nil && ctx.Err() != nil {
				return choice{}, err
			}
			if err == nil && out.ExitCode == 0 && out.Stdout == "ok\n" {
				probeCache[key] = c
				if i > 0 {
					logger().Warn("sandbox: python runs with weaker isolation than the strongest mode",
						"interpreter", interp, "mode", m.name, "want", modes[0].name, "failures", strings.Join(fails, " | "))
				} else {
					logger().Debug("sandbox: python isolation", "interpreter", interp, "mode", m.name)
				}
				return c, nil
			}
			fails = append(fails, probeFailure(interp, m, out, err))
		}
	}
	return choice{}, fmt.Errorf("sandbox: no python interpreter runs here (%s): %w", strings.Join(fails, " | "), tool.ErrDisabled)
}

// usableCgroups finds Baton's cgroups and checks, once, that a call's
// cgroup can be made there; otherwise calls go without (and say so).
func usableCgroups(opts PythonOptions) cgroupParents {
	p := findCgroupParents()
	if p.memory == "" {
		return p
	}
	cg, err := p.newCallCgroup(int64(opts.MemoryMB)<<20, opts.MaxProcs)
	if err != nil {
		logger().Warn("sandbox: python calls run without a memory cgroup", "err", err)
		return cgroupParents{}
	}
	cg.remove()
	return p
}

func probeFailure(interp string, m isolation, out *Output, err error) string {
	if err != nil {
		return fmt.Sprintf("%s as %s: %v", interp, m.name, err)
	}
	msg := strings.TrimSpace(out.Stderr)
	if len(msg) > 200 {
		msg = msg[len(msg)-200:]
	}
	return fmt.Sprintf("%s as %s: exit %d: %s", interp, m.name, out.ExitCode, msg)
}

// candidates returns the interpreters to try, real paths first. A name is
// resolved through PATH and then through the interpreter's own
// sys.executable, which skips launcher shims (pyenv's are shell scripts
// that need the invoking user's home). Only the default setting falls back
// to system interpreters: an explicit one is used as given.
func candidates(ctx context.Context, python string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if p == "" {
			return
		}
		key := p
		if r, err := filepath.EvalSymlinks(p); err == nil {
			key = r
		}
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, p)
	}
	if p, err := exec.LookPath(python); err == nil {
		add(realExecutable(ctx, p))
		add(p)
	}
	if python == DefaultPython {
		for _, p := range systemPythons {
			if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
				add(p)
			}
		}
	}
	return out
}

// installDirs asks the interpreter at p where its installation lives
// (prefixes, the directory of its binary, the directories of the shared
// libraries it loaded), so a private sandbox can show exactly those. It
// runs as Baton itself, like realExecutable.
func installDirs(ctx context.Context, p string) []string {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	code := "import os, sys\n" +
		"for d in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}: print(d)\n"
	b, err := exec.CommandContext(ctx, p, "-I", "-S", "-c", code).Output()
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); filepath.IsAbs(l) && l != "/" {
			out = append(out, l)
		}
	}
	dir := filepath.Dir(p)
	if r, err := filepath.EvalSymlinks(p); err == nil {
		dir = filepath.Dir(r)
	}
	return append(out, dir)
}

// realExecutable asks the interpreter at p where it really lives. It runs
// with Baton's own environment and user: this is Baton inspecting its
// installation, not sandboxed code.
func realExecutable(ctx context.Context, p string) string {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	b, err := exec.CommandContext(ctx, p, "-I", "-S", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return ""
	}
	s := strings.TrimSpace(string(b))
	if !filepath.IsAbs(s) {
		return ""
	}
	return s
}
