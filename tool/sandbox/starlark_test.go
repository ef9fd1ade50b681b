package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/tool"
)

func newTestStarlark(t testing.TB, mutate func(*StarlarkOptions)) *Starlark {
	t.Helper()
	opts := StarlarkOptions{MaxSteps: 1_000_000, MaxOutputBytes: 16 << 10, MemoryMB: 64, Timeout: duration.Duration(2 * time.Second)}
	if mutate != nil {
		mutate(&opts)
	}
	s, err := NewStarlark("", opts)
	if err != nil {
		t.Fatalf("NewStarlark: %v", err)
	}
	return s
}

// TestStarlarkGolden pins the whole Content of deterministic programs.
func TestStarlarkGolden(t *testing.T) {
	t.Parallel()
	s := newTestStarlark(t, nil)
	tests := []struct {
		name    string
		code    string
		wantErr bool
	}{
		{name: "print", code: "print('hello')\nprint(6 * 7)"},
		{name: "loops_and_functions", code: "def fib(n):\n  a, b = 0, 1\n  for _ in range(n):\n    a, b = b, a + b\n  return a\nprint([fib(i) for i in range(10)])\nx = 0\nwhile x < 5:\n  x += 1\nprint(x)"},
		{name: "big_ints", code: "x = 1\nfor i in range(1, 31):\n  x *= i\nprint(x)"},
		{name: "range_beyond_limit", code: "for i in range(2000000):\n  pass", wantErr: true},
		{name: "json_and_math", code: "print(json.encode({'a': [1, 2]}))\nprint(json.decode('[1, 2.5]'))\nprint(math.sqrt(16.0), math.floor(2.7))"},
		{name: "no_output", code: "x = 1"},
		{name: "fail", code: "print('before')\nfail('bad input')", wantErr: true},
		{name: "runtime_error", code: "def f(x):\n  return 1 // x\nf(0)", wantErr: true},
		{name: "syntax_error", code: "def f(:\n  pass", wantErr: true},
		{name: "undefined_name", code: "print(nope)", wantErr: true},
		{name: "load_refused", code: "load('os.star', 'system')", wantErr: true},
		{name: "no_open_builtin", code: "open('/etc/passwd')", wantErr: true},
		{name: "recursion_refused", code: "def f(n):\n  return f(n + 1)\nf(0)", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, out := call(t, s, tc.code)
			if res.IsError != tc.wantErr {
				t.Errorf("IsError = %v, want %v; content:\n%s", res.IsError, tc.wantErr, res.Content)
			}
			if tc.wantErr != (out.ExitCode != 0) {
				t.Errorf("exit code = %d with IsError %v", out.ExitCode, res.IsError)
			}
			checkGolden(t, "starlark/"+tc.name+".golden", res.Content+"\n")
		})
	}
}

// TestStarlarkHostile is not parallel: the heap watchdog measures the
// shared process heap, so the growing-heap case would trip other runs.
func TestStarlarkHostile(t *testing.T) {
	tests := []struct {
		name      string
		code      string
		opts      func(*StarlarkOptions)
		wantLimit string
		timedOut  bool
		truncated bool
	}{
		{name: "infinite while", code: "while True:\n  pass", wantLimit: "step limit 1000000 exceeded"},
		{name: "nested loops", code: "for i in range(1000):\n  for j in range(1000):\n    pass", wantLimit: "step limit 1000000 exceeded"},
		{name: "wall clock", code: "while True:\n  pass",
			opts: func(o *StarlarkOptions) { o.MaxSteps = 1 << 62; o.Timeout = duration.Duration(100 * time.Millisecond) }, wantLimit: "killed: wall-clock limit 100ms exceeded", timedOut: true},
		{name: "huge print", code: "print('x' * 10000000)", wantLimit: "output truncated at 16 KiB", truncated: true},
		{name: "endless printing", code: "while True:\n  print('y' * 100)", wantLimit: "output truncated at 16 KiB", truncated: true},
		{name: "excessive repeat", code: "x = 'a' * 10000000000"},
		{name: "huge range materialized", code: "x = list(range(10000000000))"},
		{name: "huge string split into a list", code: "x = list(('a' * 2000000).elems())"},
		{name: "huge range sorted", code: "x = sorted(range(10000000000))"},
		{name: "growing heap", code: "l = []\nfor i in range(100000):\n  l.append('a' * (1 << 24))", wantLimit: "memory limit 64 MiB exceeded",
			opts: func(o *StarlarkOptions) { o.MaxSteps = 1 << 62 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestStarlark(t, tc.opts)
			res, out := call(t, s, tc.code)
			if !res.IsError {
				t.Errorf("IsError = false, want true; content:\n%s", res.Content)
			}
			if !strings.Contains(out.Limit, tc.wantLimit) || !strings.Contains(res.Content, tc.wantLimit) {
				t.Errorf("limit %q (and content) should contain %q; content:\n%s", out.Limit, tc.wantLimit, res.Content)
			}
			if out.TimedOut != tc.timedOut || out.Truncated != tc.truncated {
				t.Errorf("timed_out=%v truncated=%v, want %v and %v", out.TimedOut, out.Truncated, tc.timedOut, tc.truncated)
			}
			if len(out.Stdout) > 16<<10 {
				t.Errorf("kept %d bytes of output, more than the cap", len(out.Stdout))
			}
		})
	}
}

func TestStarlarkContextCancelled(t *testing.T) {
	t.Parallel()
	s := newTestStarlark(t, func(o *StarlarkOptions) { o.MaxSteps = 1 << 62; o.Timeout = duration.Duration(time.Minute) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := s.Call(ctx, codeArgs(t, "while True:\n  pass"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Call = %+v, %v; want context.Canceled", res, err)
	}
}

func TestStarlarkConcurrentCallsShareNothing(t *testing.T) {
	t.Parallel()
	s := newTestStarlark(t, nil)
	set, err := tool.NewSet(s)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan string, 8)
	for i := range 8 {
		go func() {
			code := "x = " + strings.Repeat("1 + ", i) + "0\nprint(x)"
			res, err := set.Call(context.Background(), "starlark", codeArgs(t, code))
			switch {
			case err != nil:
				errs <- err.Error()
			case res.Content != "[stdout]\n"+string(rune('0'+i)):
				errs <- "call " + string(rune('0'+i)) + " got " + res.Content
			default:
				errs <- ""
			}
		}()
	}
	for range 8 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

func TestStarlarkBadArguments(t *testing.T) {
	t.Parallel()
	s := newTestStarlark(t, nil)
	for _, args := range []string{`{"code": " \n"}`, `[1]`, `{"code": 3}`} {
		res, err := s.Call(context.Background(), json.RawMessage(args))
		if err != nil || !res.IsError || !strings.Contains(res.Content, "code") {
			t.Errorf("Call(%s) = %+v, %v; want an error Result about code", args, res, err)
		}
	}
}

// FuzzStarlark feeds arbitrary programs to the interpreter: whatever the
// code, a Call returns a Result, never a panic or a Go error.
func FuzzStarlark(f *testing.F) {
	for _, seed := range []string{
		"print(1)",
		"def f(x):\n  return x * 2\nprint(f(3))",
		"while True:\n  pass",
		"x = [i for i in range(10)]\nprint(x[100])",
		"print('a' * 1000000)",
		"load('x', 'y')",
		"json.decode('{\"a\": [1, 2, {\"b\": null}]}')",
		"\x00\xff(",
		"def f(:",
		"x = {}\nx[x] = 1",
		"print(math.pow(10, 400))",
		"s = set([1, 2])\ns.add([3])",
	} {
		f.Add(seed)
	}
	s := newTestStarlark(f, func(o *StarlarkOptions) { o.MaxSteps = 100_000; o.Timeout = duration.Duration(time.Second) })
	f.Fuzz(func(t *testing.T, code string) {
		b, err := json.Marshal(map[string]string{"code": code})
		if err != nil {
			t.Skip()
		}
		res, err := s.Call(context.Background(), b)
		if err != nil {
			t.Fatalf("Call returned a Go error: %v", err)
		}
		if res == nil {
			t.Fatal("Call returned no Result")
		}
		if res.Data != nil {
			var out Output
			if err := json.Unmarshal(res.Data, &out); err != nil {
				t.Fatalf("Data is not an Output: %v", err)
			}
		}
	})
}
