package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// cgroupParents are the directories under which a call's cgroups are
// made: Baton's own memory and pids cgroups, so their limits still apply
// above the call's. An empty field means that controller is unusable.
type cgroupParents struct {
	memory, pids string
	// v2 is set for the unified hierarchy (memory.max, pids.max,
	// memory.events) rather than v1 (memory.limit_in_bytes, ...).
	v2 bool
}

// callCgroup is one call's cgroups, made before it starts and removed
// after it ends.
type callCgroup struct {
	dirs []string
	v2   bool
}

var cgroupSeq atomic.Uint64

// findCgroupParents locates Baton's own memory and pids cgroups from
// /proc/self/mountinfo and /proc/self/cgroup. Only root can use them.
func findCgroupParents() cgroupParents {
	if os.Geteuid() != 0 {
		return cgroupParents{}
	}
	own := map[string]string{} // controller (or "" for v2) -> path
	if f, err := os.Open("/proc/self/cgroup"); err == nil {
		s := bufio.NewScanner(f)
		for s.Scan() {
			parts := strings.SplitN(s.Text(), ":", 3)
			if len(parts) != 3 {
				continue
			}
			for _, c := range strings.Split(parts[1], ",") {
				own[c] = parts[2]
			}
		}
		f.Close()
	}
	var p cgroupParents
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return p
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	var v2mount, v2root string
	for s.Scan() {
		fields := strings.Fields(s.Text())
		sep := -1
		for i, x := range fields {
			if x == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+3 >= len(fields) || len(fields) < 5 {
			continue
		}
		root, mnt, fstype, super := fields[3], fields[4], fields[sep+1], fields[sep+3]
		switch fstype {
		case "cgroup":
			for _, o := range strings.Split(super, ",") {
				if path, ok := own[o]; ok && (o == "memory" || o == "pids") {
					dir := filepath.Join(mnt, strings.TrimPrefix(path, root))
					if o == "memory" {
						p.memory = dir
					} else {
						p.pids = dir
					}
				}
			}
		case "cgroup2":
			v2mount, v2root = mnt, root
		}
	}
	if p.memory == "" && v2mount != "" {
		if path, ok := own[""]; ok {
			dir := filepath.Join(v2mount, strings.TrimPrefix(path, v2root))
			ctl, _ := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
			fs := strings.Fields(string(ctl))
			if contains(fs, "memory") {
				p = cgroupParents{memory: dir, v2: true}
				if contains(fs, "pids") {
					p.pids = dir
				}
			}
		}
	}
	return p
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// newCallCgroup makes the call's memory cgroup (limit memBytes, swap
// included) and, when available, its pids cgroup (limit procs).
func (p cgroupParents) newCallCgroup(memBytes int64, procs int) (*callCgroup, error) {
	name := fmt.Sprintf("baton-sandbox-%d-%d", os.Getpid(), cgroupSeq.Add(1))
	cg := &callCgroup{v2: p.v2}
	mem := strconv.FormatInt(memBytes, 10)
	var plan []cgroupStep
	if p.v2 {
		s := []cgroupSetting{{"memory.max", mem}, {"memory.swap.max", "0"}}
		if p.pids != "" {
			s = append(s, cgroupSetting{"pids.max", strconv.Itoa(procs)})
		}
		plan = append(plan, cgroupStep{p.memory, s})
	} else {
		plan = append(plan, cgroupStep{p.memory, []cgroupSetting{{"memory.limit_in_bytes", mem}, {"memory.memsw.limit_in_bytes", mem}, {"memory.swappiness", "0"}}})
		if p.pids != "" {
			plan = append(plan, cgroupStep{p.pids, []cgroupSetting{{"pids.max", strconv.Itoa(procs)}}})
		}
	}
	for _, step := range plan {
		dir := filepath.Join(step.parent, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			cg.remove()
			return nil, fmt.Errorf("sandbox: make cgroup %s: %w", dir, err)
		}
		cg.dirs = append(cg.dirs, dir)
		for _, s := range step.settings {
			err := os.WriteFile(filepath.Join(dir, s.file), []byte(s.value), 0)
			if err != nil && (s.file == "memory.memsw.limit_in_bytes" || s.file == "memory.swap.max" || s.file == "memory.swappiness") && errors.Is(err, os.ErrNotExist) {
				continue // no swap accounting: there is no swap to limit either
			}
			if err != nil {
				cg.remove()
				return nil, fmt.Errorf("sandbox: set %s of cgroup %s: %w", s.file, dir, err)
			}
		}
	}
	return cg, nil
}

// cgroupStep is one cgroup to make under parent, with its settings.
type cgroupStep struct {
	parent   string
	settings []cgroupSetting
}

type cgroupSetting struct{ file, value string }

// procsFiles are what the helper writes its pid to.
func (cg *callCgroup) procsFiles() []string {
	if cg == nil {
		return nil
	}
	var out []string
	for _, d := range cg.dirs {
		out = append(out, filepath.Join(d, "cgroup.procs"))
	}
	return out
}

// oomKilled reports whether the kernel killed a process of the call for
// exceeding the memory cgroup's limit.
func (cg *callCgroup) oomKilled() bool {
	if cg == nil || len(cg.dirs) == 0 {
		return false
	}
	file := "memory.oom_control"
	if cg.v2 {
		file = "memory.events"
	}
	b, err := os.ReadFile(filepath.Join(cg.dirs[0], file))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "oom_kill" && f[1] != "0" {
			return true
		}
	}
	return false
}

// remove deletes the call's cgroups once their last process is gone,
// which the kernel finishes shortly after the PID namespace's init dies.
func (cg *callCgroup) remove() {
	if cg == nil {
		return
	}
	for _, d := range cg.dirs {
		var err error
		for range 100 {
			if err = os.Remove(d); err == nil || errors.Is(err, os.ErrNotExist) {
				err = nil
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil {
			logger().Warn("sandbox: remove cgroup", "dir", d, "err", err)
		}
	}
}
