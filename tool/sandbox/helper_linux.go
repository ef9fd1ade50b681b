//go:build linux

package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"syscall"
	"unsafe"
)

func init() {
	if len(os.Args) == 3 && os.Args[1] == helperArg {
		err := helperMain(os.Args[2])
		fmt.Fprintf(os.Stderr, "sandbox helper: %v\n", err)
		os.Exit(helperFailed)
	}
}

// helperFailed is the helper's exit code when it cannot build the
// sandbox; the probe then falls back to a weaker mode.
const helperFailed = 125

// devNodes are the device files the code gets; nothing else of /dev.
var devNodes = []string{"null", "zero", "full", "random", "urandom"}

// helperMain runs in the child, which the parent started in new mount,
// PID, network, IPC and UTS namespaces (and a user namespace without
// root). It builds a root on a fresh tmpfs, bind-mounts the interpreter's
// installation read-only, mounts a /proc of the new PID namespace,
// pivots into the root, drops to the call's uid and execs the interpreter.
// It only returns on failure.
func helperMain(arg string) error {
	// Capabilities and securebits are per thread: everything below runs
	// on, and execs from, this one.
	runtime.LockOSThread()
	// Everything below would rearrange the host's mounts if run outside
	// the namespaces the parent makes: insist on being the first process
	// of a new PID namespace, in a mount namespace other than the
	// parent's, which the parent names in the config.
	if os.Getpid() != 1 {
		return fmt.Errorf("refusing to run outside a new PID namespace (this argument is for Baton's own sandbox)")
	}
	var c helperConfig
	if err := json.Unmarshal([]byte(arg), &c); err != nil {
		return fmt.Errorf("decode config: %w", err)
	}
	self, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil || c.ParentMountNS == "" || self == c.ParentMountNS {
		return fmt.Errorf("refusing to run outside a new mount namespace (own %q, parent's %q, %v)", self, c.ParentMountNS, err)
	}
	// The cgroups are joined just before the exec, so the helper's own
	// memory stays charged to Baton; their files are opened now, while
	// the host's tree is still in view.
	var cgroups []*os.File
	for _, f := range c.Cgroups {
		fd, err := os.OpenFile(f, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("open cgroup %s: %w", f, err)
		}
		cgroups = append(cgroups, fd)
	}
	script, err := os.ReadFile(filepath.Join(c.Work, scriptName))
	if err != nil {
		return fmt.Errorf("read script: %w", err)
	}
	// Nothing mounted from here on may propagate back to the host.
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	root := c.Mount
	opts := fmt.Sprintf("size=%d,mode=0755,nr_inodes=16384", c.TmpfsBytes)
	if err := syscall.Mount("tmpfs", root, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, opts); err != nil {
		return fmt.Errorf("mount tmpfs: %w", err)
	}
	for _, d := range []struct {
		path string
		mode os.FileMode
	}{{"/proc", 0o555}, {"/dev", 0o755}, {"/etc", 0o755}, {"/tmp", 0o1777}, {"/var/tmp", 0o1777}, {"/dev/shm", 0o1777}} {
		if err := mkdirAll(root+d.path, d.mode); err != nil {
			return err
		}
	}
	binds := append([]string(nil), c.Binds...)
	sort.Strings(binds)
	for _, b := range binds {
		if err := bindReadOnly(root, b); err != nil {
			return err
		}
	}
	for _, n := range devNodes {
		if err := bindFile(root, "/dev/"+n, false); err != nil {
			return err
		}
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(target, root+"/dev/"+name); err != nil {
			return fmt.Errorf("link /dev/%s: %w", name, err)
		}
	}
	uid, gid := c.UID, c.GID
	if uid < 0 {
		uid, gid = os.Getuid(), os.Getgid()
	}
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/bin/false\nsandbox:x:%d:%d:sandbox:%s:/bin/false\n", uid, gid, c.Work)
	group := fmt.Sprintf("root:x:0:\nsandbox:x:%d:\n", gid)
	for name, body := range map[string]string{"passwd": passwd, "group": group, "hostname": "sandbox\n", "hosts": "127.0.0.1 localhost sandbox\n"} {
		if err := os.WriteFile(root+"/etc/"+name, []byte(body), 0o644); err != nil {
			return fmt.Errorf("write /etc/%s: %w", name, err)
		}
	}
	_ = syscall.Sethostname([]byte("sandbox"))
	if err := mkdirAll(root+c.Work, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(root+c.Work, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(root+c.Work+"/"+scriptName, script, 0o600); err != nil {
		return fmt.Errorf("copy script: %w", err)
	}
	for _, p := range []string{root + c.Work, root + c.Work + "/" + scriptName} {
		if err := os.Lchown(p, uid, gid); err != nil {
			return fmt.Errorf("hand %s to the sandbox user: %w", p, err)
		}
	}
	if err := syscall.Mount("proc", root+"/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount /proc: %w", err)
	}
	if err := syscall.Chdir(root); err != nil {
		return fmt.Errorf("enter new root: %w", err)
	}
	if err := syscall.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := syscall.Unmount(".", syscall.MNT_DETACH); err != nil {
		return fmt.Errorf("detach host root: %w", err)
	}
	for _, fd := range cgroups {
		if _, err := fd.WriteString("0"); err != nil {
			return fmt.Errorf("join cgroup %s: %w", fd.Name(), err)
		}
		fd.Close()
	}
	if c.UID >= 0 {
		if err := syscall.Setgroups(nil); err != nil {
			return fmt.Errorf("setgroups: %w", err)
		}
		if err := syscall.Setgid(c.GID); err != nil {
			return fmt.Errorf("setgid: %w", err)
		}
		if err := syscall.Setuid(c.UID); err != nil {
			return fmt.Errorf("setuid: %w", err)
		}
	}
	if c.UID < 0 {
		// Still uid 0 of a user namespace: without these bits exec would
		// hand the code every capability of that namespace.
		if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetSecurebits, secbitNoRoot|secbitNoRootLocked|secbitNoSetuidFixup|secbitNoSetuidFixupLocked, 0); e != 0 {
			return fmt.Errorf("set securebits: %w", e)
		}
	}
	// No setuid binary can give privileges back; and the credential change
	// above cleared the parent-death signal, so set it again.
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0); e != 0 {
		return fmt.Errorf("set no_new_privs: %w", e)
	}
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0); e != 0 {
		return fmt.Errorf("set parent-death signal: %w", e)
	}
	if err := syscall.Chdir(c.Work); err != nil {
		return fmt.Errorf("enter work directory: %w", err)
	}
	if len(c.Argv) == 0 {
		return fmt.Errorf("nothing to exec")
	}
	return fmt.Errorf("exec %s: %w", c.Argv[0], syscall.Exec(c.Argv[0], c.Argv, c.Env))
}

// prctl options and securebits (linux/prctl.h, linux/securebits.h).
const (
	prSetNoNewPrivs           = 38
	prSetSecurebits           = 28
	secbitNoRoot              = 1 << 0
	secbitNoRootLocked        = 1 << 1
	secbitNoSetuidFixup       = 1 << 2
	secbitNoSetuidFixupLocked = 1 << 3
)

// mkdirAll makes path and its missing parents with mode (parents 0755),
// setting the mode exactly despite the umask.
func mkdirAll(path string, mode os.FileMode) error {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return fmt.Errorf("make %s: %w", path, err)
	}
	if err := os.Chmod(path, mode); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	return nil
}

// bindReadOnly makes host path p visible read-only at root+p: a symlink
// is recreated as the same symlink (merged-/usr systems link /bin and
// /lib), a directory or file is bind-mounted and remounted read-only.
func bindReadOnly(root, p string) error {
	st, err := os.Lstat(p)
	if err != nil {
		return nil // gone since the probe: nothing to show
	}
	if _, err := os.Lstat(root + p); err == nil {
		return nil // inside an earlier bind or already made
	}
	if st.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(p)
		if err != nil {
			return fmt.Errorf("read link %s: %w", p, err)
		}
		if err := os.MkdirAll(filepath.Dir(root+p), 0o755); err != nil {
			return fmt.Errorf("make %s: %w", filepath.Dir(p), err)
		}
		if err := os.Symlink(target, root+p); err != nil {
			return fmt.Errorf("link %s: %w", p, err)
		}
		return nil
	}
	if st.IsDir() {
		if err := os.MkdirAll(root+p, 0o755); err != nil {
			return fmt.Errorf("make %s: %w", p, err)
		}
		return remountReadOnly(p, root+p)
	}
	return bindFile(root, p, true)
}

// bindFile bind-mounts the host file p at root+p, read-only if ro.
func bindFile(root, p string, ro bool) error {
	if err := os.MkdirAll(filepath.Dir(root+p), 0o755); err != nil {
		return fmt.Errorf("make %s: %w", filepath.Dir(p), err)
	}
	f, err := os.OpenFile(root+p, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("make %s: %w", p, err)
	}
	f.Close()
	if ro {
		return remountReadOnly(p, root+p)
	}
	if err := syscall.Mount(p, root+p, "", syscall.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind %s: %w", p, err)
	}
	return syscall.Mount("", root+p, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_NOSUID, "")
}

// remountReadOnly binds src at dst and makes the bind read-only and
// nosuid, keeping the flags a user namespace may not clear.
func remountReadOnly(src, dst string) error {
	if err := syscall.Mount(src, dst, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s: %w", src, err)
	}
	var sfs syscall.Statfs_t
	flags := uintptr(syscall.MS_BIND | syscall.MS_REMOUNT | syscall.MS_RDONLY | syscall.MS_NOSUID | syscall.MS_NODEV)
	if err := syscall.Statfs(dst, &sfs); err == nil {
		// ST_NOEXEC and friends have the same values as the MS_ flags.
		flags |= uintptr(sfs.Flags) & (syscall.MS_NOEXEC | syscall.MS_NOATIME | syscall.MS_NODIRATIME | syscall.MS_RELATIME)
	}
	if _, _, e := syscall.Syscall6(syscall.SYS_MOUNT, 0, uintptr(unsafe.Pointer(bytePtr(dst))), 0, flags, 0, 0); e != 0 {
		return fmt.Errorf("make %s read-only: %w", src, e)
	}
	return nil
}

func bytePtr(s string) *byte {
	p, err := syscall.BytePtrFromString(s)
	if err != nil {
		return nil
	}
	return p
}
