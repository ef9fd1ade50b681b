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
}

func (m isolation) public() Isolation {
	return Isolation{Mode: m.name, Network: m.namespaces, PID: m.namespaces, SeparateUser: m.drop}
}

// describe is the sentence the tool's description carries, so a reader of
// the spec knows what the sandbox does and does not prevent here.
func (i Isolation) describe() string {
	var have, lack []string
	add := func(ok bool, what string) {
		if ok {
			have = append(have, what)
		} else {
			lack = append(lack, what)
		}
	}
	add(i.Network, "network isolation")
	add(i.PID, "a private PID namespace")
	add(i.SeparateUser, "an unprivileged user")
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
