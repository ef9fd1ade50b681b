package sandbox

import "strings"

// sandboxID is the uid and gid the code runs as when Baton is root: the
// conventional nobody/nogroup, which owns nothing worth reading.
const sandboxID = 65534

// isolation is one way of starting the child, from strongest to weakest in
// [isolationModes]; the probe picks the first that works here.
type isolation struct {
	name string
	// drop runs the child as sandboxID (needs root).
	drop bool
	// namespaces gives the child new network, PID, mount, IPC and UTS
	// namespaces.
	namespaces bool
	// userns adds a user namespace, which lets a non-root Baton create the
	// other namespaces.
	userns bool
	// private re-executes Baton as a helper that builds the call's own
	// filesystem (a minimal read-only root, a fresh tmpfs for /tmp,
	// /dev/shm and the work directory, its own /proc) and, with drop, runs
	// the code as a uid of its own from the configured range.
	private bool
}

// Isolation says how a [Python] tool confines the code it runs here.
type Isolation struct {
	// Mode names the combination in use, e.g. "namespaces+nobody".
	Mode string `json:"mode"`
	// Network is set when the code has no network at all (own network
	// namespace with only a down loopback).
	Network bool `json:"network"`
	// PID is set when the code runs in its own PID namespace, so killing
	// its first process kills everything it forked.
	PID bool `json:"pid"`
	// SeparateUser is set when the code runs as uid 65534 rather than
	// Baton's own user, so it cannot read Baton's private files and
	// RLIMIT_NPROC applies.
	SeparateUser bool `json:"separate_user"`
	// PerCallUser is set when every call runs as its own uid and gid from
	// the configured range, so concurrent calls cannot touch each other's
	// processes or files, nor share RLIMIT_NPROC.
	PerCallUser bool `json:"per_call_user"`
	// PrivateFS is set when the code sees a minimal read-only root (the
	// interpreter's installation and a few /dev nodes) with a fresh
	// size-limited tmpfs for /tmp, /dev/shm and its work directory, and
	// its own /proc: no host files, sockets or processes.
	PrivateFS bool `json:"private_fs"`
	// MemoryCgroup is set when each call has a memory cgroup of the
	// memory limit's size, so its processes and its files in /tmp and
	// /dev/shm share one budget, and a pids cgroup of the process limit.
	MemoryCgroup bool `json:"memory_cgroup"`
}

func (m isolation) public() Isolation {
	return Isolation{Mode: m.name, Network: m.namespaces, PID: m.namespaces, SeparateUser: m.drop,
		PerCallUser: m.drop && m.private, PrivateFS: m.private}
}

// protections lists what the sandbox provides here and what it lacks, in
// words.
func (i Isolation) protections() (have, lack []string) {
	add := func(ok bool, what string) {
		if ok {
			have = append(have, what)
		} else {
			lack = append(lack, what)
		}
	}
	add(i.Network, "network isolation")
	add(i.PID, "a private PID namespace")
	add(i.PrivateFS, "a private read-only filesystem with its own /tmp, /dev/shm and /proc")
	add(i.SeparateUser, "an unprivileged user")
	add(i.PerCallUser, "a separate uid per call")
	add(i.MemoryCgroup, "a memory cgroup counting /tmp and /dev/shm files with the code's memory")
	return have, lack
}

// Missing names the protections unavailable on this machine, or is empty.
func (i Isolation) Missing() string {
	_, lack := i.protections()
	if len(lack) == 0 {
		return ""
	}
	return "unavailable here: " + strings.Join(lack, ", ")
}

// describe is the sentence the tool's description carries, so a reader of
// the spec knows what the sandbox does and does not prevent here.
func (i Isolation) describe() string {
	have, lack := i.protections()
	s := ""
	if len(have) > 0 {
		s = "Runs with " + strings.Join(have, ", ") + "."
	}
	if len(lack) > 0 {
		if s != "" {
			s += " "
		}
		s += "Unavailable on this machine: " + strings.Join(lack, ", ") + "."
	}
	return s
}
