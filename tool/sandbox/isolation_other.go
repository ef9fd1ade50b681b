//go:build !linux

package sandbox

import (
	"os"
	"syscall"
)

// isolationModes offers only rlimits outside Linux.
func isolationModes() []isolation { return []isolation{{name: "none"}} }

func (m isolation) sysProcAttr() *syscall.SysProcAttr { return nil }

// killGroup kills the process itself; there is no group to kill here.
func killGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

func (m isolation) chownToSandbox(string) error { return nil }

func signalOf(*os.ProcessState) syscall.Signal { return 0 }

// Signals the rlimits send; none can be observed here.
const (
	sigCPU  = syscall.Signal(-1)
	sigFSZ  = syscall.Signal(-2)
	sigKill = syscall.Signal(-3)
)
