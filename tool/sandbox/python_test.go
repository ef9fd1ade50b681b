package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/tool"
)

func TestPythonRuns(t *testing.T) {
	t.Parallel()
	p := newTestPython(t, nil)
	tests := []struct {
		name       string
		code       string
		stdin      string
		wantErr    bool
		wantExit   int
		wantStdout string
		wantStderr string
		wantInText []string
	}{
		{name: "stdout", code: "print(6 * 7)", wantStdout: "42\n", wantInText: []string{"[stdout]\n42"}},
		{name: "stderr", code: "import sys\nsys.stderr.write('careful\\n')", wantStderr: "careful\n", wantInText: []string{"[stderr]\ncareful"}},
		{name: "both streams labelled", code: "import sys\nprint('out')\nprint('err', file=sys.stderr)", wantStdout: "out\n", wantStderr: "err\n",
			wantInText: []string{"[stdout]\nout", "[stderr]\nerr"}},
		{name: "nonzero exit", code: "import sys\nprint('bye')\nsys.exit(3)", wantErr: true, wantExit: 3, wantStdout: "bye\n", wantInText: []string{"[exit code 3]"}},
		{name: "uncaught exception", code: "1/0", wantErr: true, wantExit: 1, wantInText: []string{"ZeroDivisionError"}},
		{name: "syntax error shows traceback", code: "def f(:\n  pass", wantErr: true, wantExit: 1, wantInText: []string{"SyntaxError", "main.py"}},
		{name: "stdin", code: "import sys\nprint(sys.stdin.read().upper())", stdin: "hello\n", wantStdout: "HELLO\n\n"},
		{name: "no stdin reads empty", code: "import sys\nprint(repr(sys.stdin.read()))", wantStdout: "''\n"},
		{name: "no output", code: "x = 1", wantInText: []string{"(no output)"}},
		{name: "unicode", code: "print('héllo ✓')", wantStdout: "héllo ✓\n"},
		{name: "work dir is cwd and writable", code: "open('f.txt','w').write('data')\nimport os\nprint(open(os.path.join(os.getcwd(),'f.txt')).read())", wantStdout: "data\n"},
		{name: "stdlib imports", code: "import json, math, fractions\nprint(json.dumps({'a': math.isqrt(17), 'b': str(fractions.Fraction(1, 3))}))",
			wantStdout: "{\"a\": 4, \"b\": \"1/3\"}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, out := call(t, p, tc.code, tc.stdin)
			if res.IsError != tc.wantErr {
				t.Errorf("IsError = %v, want %v; content:\n%s", res.IsError, tc.wantErr, res.Content)
			}
			if tc.wantExit != 0 && out.ExitCode != tc.wantExit {
				t.Errorf("exit code = %d, want %d", out.ExitCode, tc.wantExit)
			}
			if !tc.wantErr && out.ExitCode != 0 {
				t.Errorf("exit code = %d, want 0; stderr: %s", out.ExitCode, out.Stderr)
			}
			if tc.wantStdout != "" && out.Stdout != tc.wantStdout {
				t.Errorf("stdout = %q, want %q", out.Stdout, tc.wantStdout)
			}
			if tc.wantStderr != "" && out.Stderr != tc.wantStderr {
				t.Errorf("stderr = %q, want %q", out.Stderr, tc.wantStderr)
			}
			for _, s := range tc.wantInText {
				if !strings.Contains(res.Content, s) {
					t.Errorf("content lacks %q:\n%s", s, res.Content)
				}
			}
			if out.TimedOut || out.Truncated {
				t.Errorf("timed_out=%v truncated=%v, want neither", out.TimedOut, out.Truncated)
			}
		})
	}
}

// TestPythonHostile runs code meant to hurt the host and checks each is
// stopped by the limit meant for it, reported as an error Result, and
// leaves no process behind. It is not parallel: RLIMIT_NPROC counts every
// process of uid 65534, so the fork bombs would make other tests' forks fail.
func TestPythonHostile(t *testing.T) {
	tests := []struct {
		name      string
		code      string
		opts      func(*PythonOptions)
		wantLimit string
		timedOut  bool
		truncated bool
	}{
		{name: "infinite loop hits wall clock", code: "while True: pass",
			opts: func(o *PythonOptions) { o.Timeout = duration.Duration(time.Second); o.CPUSeconds = 30 }, wantLimit: "killed: wall-clock limit 1s exceeded", timedOut: true},
		{name: "sleeping loop hits wall clock", code: "import time\nwhile True: time.sleep(1)",
			opts: func(o *PythonOptions) { o.Timeout = duration.Duration(time.Second) }, wantLimit: "wall-clock limit", timedOut: true},
		{name: "infinite loop hits CPU limit", code: "while True: pass",
			opts: func(o *PythonOptions) { o.Timeout = duration.Duration(30 * time.Second); o.CPUSeconds = 1 }, wantLimit: "killed: CPU-time limit 1s exceeded"},
		{name: "huge string", code: "x = 'a' * 10**10", wantLimit: "memory limit 256 MiB exceeded"},
		{name: "growing list", code: "l = []\nwhile True: l.append(' ' * 10**6)", wantLimit: "memory limit 256 MiB exceeded"},
		{name: "fork bomb", code: "import os\nwhile True: os.fork()", wantLimit: "process limit 32 reached"},
		{name: "persistent fork bomb", code: "import os, time\nwhile True:\n  try:\n    os.fork()\n  except OSError:\n    time.sleep(0.01)",
			opts: func(o *PythonOptions) { o.Timeout = duration.Duration(time.Second) }, wantLimit: "wall-clock limit", timedOut: true},
		{name: "thread bomb", code: "import threading, time\nwhile True: threading.Thread(target=time.sleep, args=(60,), daemon=True).start()", wantLimit: "process limit 32 reached"},
		{name: "one huge print", code: "print('x' * 10**8)", wantLimit: "output truncated at 16 KiB", truncated: true},
		{name: "endless printing", code: "while True: print('y' * 1000)", wantLimit: "output truncated at 16 KiB", truncated: true},
		{name: "endless stderr", code: "import sys\nwhile True: sys.stderr.write('z' * 1000)", wantLimit: "output truncated at 16 KiB", truncated: true},
		{name: "huge file", code: "open('big', 'wb').write(b'0' * (2 << 20))", wantLimit: "file size limit 1 MiB exceeded"},
		{name: "background child outlives script", code: "import os, time\nif os.fork() == 0:\n  time.sleep(60)\nprint('parent done')"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPython(t, tc.opts)
			res, out := call(t, p, tc.code)
			if tc.wantLimit != "" {
				if !res.IsError {
					t.Errorf("IsError = false, want true; content:\n%s", res.Content)
				}
				if !strings.Contains(out.Limit, tc.wantLimit) || !strings.Contains(res.Content, tc.wantLimit) {
					t.Errorf("limit %q (and content) should contain %q; content:\n%s", out.Limit, tc.wantLimit, res.Content)
				}
			}
			if out.TimedOut != tc.timedOut {
				t.Errorf("timed_out = %v, want %v", out.TimedOut, tc.timedOut)
			}
			if out.Truncated != tc.truncated {
				t.Errorf("truncated = %v, want %v", out.Truncated, tc.truncated)
			}
			if n := len(out.Stdout) + len(out.Stderr); n > 16<<10 {
				t.Errorf("kept %d bytes of output, more than the 16 KiB cap", n)
			}
			assertNoStrays(t, p)
		})
	}
}

func TestPythonCannotReadSecrets(t *testing.T) {
	t.Parallel()
	p := newTestPython(t, nil)
	if !p.Isolation().SeparateUser {
		t.Skipf("the sandbox runs as Baton's own user here (isolation mode %q: not root, or uid 65534 unusable), so Baton's files are readable by design", p.Isolation().Mode)
	}
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("hunter2"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Even with a traversable directory the 0600 file stays closed.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	res, out := call(t, p, fmt.Sprintf("print(open(%q).read())", secret))
	// A private sandbox does not even show the file; the others deny it.
	if !res.IsError || !strings.Contains(out.Stderr, "PermissionError") && !strings.Contains(out.Stderr, "FileNotFoundError") {
		t.Errorf("reading a root 0600 file should fail; content:\n%s", res.Content)
	}
	if strings.Contains(res.Content, "hunter2") {
		t.Errorf("secret leaked:\n%s", res.Content)
	}
	res, _ = call(t, p, "print(open('/etc/shadow').read())")
	if !res.IsError || strings.Contains(res.Content, "root:") {
		t.Errorf("/etc/shadow should be unreadable; content:\n%s", res.Content)
	}
}

func TestPythonNoNetwork(t *testing.T) {
	t.Parallel()
	p := newTestPython(t, nil)
	if !p.Isolation().Network {
		t.Skipf("network namespaces are unavailable here (isolation mode %q), so the sandbox cannot cut network access", p.Isolation().Mode)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	res, out := call(t, p, fmt.Sprintf("import socket\nsocket.create_connection(('127.0.0.1', %d), timeout=1)\nprint('connected')", port))
	if !res.IsError || strings.Contains(out.Stdout, "connected") {
		t.Errorf("connecting to the host's loopback listener should fail; content:\n%s", res.Content)
	}
	if !strings.Contains(out.Stderr, "OSError") && !strings.Contains(out.Stderr, "ConnectionRefusedError") {
		t.Errorf("want a socket error in stderr, got:\n%s", out.Stderr)
	}
	ln.Close() // ends Accept; a connection that arrived is already counted
	select {
	case <-accepted:
		t.Error("the listener accepted a connection from the sandbox")
	default:
	}
}

func TestPythonEnvScrubbed(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-should-never-leak")
	t.Setenv("BATON_SECRET", "also-secret")
	p := newTestPython(t, nil)
	res, out := call(t, p, "import os, json\nprint(json.dumps(dict(os.environ)))")
	if res.IsError {
		t.Fatalf("unexpected error:\n%s", res.Content)
	}
	if strings.Contains(res.Content, "sk-should-never-leak") || strings.Contains(res.Content, "also-secret") {
		t.Fatalf("a secret reached the sandbox:\n%s", res.Content)
	}
	var env map[string]string
	if err := json.Unmarshal([]byte(out.Stdout), &env); err != nil {
		t.Fatalf("environment is not JSON: %v\n%s", err, out.Stdout)
	}
	allowed := map[string]bool{"PATH": true, "HOME": true, "TMPDIR": true, "LANG": true,
		"PYTHONDONTWRITEBYTECODE": true, "PYTHONIOENCODING": true, "LC_CTYPE": true}
	for k := range env {
		if !allowed[k] {
			t.Errorf("unexpected variable %s=%q in the sandbox", k, env[k])
		}
	}
	if !strings.HasPrefix(env["HOME"], testRoot) {
		t.Errorf("HOME = %q, want the work directory under %s", env["HOME"], testRoot)
	}
}

func TestPythonConcurrentCallsHaveOwnWorkDirs(t *testing.T) {
	t.Parallel()
	p := newTestPython(t, nil)
	const n = 4
	code := "import os, time\n" +
		"assert os.listdir('.') == ['main.py'], os.listdir('.')\n" +
		"open('mine.txt', 'w').write(os.getcwd())\n" +
		"time.sleep(0.2)\n" +
		"assert open('mine.txt').read() == os.getcwd()\n" +
		"print(os.getcwd())"
	var wg sync.WaitGroup
	dirs := make([]string, n)
	results := make([]*tool.Result, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = p.Call(context.Background(), codeArgs(t, code))
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if results[i].IsError {
			t.Fatalf("call %d failed:\n%s", i, results[i].Content)
		}
		var out Output
		if err := json.Unmarshal(results[i].Data, &out); err != nil {
			t.Fatal(err)
		}
		dirs[i] = strings.TrimSpace(out.Stdout)
		if seen[dirs[i]] {
			t.Errorf("two calls shared work directory %s", dirs[i])
		}
		seen[dirs[i]] = true
		if _, err := os.Stat(dirs[i]); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("work directory %s still exists after the call (stat: %v)", dirs[i], err)
		}
	}
}

func TestPythonContextCancelled(t *testing.T) {
	t.Parallel()
	p := newTestPython(t, func(o *PythonOptions) { o.Timeout = duration.Duration(30 * time.Second) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	var res *tool.Result
	var err error
	go func() {
		defer close(done)
		res, err = p.Call(ctx, codeArgs(t, "import os, time\nos.fork()\ntime.sleep(60)"))
	}()
	// Wait until the script and its child run, which also shows strays
	// can see sandbox processes.
	for i := 0; len(strays(t, p)) < 2; i++ {
		if i == 3000 { // 30 s: a loaded machine starts processes slowly
			t.Fatal("the sandboxed processes never appeared")
		}
		select {
		case <-done:
			t.Fatalf("the call ended early: %+v, %v", res, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	<-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v (result %+v), want context.Canceled", err, res)
	}
	assertNoStrays(t, p)
}

func TestPythonBadArguments(t *testing.T) {
	t.Parallel()
	p := newTestPython(t, nil)
	set, err := tool.NewSet(p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args string
		want string
	}{
		{name: "missing code", args: `{}`, want: "code"},
		{name: "code not a string", args: `{"code": 1}`, want: "/code"},
		{name: "empty code", args: `{"code": ""}`, want: "/code"},
		{name: "unknown field", args: `{"code": "print(1)", "timeout": 99}`, want: "timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := set.Call(context.Background(), "python", json.RawMessage(tc.args))
			if err != nil {
				t.Fatal(err)
			}
			if !res.IsError || !strings.Contains(res.Content, tc.want) {
				t.Errorf("want an error Result naming %q, got %+v", tc.want, res)
			}
		})
	}
	// Called directly, bypassing the Set's schema check.
	for _, args := range []string{`{"code": "   "}`, `not json`} {
		res, err := p.Call(context.Background(), json.RawMessage(args))
		if err != nil || !res.IsError {
			t.Errorf("Call(%s) = %+v, %v; want an error Result", args, res, err)
		}
	}
}

func TestPythonSpec(t *testing.T) {
	t.Parallel()
	p := newTestPython(t, nil)
	s := p.Spec()
	if s.Name != "python" {
		t.Errorf("name = %q, want python", s.Name)
	}
	for _, tag := range []string{tool.TagLocal, tool.TagCode, tool.TagFree} {
		if !s.HasTag(tag) {
			t.Errorf("spec lacks tag %q", tag)
		}
	}
	if s.Timeout <= time.Duration(p.opts.Timeout) {
		t.Errorf("spec timeout %s should exceed the %s internal wall limit", s.Timeout, time.Duration(p.opts.Timeout))
	}
	if _, err := tool.CompileSchema(s.Parameters); err != nil {
		t.Errorf("parameters do not compile: %v", err)
	}
	if !strings.Contains(s.Description, "256 MiB memory") {
		t.Errorf("description should state the limits: %s", s.Description)
	}
}

func TestPythonMissingInterpreterIsDisabled(t *testing.T) {
	t.Parallel()
	opts := testPythonOptions()
	opts.Python = filepath.Join(t.TempDir(), "no-such-python3")
	_, err := NewPython(context.Background(), "", opts)
	if !errors.Is(err, tool.ErrDisabled) {
		t.Fatalf("err = %v, want one wrapping tool.ErrDisabled", err)
	}
	if !strings.Contains(err.Error(), "no-such-python3") || !strings.Contains(err.Error(), "python option") {
		t.Errorf("error should name the interpreter and the option to set: %v", err)
	}
}
