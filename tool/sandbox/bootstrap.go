package sandbox

// bootstrap is run with `python3 -I -S -c bootstrap CPU AS NPROC FSIZE
// NOFILE INTERPRETER SCRIPT`. It lowers its own rlimits, which exec
// preserves, then replaces itself with the interpreter on the user's
// script, so the user's code starts under the limits with a clean
// interpreter state. A limit is only ever lowered: where the inherited hard
// limit is already smaller, that one stays. The CPU limit is hard at once
// (SIGKILL): a PID namespace's init never receives the soft limit's
// SIGXCPU, and a script could catch it anyway.
const bootstrap = `import os, resource, sys
def lim(name, soft, hard):
    r = getattr(resource, name, None)
    if r is None:
        return
    _, cur = resource.getrlimit(r)
    if cur != resource.RLIM_INFINITY:
        hard = min(hard, cur)
        soft = min(soft, hard)
    resource.setrlimit(r, (soft, hard))
cpu, mem, nproc, fsize, nofile = (int(a) for a in sys.argv[1:6])
lim("RLIMIT_CORE", 0, 0)
lim("RLIMIT_CPU", cpu, cpu)
lim("RLIMIT_AS", mem, mem)
lim("RLIMIT_NPROC", nproc, nproc)
lim("RLIMIT_FSIZE", fsize, fsize)
lim("RLIMIT_NOFILE", nofile, nofile)
os.execv(sys.argv[6], [sys.argv[6], "-u", sys.argv[7]])
`

// maxOpenFiles is RLIMIT_NOFILE for the sandboxed code: plenty for scripts,
// few enough that descriptor exhaustion stays local.
const maxOpenFiles = 256
