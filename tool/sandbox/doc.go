// Package sandbox provides Baton's code interpreters as tools: [Python],
// which runs the system python3 in a locked-down subprocess, and
// [Starlark], an embedded, always-available interpreter without I/O.
//
// Both register default kinds in init ("sandbox.python" and
// "sandbox.starlark"), so a configuration that declares no tools still
// gets them. Each call takes {"code": "..."} and returns a [tool.Result]
// whose Content is the labelled output and whose Data is an [Output].
// Exceeding a limit (wall clock, CPU time, memory, output size, steps) is
// never a Go error: it is an error Result that says which limit was hit, so
// the policy can read it and try something else.
//
// # Python isolation
//
// Go's os/exec cannot set resource limits on a child, so the interpreter
// first runs a tiny Python bootstrap (passed with -c) that lowers its own
// rlimits (CPU, address space, processes, file size, open files, core
// size) and then execs the interpreter again on the user's script.
//
// On Linux the strongest mode, "private", wraps that in a helper stage:
// Baton re-executes its own binary (this package's init recognises the
// helper's argv and never returns to main) in new mount, PID, network,
// IPC and UTS namespaces. The helper mounts a fresh tmpfs, sized by the
// memory limit, as the call's root; bind-mounts read-only only what the
// interpreter needs (/usr, /lib*, /bin, /sbin, the loader cache and the
// interpreter's own installation, e.g. a pyenv prefix under /root); adds
// /dev/null, zero, full, random and urandom, a private /tmp, /var/tmp and
// /dev/shm on the same tmpfs, a work directory at the host work
// directory's path holding a copy of the script, and a /proc of the new
// PID namespace; pivots into it and detaches the host's tree; joins the
// call's memory and pids cgroups; drops to a uid and gid of the call's own,
// taken from a configurable range ([PythonOptions.FirstUID], UIDCount) so
// no two running calls share one; sets no_new_privs; and execs the
// bootstrap. So the code sees no host file, socket (its network namespace
// also hides abstract sockets and the host's loopback) or process; it
// cannot reach another call's files or processes; RLIMIT_NPROC counts only
// its own processes, so a fork bomb cannot starve a neighbour; and when
// the PID namespace's init exits, the kernel kills the rest and the mount
// namespace, tmpfs and all, disappears: nothing is left behind. Where
// Baton may make cgroups (root, cgroup v1, or v2 with memory delegated),
// each call gets a memory cgroup of the memory limit (swap excluded) and a
// pids cgroup of the process limit: its processes and its files in /tmp
// and /dev/shm then share one budget, and an OOM kill is reported as the
// memory limit.
//
// Without root, "userns+private" builds the same tree inside a user
// namespace; the helper is root only there and sets the NOROOT securebits
// so the code gets no capabilities, but the code runs as Baton's own uid
// and no cgroup is made. Weaker fallbacks follow (uid 65534 with
// namespaces, uid 65534 alone, namespaces alone, rlimits alone). The
// strongest mode that works is found once per interpreter by a probe run.
// A weaker one is logged once with slog, leads the tool's description
// ("WEAKER SANDBOX (...)", visible in baton tools), appears in
// [Python.Isolation], and is named in every Result ([Output].Isolation and
// a "[sandbox protections unavailable here: ...]" line).
//
// Every call also gets a fresh host work directory (0700, removed
// afterwards) and a scrubbed environment (PATH, HOME and TMPDIR pointing
// at the work directory, LANG, PYTHONDONTWRITEBYTECODE, PYTHONIOENCODING,
// nothing inherited). Output is read through a bounded buffer: past the
// cap it is discarded, the process group is killed and the Result is
// marked truncated.
//
// Known gaps: without a memory cgroup the tmpfs and the address space are
// bounded separately, so a call may hold up to twice its memory limit;
// the modes without a private filesystem share the host's /tmp, /dev/shm
// and /proc, and those without a PID namespace cannot catch a process that
// leaves the group with setsid.
//
// # Starlark
//
// [Starlark] runs go.starlark.net with a step limit, no load statement,
// only the universe builtins plus the json and math modules, print captured
// into a capped buffer, and cancellation on context end. Its memory is
// bounded in two ways. Before compiling, the program's syntax tree is
// rewritten so that each operator that can build a large value in one
// uninterruptible Go call (*, +, % and +=, *=, %= on a name or on a[k]
// with a and k names or literals) and each call
// of the string methods join, replace, format, split, rsplit and
// splitlines goes through a builtin that estimates the result's size and
// refuses it, with a memory-limit error, when it would not fit in what is
// left of the run's budget; replace and split may also do no more pieces
// of work than steps are left, and integer products are capped at 1 MiB.
// Builtins that copy a whole iterable (list, sorted, range, ...) refuse
// more elements than the step limit. Converting a value to text (print,
// str, repr, json.encode and encode_indent, % and format) is estimated
// first, visiting each distinct container once, and refused past the
// budget; so is converting a value, or decoding or indenting JSON, nested
// more than 1000 levels deep, since those converters recurse on Baton's
// own stack and a few million levels would crash the process. A heap
// watchdog cancels a run whose allocations, made in small steps, outgrow
// the limit. Still bounded only by the watchdog (so possibly overshooting
// by one operation): augmented assignment to other targets (d[f()] += s),
// and hashing a tuple nested millions of levels deep, which only a raised
// step limit can build.
package sandbox
