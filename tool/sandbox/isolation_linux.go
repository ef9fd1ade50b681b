//go:build linux

package sandbox

import (
	"errors"
	"os"
	"syscall"
)

const nsFlags = syscall.CLONE_NEWNET | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS |
	syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS

// isolationModes lists what to try, strongest first. As root the uid drop
// matters more than the namespaces (it is what keeps secrets unreadable
// and makes RLIMIT_NPROC bind), so "nobody" comes before "namespaces".
// Without root only a user namespace can create the others.
func isolationModes() []isolation {
	if os.Geteuid() == 0 {
		return []isolation{
			{name: "private", drop: true, namespaces: true, private: true},
			{name: "namespaces+nobody", drop: true, namespaces: true},
			{name: "nobody", drop: true},
			{name: "namespaces", namespaces: true},
			{name: "none"},
		}
	}
	return []isolation{
		{name: "userns+private", namespaces: true, userns: true, private: true},
		{name: "userns", namespaces: true, userns: true},
		{name: "none"},
	}
}

// sysProcAttr starts the child in its own process group (so a kill reaches
// everything it forked even without a PID namespace), kills it if Baton's
// thread dies, and applies m.
func (m isolation) sysProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if m.namespaces {
		a.Cloneflags = nsFlags
	}
	if m.userns {
		a.Cloneflags |= syscall.CLONE_NEWUSER
		uid, gid := os.Getuid(), os.Getgid()
		inUID, inGID := uid, gid
		if m.private {
			// The helper must be root in the namespace to mount; it makes
			// sure the code it execs gains no capabilities from that.
			inUID, inGID = 0, 0
		}
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: inUID, HostID: uid, Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: inGID, HostID: gid, Size: 1}}
		a.GidMappingsEnableSetgroups = false
	}
	if m.drop && !m.private {
		// A private sandbox starts as root: its helper mounts first and
		// then drops to the call's own uid.
		a.Credential = &syscall.Credential{Uid: sandboxID, Gid: sandboxID, Groups: []uint32{}}
	}
	return a
}

// killGroup kills the process group led by pid. In a PID namespace that
// leader is the namespace's init, whose death makes the kernel kill the
// rest.
func killGroup(pid int) error {
	err := syscall.Kill(-pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// chownToSandbox hands path to the sandbox user when m drops privileges.
func (m isolation) chownToSandbox(path string) error {
	if !m.drop || m.private {
		return nil
	}
	return os.Lchown(path, sandboxID, sandboxID)
}

// signalOf returns the signal that ended the process, or 0.
func signalOf(ps *os.ProcessState) syscall.Signal {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal()
	}
	return 0
}

// Signals the rlimits send.
const (
	sigCPU  = syscall.SIGXCPU
	sigFSZ  = syscall.SIGXFSZ
	sigKill = syscall.SIGKILL
)
