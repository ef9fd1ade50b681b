package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// helperArg is argv[1] of the re-executed Baton binary that builds a
// call's private filesystem. The binary is whatever links this package
// (baton itself, or a test binary), so init catches it before main runs.
const helperArg = "__baton_sandbox_helper__"

// helperConfig is what the parent tells the helper, as JSON in argv[2].
type helperConfig struct {
	// Work is the host work directory holding main.py; the code sees a
	// fresh directory at the same path, on its tmpfs.
	Work string `json:"work"`
	// Mount is an empty host directory the new root's tmpfs is mounted on.
	Mount string `json:"mount"`
	// UID and GID are the identity the code runs as; -1 keeps the
	// helper's own (in a user namespace).
	UID int `json:"uid"`
	GID int `json:"gid"`
	// TmpfsBytes sizes the tmpfs holding /tmp, /dev/shm and the work
	// directory together.
	TmpfsBytes int64 `json:"tmpfs_bytes"`
	// Binds are host paths made visible read-only at the same place.
	Binds []string `json:"binds"`
	// Cgroups are cgroup.procs files the helper joins before anything else.
	Cgroups []string `json:"cgroups,omitempty"`
	// ParentMountNS is the parent's mount namespace (the link text of
	// /proc/self/ns/mnt): the helper refuses to touch mounts in it.
	ParentMountNS string `json:"parent_mount_ns"`
	// Argv and Env are exec'd once the sandbox is built.
	Argv []string `json:"argv"`
	Env  []string `json:"env"`
}

// ownMountNS identifies Baton's mount namespace, which the helper must
// not be in; empty where there is no /proc, and then no helper runs.
var ownMountNS, _ = os.Readlink("/proc/self/ns/mnt")

// privateConfig prepares a call in a private sandbox: it takes a uid from
// the pool (when the mode drops privileges), makes the empty directory the
// helper mounts the call's root on, and returns the helper's argument and
// the function that gives the uid back once the call's processes are gone.
func privateConfig(opts PythonOptions, c choice, dir string, argv []string, cg *callCgroup) (string, func(), error) {
	release := func() {}
	uid, gid := -1, -1
	if c.mode.drop {
		u, rel, err := acquireUID(opts.FirstUID, opts.UIDCount)
		if err != nil {
			return "", nil, err
		}
		uid, gid, release = u, u, rel
	}
	mount := filepath.Join(dir, "root")
	if err := os.Mkdir(mount, 0o700); err != nil {
		release()
		return "", nil, fmt.Errorf("sandbox: make root mount point: %w", err)
	}
	b, err := json.Marshal(helperConfig{
		Work:          dir,
		Mount:         mount,
		UID:           uid,
		GID:           gid,
		TmpfsBytes:    int64(opts.MemoryMB) << 20,
		Binds:         c.binds,
		Argv:          argv,
		Env:           sandboxEnv(dir),
		Cgroups:       cg.procsFiles(),
		ParentMountNS: ownMountNS,
	})
	if err != nil {
		release()
		return "", nil, fmt.Errorf("sandbox: encode helper config: %w", err)
	}
	return string(b), release, nil
}

// defaultBinds are the host paths every interpreter needs: its shared
// libraries and the loader's cache. The interpreter's own installation is
// added per interpreter.
var defaultBinds = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache", "/etc/localtime"}

// bindList returns the host paths to show for interpreter dirs: the
// defaults plus each dir not already under one of them.
func bindList(dirs []string) []string {
	out := append([]string(nil), defaultBinds...)
	for _, d := range dirs {
		if d == "" || !filepath.IsAbs(d) {
			continue
		}
		d = filepath.Clean(d)
		covered := false
		for _, b := range out {
			if d == b || strings.HasPrefix(d, b+"/") {
				covered = true
			}
		}
		if !covered {
			out = append(out, d)
		}
	}
	return out
}
