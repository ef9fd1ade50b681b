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
// Go's os/exec cannot set resource limits on a child, so each call starts
// the interpreter on a tiny Python bootstrap (passed with -c) that lowers
// its own rlimits (CPU, address space, processes, file size, open files,
// core size) and then execs the interpreter again on the user's script. The
// bootstrap needs nothing but the interpreter itself, unlike prlimit(1) or
// a re-exec of the Go binary, which would need a cooperating main package.
//
// On Linux the child also gets, where the OS allows: new network, PID,
// mount, IPC and UTS namespaces (no network at all, not even the host's
// loopback; killing the namespace's init kills every process the code
// forked), and, when Baton runs as root, the unprivileged uid and gid 65534
// (nobody) so the code can neither read root's 0600 files nor escape
// RLIMIT_NPROC, which does not bind root. The strongest combination that
// works is found once per interpreter by a probe run; a weaker fallback is
// logged once with slog and stated in the tool's description and in
// [Python.Isolation].
//
// Every call gets a fresh working directory, removed afterwards, and a
// scrubbed environment (PATH, HOME and TMPDIR pointing at the work
// directory, LANG, PYTHONDONTWRITEBYTECODE, PYTHONIOENCODING, nothing
// inherited). Output is read through a bounded buffer: past the cap it is
// discarded, the process group is killed and the Result is marked
// truncated.
//
// Known gaps: /proc still shows the host's processes (the mount namespace
// is private but /proc is not remounted); world-writable directories such
// as /tmp remain writable by the sandbox uid; RLIMIT_NPROC counts all
// processes of uid 65534, so a fork bomb in one call makes forks fail in
// calls running beside it until it is killed; and the fallback modes
// without a PID namespace cannot catch a process that leaves the group
// with setsid.
//
// # Starlark
//
// [Starlark] runs go.starlark.net with a step limit, no load statement,
// only the universe builtins plus the json and math modules, print captured
// into a capped buffer, cancellation on context end, and a heap watchdog
// that cancels a run whose allocations outgrow its memory limit. Builtins
// that copy a whole iterable in one uninterruptible Go call (list, sorted,
// range, ...) refuse more elements than the step limit. Still unbounded
// by anything but Starlark's own caps: one huge allocation from an
// operator, such as [0] * (1 << 29), which the watchdog only sees after it
// happened.
package sandbox
