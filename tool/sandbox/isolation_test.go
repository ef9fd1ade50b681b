package sandbox

import (
	"context"
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
			probe, err := run(context.Background(), opts, base.Interpreter(), m, "print('ok')", "")
			if err != nil || probe.ExitCode != 0 {
				t.Skipf("isolation mode %s does not start here (%v, %+v); the probe falls back past it", m.name, err, probe)
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
				{name: "identity", code: "import os\nprint(os.getuid())", check: func(o *Output) string {
					if m.drop != (strings.TrimSpace(o.Stdout) == "65534") {
						return "uid should be 65534 exactly when the mode drops privileges"
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
				out, err := run(context.Background(), o, base.Interpreter(), m, tc.code, "")
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
