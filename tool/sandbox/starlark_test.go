package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.starlark.net/starlark"

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

// TestStarlarkAllocationBombs: programs whose single operations build
// values far past the memory limit end at once with a memory-limit
// Result, under the default limits (256 MiB, 10 s), without Go ever
// allocating the value. Not parallel: it reads the process's allocation
// counter.
func TestStarlarkAllocationBombs(t *testing.T) {
	// The default 256 MiB limit; the wall clock is raised from its default
	// 10 s so that a loaded CI machine cannot turn a memory stop into a
	// timeout (BenchmarkStarlarkAllocationBomb measures how fast they end).
	s, err := NewStarlark("", StarlarkOptions{Timeout: duration.Duration(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, code, want string }{
		{"list repetition 1<<26", "x = [0] * (1 << 26)", ""},
		{"list repetition 1<<29", "x = [0] * (1 << 29)", ""},
		{"repetition with the count first", "x = (1 << 26) * [0]", ""},
		{"tuple repetition", "x = (0, 1) * (1 << 25)", ""},
		{"string repetition", "x = 'a' * (1 << 29)", ""},
		{"bytes repetition", "x = b'ab' * (1 << 28)", ""},
		{"in-place repetition", "x = [0, 1, 2, 3]\nx *= 1 << 24", ""},
		{"string doubling", "s = 'ab'\nwhile True:\n  s = s + s", ""},
		{"string doubling in place", "s = 'ab'\nwhile True:\n  s += s", ""},
		{"list doubling", "l = [0]\nwhile True:\n  l = l + l", ""},
		{"list extended by itself", "l = [0]\nwhile True:\n  l += l", ""},
		{"format doubling", "s = 'ab'\nwhile True:\n  s = '%s%s' % (s, s)", ""},
		{"join doubling", "s = 'ab'\nwhile True:\n  s = ''.join([s, s, s])", ""},
		{"join of big pieces", "s = 'a' * (1 << 27)\nx = [s] * 4\ny = ' '.join(x)\nz = y.split()", ""},
		{"format method doubling", "s = 'ab'\nwhile True:\n  s = '{0}{0}'.format(s)", ""},
		{"doubling through an index", "d = {'k': 'ab'}\nwhile True:\n  d['k'] += d['k']", ""},
		{"list in a list doubling in place", "l = [[0]]\ni = 0\nwhile True:\n  l[i] += l[i]", ""},
		{"inside a function and a comprehension", "def f(n):\n  return [[0] * n for _ in range(2)]\nf(1 << 27)", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			res, out := call(t, s, tc.code)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			want := tc.want
			if want == "" {
				want = "memory limit 256 MiB exceeded"
			}
			if !res.IsError || !strings.Contains(out.Limit, want) || !strings.Contains(res.Content, want) {
				t.Errorf("want an error Result for %q; content:\n%s", want, res.Content)
			}
			if out.TimedOut {
				t.Errorf("the run hit the wall clock (%s) instead of the memory limit", elapsed)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 2*256<<20 {
				t.Errorf("the run allocated %d MiB in all, more than twice the 256 MiB limit", grew>>20)
			}
			t.Logf("%s, %d steps: %s", elapsed.Round(time.Millisecond), out.Steps, out.Limit)
		})
	}
}

// TestStarlarkUninterruptibleWork: string methods whose work grows with
// a count (replacements, pieces) may not do more of it than the steps
// left, since one call cannot be interrupted.
func TestStarlarkUninterruptibleWork(t *testing.T) {
	t.Parallel()
	s := newTestStarlark(t, func(o *StarlarkOptions) { o.Timeout = duration.Duration(10 * time.Second) })
	for _, code := range []string{
		"s = 'ab'\nwhile True:\n  s = s.replace('a', 'aa')",
		"s = ',' * (1 << 22)\nx = s.split(',')",
		"s = 'a\\n' * (1 << 22)\nx = s.splitlines()",
		"s = 'a ' * (1 << 22)\nx = s.split()",
	} {
		res, out := call(t, s, code)
		if !res.IsError || !strings.Contains(out.Limit, "step limit 1000000 exceeded") || !strings.Contains(out.Stderr, "steps left") {
			t.Errorf("%q: want the step limit to refuse the call; content:\n%s", code, res.Content)
		}
	}
	res, out := call(t, s, "print(len('a,b,c'.split(',')), 'abc'.replace('b', 'xx', 1), len(('x ' * 1000).split()))")
	if res.IsError || strings.TrimSpace(out.Stdout) != "3 axxc 1000" {
		t.Errorf("small splits and replacements should work; content:\n%s", res.Content)
	}
}

// TestStarlarkHugeIntegers: one multiplication of huge integers runs
// uninterruptibly for seconds, so integers are capped well below the
// memory limit.
func TestStarlarkHugeIntegers(t *testing.T) {
	t.Parallel()
	s := newTestStarlark(t, func(o *StarlarkOptions) { o.Timeout = duration.Duration(10 * time.Second) })
	res, out := call(t, s, "x = 3\nwhile True:\n  x = x * x")
	if !res.IsError || !strings.Contains(out.Stderr, "integer product would need") || out.TimedOut {
		t.Errorf("want the integer cap to end repeated squaring; content:\n%s", res.Content)
	}
	res, out = call(t, s, "x = 3\nfor _ in range(20):\n  x = x * x\nprint(len(str(x)))")
	if res.IsError || strings.TrimSpace(out.Stdout) != "500298" {
		t.Errorf("a half-million-digit integer should work; content:\n%s", res.Content)
	}
}

// TestStarlarkRewrittenOperatorsKeepMeaning: the operators and methods
// routed through the memory checks behave as Starlark's own.
func TestStarlarkRewrittenOperatorsKeepMeaning(t *testing.T) {
	t.Parallel()
	s := newTestStarlark(t, nil)
	tests := []struct{ name, code, want string }{
		{"concatenation", "print([1, 2] + [3], (1,) + (2,), 'a' + 'b', b'x' + b'y', 1 + 2, 1.5 + 1)", "[1, 2, 3] (1, 2) ab xy 3 2.5"},
		{"repetition", "print([0] * 3, 2 * (1,), 'ab' * 2, 3 * 4, 2.0 * 3)", "[0, 0, 0] (1, 1) abab 12 6.0"},
		{"list += extends in place", "a = [1]\nb = a\na += [2]\na += (3,)\nprint(b)", "[1, 2, 3]"},
		{"string += makes a new string", "a = 'x'\nb = a\na += 'y'\nprint(a, b)", "xy x"},
		{"*= and %=", "x = 3\nx *= 4\ny = '%d!'\ny %= 5\nl = [1]\nl *= 2\nprint(x, y, l)", "12 5! [1, 1]"},
		{"augmented index target", "d = {'k': 'a'}\nd['k'] += 'b'\nl = [1]\nl[0] += 1\ni = 0\nm = [[1]]\nn = m[0]\nm[i] += [2]\nm[0] *= 2\nprint(d, l, m, n)", "{\"k\": \"ab\"} [2] [[1, 2, 1, 2]] [1, 2]"},
		{"formatting", "print('%s-%d' % ('a', 1), '%s' % 'z', 7 % 4)", "a-1 z 3"},
		{"methods", "print(', '.join(['a', 'b']), 'xax'.replace('a', 'bb'), 'xax'.replace('x', 'y', 1), '{} {a}'.format(1, a=2), 'AB'.lower())", "a, b xbbx yax 1 2 ab"},
		{"defaults, lambdas and comprehensions", "def f(a, b=[0] * 2, *args, **kw):\n  return a + b\ng = lambda x=1 + 1: x * 2\nprint(f([1]), g(), [i + 1 for i in range(3) if i * 2 < 4], {k: k * 2 for k in ['a', 'b']})",
			"[1, 0, 0] 4 [1, 2] {\"a\": \"aa\", \"b\": \"bb\"}"},
		{"slices and conditionals", "l = [1, 2, 3, 4]\nprint(l[0 + 1:1 + 2], 'a' + 'b' if len(l) > 1 + 1 else 'c')", "[2, 3] ab"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, out := call(t, s, tc.code)
			if res.IsError || strings.TrimSpace(out.Stdout) != tc.want {
				t.Errorf("got %q, want %q; content:\n%s", strings.TrimSpace(out.Stdout), tc.want, res.Content)
			}
		})
	}
	// Errors still name the operation and the program's line.
	res, out := call(t, s, "x = 1\ny = x + 'a'")
	if !res.IsError || !strings.Contains(out.Stderr, "unknown binary op: int + string") || !strings.Contains(out.Stderr, "main.star:2:") {
		t.Errorf("want Starlark's own error at line 2; content:\n%s", res.Content)
	}
	res, out = call(t, s, "l = [1].freeze_me()")
	if !res.IsError || !strings.Contains(out.Stderr, "no .freeze_me field or method") {
		t.Errorf("want the unknown-method error; content:\n%s", res.Content)
	}
}

// FuzzStarlarkRewriteKeepsMeaning runs each program twice, as written and
// with its operators routed through the memory checks, and requires the
// same printed output and the same success or failure, unless the checks
// themselves refused something.
func FuzzStarlarkRewriteKeepsMeaning(f *testing.F) {
	for _, seed := range []string{
		"a = [1]\nb = a\na += [2]\nprint(a, b, a + b, a * 2, 2 * a)",
		"s = 'x'\ns += 'y'\ns *= 3\nprint(s, '%s-%d' % (s, 1), s % ())",
		"d = {'k': [1]}\nd['k'] += [2]\nprint(d, ', '.join(['a', 'b']), 'a-b'.split('-'), 'ab'.replace('a', 'cc'))",
		"def f(x, y=[1] + [2]):\n  return x + y\nprint(f([0]), (lambda q=2 * 3: q)())",
		"print([i * i for i in range(5) if i % 2], {k: k + '!' for k in ['a']}, 1 + 'a')",
		"x = 1\nx += 1.5\nx *= 2\nprint(x, 7 % 3, -7 % 3, 2.5 % 1)",
		"t = (1, 2) + (3,)\nprint(t * 2, '{}{}'.format(1, 2), 'a\\nb'.splitlines(), ' a  b '.split())",
		"x = [] * -1\ny = 'a' * 0\nprint(x, y, [1] + (2,))",
	} {
		f.Add(seed)
	}
	opts := StarlarkOptions{MaxSteps: 100_000, MaxOutputBytes: 16 << 10, MemoryMB: 64, Timeout: duration.Duration(time.Second)}
	s := newTestStarlark(f, func(o *StarlarkOptions) { *o = opts })
	plain := func(code string) (string, bool) {
		var out strings.Builder
		thread := &starlark.Thread{Print: func(_ *starlark.Thread, msg string) {
			if out.Len() < 16<<10 {
				out.WriteString(msg + "\n")
			}
		}}
		thread.SetMaxExecutionSteps(opts.MaxSteps)
		_, err := starlark.ExecFileOptions(starlarkFileOptions, thread, "main.star", code, s.predeclared)
		return out.String(), err == nil
	}
	f.Fuzz(func(t *testing.T, code string) {
		out := s.exec(context.Background(), code)
		if out.Limit != "" || out.Truncated || strings.Contains(out.Stderr, "integers are capped") {
			t.Skip("a limit stopped the rewritten run")
		}
		want, ok := plain(code)
		if ok != (out.ExitCode == 0) || want != out.Stdout {
			t.Errorf("the rewrite changed the program's meaning:\nplain ok=%v stdout %q\nrewritten exit %d stdout %q stderr %q", ok, want, out.ExitCode, out.Stdout, out.Stderr)
		}
	})
}

// TestStarlarkTextBombs: converting values to text (print, str, repr,
// json, % and format) is refused when the text would outgrow the memory
// limit or the value nests too deeply for Baton's stack; before, a deeply
// nested json.decode killed the whole process with a stack overflow.
func TestStarlarkTextBombs(t *testing.T) {
	s, err := NewStarlark("", StarlarkOptions{Timeout: duration.Duration(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	shared := "l = [[0] * 1000] * 1000\nm = [l] * 1000\n"
	deep := "l = []\nfor _ in range(2000):\n  l = [l]\n"
	tests := []struct{ name, code, want string }{
		{"print", shared + "print(m)", "memory limit 256 MiB exceeded"},
		{"str", shared + "x = str(m)", "memory limit 256 MiB exceeded"},
		{"repr", shared + "x = repr(m)", "memory limit 256 MiB exceeded"},
		{"json.encode", shared + "x = json.encode(m)", "memory limit 256 MiB exceeded"},
		{"json.encode_indent", "d = []\nfor _ in range(900):\n  d = [d]\nx = json.encode_indent(d, indent=' ' * 1000)", "memory limit 256 MiB exceeded"},
		{"json.indent", "x = json.indent('[' * 900 + ']' * 900, indent=' ' * 1000)", "memory limit 256 MiB exceeded"},
		{"percent", shared + "x = '%s' % (m,)", "memory limit 256 MiB exceeded"},
		{"format", shared + "x = '{}'.format(m)", "memory limit 256 MiB exceeded"},
		{"json.decode deep", "x = json.decode('[' * 3000000 + ']' * 3000000)", "nested more than 1000 levels"},
		{"json.indent deep", "x = json.indent('[' * 3000000 + ']' * 3000000)", "nested more than 1000 levels"},
		{"print deep", deep + "print(l)", "nested more than 1000 levels"},
		{"str deep", deep + "x = str(l)", "nested more than 1000 levels"},
		{"json.encode deep", deep + "x = json.encode(l)", "nested more than 1000 levels"},
		{"percent deep", deep + "x = '%s' % (l,)", "nested more than 1000 levels"},
		{"format deep", deep + "x = '{}'.format(l)", "nested more than 1000 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, out := call(t, s, tc.code)
			if !res.IsError || !strings.Contains(res.Content, tc.want) || out.TimedOut {
				t.Errorf("want an error Result containing %q; content:\n%s", tc.want, res.Content)
			}
		})
	}
	// Ordinary conversions are untouched.
	res, out := call(t, s, "c = [1]\nc.append(c)\nprint(c, str({'a': (1, 2)}), repr('x'), json.encode([1, {'b': None}]), json.decode('[[1], {\"k\": [2]}]'), '%s|%r' % ([1], 'q'), '{}'.format((1,)))\nprint(json.encode_indent({'a': [1]}, indent=' '))\nd = []\nfor _ in range(900):\n  d = [d]\nprint(len(str(d)))")
	want := "[1, [...]] {\"a\": (1, 2)} \"x\" [1,{\"b\":null}] [[1], {\"k\": [2]}] [1]|\"q\" (1,)\n{\n \"a\": [\n  1\n ]\n}\n1802\n"
	if res.IsError || out.Stdout != want {
		t.Errorf("got %q, want %q; content:\n%s", out.Stdout, want, res.Content)
	}
}
