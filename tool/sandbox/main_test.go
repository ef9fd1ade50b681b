package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/tool"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// testRoot holds every work directory the tests' sandboxes make, so a
// leftover directory or process is attributable to this package. It must be
// reachable by the sandbox uid, hence 0711.
var testRoot string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "sandbox-test-")
	if err == nil {
		err = os.Chmod(dir, 0o711)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox test: make work root:", err)
		os.Exit(1)
	}
	testRoot = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// testPythonOptions keeps the limits that end hostile cases small (memory,
// output, processes, file size). The time limits stay generous because CI
// machines are loaded; the cases about time set their own short ones.
func testPythonOptions() PythonOptions {
	return PythonOptions{
		Timeout:        duration.Duration(30 * time.Second),
		CPUSeconds:     30,
		MemoryMB:       256,
		MaxOutputBytes: 16 << 10,
		MaxProcs:       32,
		FileSizeMB:     1,
		workRoot:       testRoot,
	}
}

// newTestPython returns a Python tool whose work directories live in a
// root of the test's own, so strays finds only this test's processes.
func newTestPython(t *testing.T, mutate func(*PythonOptions)) *Python {
	t.Helper()
	opts := testPythonOptions()
	root, err := os.MkdirTemp(testRoot, "t-")
	if err == nil {
		err = os.Chmod(root, 0o711)
	}
	if err != nil {
		t.Fatal(err)
	}
	opts.workRoot = root
	if mutate != nil {
		mutate(&opts)
	}
	p, err := NewPython(context.Background(), "", opts)
	if errors.Is(err, tool.ErrDisabled) {
		t.Skipf("python3 cannot run on this machine, so the Python sandbox is disabled: %v", err)
	}
	if err != nil {
		t.Fatalf("NewPython: %v", err)
	}
	return p
}

func codeArgs(t testing.TB, code string, stdin ...string) json.RawMessage {
	t.Helper()
	m := map[string]string{"code": code}
	if len(stdin) > 0 {
		m["stdin"] = stdin[0]
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func call(t *testing.T, tl tool.Tool, code string, stdin ...string) (*tool.Result, Output) {
	t.Helper()
	res, err := tl.Call(context.Background(), codeArgs(t, code, stdin...))
	if err != nil {
		t.Fatalf("Call: %v", err)
	}
	var out Output
	if res.Data != nil {
		if err := json.Unmarshal(res.Data, &out); err != nil {
			t.Fatalf("Data is not an Output: %v\n%s", err, res.Data)
		}
	}
	return res, out
}

// strays lists processes whose working directory is inside p's work root:
// any process p started that outlived its call.
func strays(t *testing.T, p *Python) []string {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc to look for stray processes: %v", err)
	}
	var out []string
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err == nil && strings.HasPrefix(cwd, p.opts.workRoot+"/") {
			out = append(out, e.Name()+" in "+cwd)
		}
	}
	return out
}

// assertNoStrays fails if a sandboxed process survived. The kernel reaps a
// killed PID namespace before Wait returns, so no waiting is needed; the
// few retries only absorb /proc entries of processes already exiting.
func assertNoStrays(t *testing.T, p *Python) {
	t.Helper()
	var s []string
	for range 20 {
		if s = strays(t, p); len(s) == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("stray sandbox processes remain: %v", s)
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}
