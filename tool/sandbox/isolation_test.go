package sandbox

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/duration"
)

// TestEveryIsolationMode runs the fallback modes too, so a machine that
// lacks namespaces or root still gets a sandbox that kills what the script
// left behind and enforces the limits it can. The fork bomb is left out:
// without a PID namespace and uid drop nothing would bound it.
func TestEveryIsolationMode(t *testing.T) {
	t.Parallel()
	base := newTestPython(t, nil) // for its interpreter choice and work root
	for _, m := range isolationModes() {
		t.Run(m.name, func(t *testing.T) {
			opts := base.opts
			// Like the probe, try every candidate interpreter: a pyenv one
			// under root's 0700 home cannot run as nobody, the system one can.
			var c choice
			var fails []string
			for _, interp := range candidates(context.Background(), DefaultPython) {
				c = choice{interp: interp, mode: m}
				c.helper, _ = os.Executable()
				c.binds = bindList(installDirs(context.Background(), interp))
				probe, err := run(context.Background(), opts, c, "print('ok')", "")
				if err == nil && probe.ExitCode == 0 {
					fails = nil
					break
				}
				fails = append(fails, fmt.Sprintf("%s: %v %+v", interp, err, probe))
			}
			if fails != nil {
				t.Skipf("isolation mode %s does not start here (%s); the probe falls back past it", m.name, strings.Join(fails, " | "))
			}
			tests := []struct {
				name   string
				code   string
				opts   func(*PythonOptions)
				check  func(*Output) string
				strays bool
			}{
				{name: "stdout and exit code", code: "import sys\nprint('hi')\nsys.exit(4)", check: func(o *Output) string {
					if o.Stdout != "hi\n" || o.ExitCode != 4 {
						return "want stdout hi and exit code 4"
					}
					return ""
				}},
				{name: "identity", code: "import os\nprint(os.getuid())\nprint([l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0])", check: func(o *Output) string {
					f := strings.Fields(o.Stdout)
					if len(f) != 2 {
						return "want the uid and the effective capabilities"
					}
					uid, _ := strconv.Atoi(f[0])
					switch {
					case m.drop && m.private && (uid < opts.FirstUID || uid >= opts.FirstUID+opts.UIDCount):
						return "uid should come from the per-call range"
					case m.drop && !m.private && uid != 65534:
						return "uid should be 65534 when the mode drops privileges to nobody"
					case m.userns && m.private && uid != 0:
						return "uid should be 0 of the user namespace (Baton's own uid outside)"
					case !m.drop && !m.userns && uid != os.Getuid():
						return "uid should be Baton's own when the mode keeps it"
					}
					if noCaps := f[1] == "0000000000000000"; noCaps != (m.drop || os.Geteuid() != 0) {
						return "the code should hold capabilities only when Baton is root and keeps its uid"
					}
					return ""
				}},
				{name: "left-behind child is killed", code: "import os, time\nif os.fork() == 0:\n  time.sleep(60)\nprint('parent done')", check: func(o *Output) string {
					if o.Stdout != "parent done\n" || o.ExitCode != 0 {
						return "want the parent's output and exit 0"
					}
					return ""
				}},
				{name: "wall clock", code: "while True: pass", opts: func(o *PythonOptions) { o.Timeout = duration.Duration(time.Second); o.CPUSeconds = 30 }, check: func(o *Output) string {
					if !o.TimedOut {
						return "want timed_out"
					}
					return ""
				}},
				{name: "memory", code: "x = 'a' * 10**10", check: func(o *Output) string {
					if !strings.Contains(o.Limit, "memory limit") {
						return "want the memory limit"
					}
					return ""
				}},
			}
			for _, tc := range tests {
				o := opts
				if tc.opts != nil {
					tc.opts(&o)
				}
				out, err := run(context.Background(), o, c, tc.code, "")
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if msg := tc.check(out); msg != "" {
					t.Errorf("%s: %s; got %+v", tc.name, msg, out)
				}
				assertNoStrays(t, base)
			}
		})
	}
}

// TestWeakerIsolationIsReported: a machine that cannot build every layer
// says so at the head of the tool's description and in every Result.
func TestWeakerIsolationIsReported(t *testing.T) {
	t.Parallel()
	base := newTestPython(t, nil)
	full := Isolation{Mode: "private", Network: true, PID: true, SeparateUser: true, PerCallUser: true, PrivateFS: true, MemoryCgroup: true}
	if d := pythonDescription(base.opts, full); strings.Contains(d, "WEAKER") || strings.Contains(d, "Unavailable") {
		t.Errorf("the full sandbox is described as weaker: %s", d)
	}
	weak := Isolation{Mode: "namespaces", Network: true, PID: true}
	d := pythonDescription(base.opts, weak)
	for _, want := range []string{"WEAKER SANDBOX (isolation namespaces;", "a private read-only filesystem", "an unprivileged user", "a separate uid per call", "a memory cgroup"} {
		if !strings.Contains(d, want) {
			t.Errorf("description lacks %q: %s", want, d)
		}
	}
	if !strings.HasPrefix(d, "WEAKER SANDBOX") {
		t.Errorf("the warning should lead the description: %s", d)
	}
	// A tool forced into the weakest mode carries the note in its Results.
	p := &Python{opts: base.opts, choice: choice{interp: base.Interpreter(), mode: isolation{name: "none"}}, spec: base.spec}
	res, out := call(t, p, "print(1)")
	if res.IsError || !strings.Contains(out.Isolation, "network isolation") || !strings.Contains(res.Content, "[sandbox protections unavailable here: network isolation") {
		t.Errorf("the Result should name the missing protections; content:\n%s", res.Content)
	}
	if res, out = call(t, base, "print(1)"); base.Isolation().Missing() == "" && (out.Isolation != "" || strings.Contains(res.Content, "unavailable")) {
		t.Errorf("the full sandbox's Result claims missing protections:\n%s", res.Content)
	}
}

func TestUIDPool(t *testing.T) {
	t.Parallel()
	const first = 1_500_000_000
	var releases []func()
	seen := map[int]bool{}
	for range 3 {
		uid, rel, err := acquireUID(first, 3)
		if err != nil {
			t.Fatal(err)
		}
		if uid < first || uid >= first+3 || seen[uid] {
			t.Fatalf("uid %d is outside the range or handed out twice", uid)
		}
		seen[uid] = true
		releases = append(releases, rel)
	}
	if _, _, err := acquireUID(first, 3); err == nil || !strings.Contains(err.Error(), "uid_count") {
		t.Fatalf("a full range should refuse with advice, got %v", err)
	}
	releases[1]()
	uid, rel, err := acquireUID(first, 3)
	if err != nil || !seen[uid] {
		t.Fatalf("a released uid should be reusable: %d, %v", uid, err)
	}
	rel()
	releases[0]()
	releases[2]()
}
