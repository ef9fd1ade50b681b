package sandbox

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/tool"
)

// BenchmarkStarlarkCall measures one small program end to end.
func BenchmarkStarlarkCall(b *testing.B) {
	s := newTestStarlark(b, nil)
	args := codeArgs(b, "t = 0\nfor i in range(1000):\n  t += i * i\nprint(t)")
	b.ReportAllocs()
	for b.Loop() {
		if res, err := s.Call(context.Background(), args); err != nil || res.IsError {
			b.Fatalf("%+v, %v", res, err)
		}
	}
}

// BenchmarkPythonCall measures one trivial script end to end: work
// directory, bootstrap, namespaces, interpreter start-up and clean-up.
func BenchmarkPythonCall(b *testing.B) {
	root, err := os.MkdirTemp(testRoot, "bench-")
	if err == nil {
		err = os.Chmod(root, 0o711)
	}
	if err != nil {
		b.Fatal(err)
	}
	opts := testPythonOptions()
	opts.workRoot = root
	p, err := NewPython(context.Background(), "", opts)
	if errors.Is(err, tool.ErrDisabled) {
		b.Skipf("python3 cannot run here: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
	args := codeArgs(b, "print(sum(i * i for i in range(1000)))")
	for b.Loop() {
		if res, err := p.Call(context.Background(), args); err != nil || res.IsError {
			b.Fatalf("%+v, %v", res, err)
		}
	}
}

// BenchmarkStarlarkAllocationBomb measures how fast the bombs end
// under the default 256 MiB limit: refused before the allocation, or
// stopped by the budget as a doubling value nears it. The wall clock is a
// minute, not the default 10 s, so a loaded machine shows its real time.
func BenchmarkStarlarkAllocationBomb(b *testing.B) {
	s, err := NewStarlark("", StarlarkOptions{Timeout: duration.Duration(time.Minute)})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, code string }{
		{"list_1<<29", "x = [0] * (1 << 29)"},
		{"string_doubling", "s = 'ab'\nwhile True:\n  s = s + s"},
		{"list_doubling", "l = [0]\nwhile True:\n  l = l + l"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			args := codeArgs(b, bc.code)
			for b.Loop() {
				res, err := s.Call(context.Background(), args)
				if err != nil || !res.IsError || !strings.Contains(res.Content, "memory limit 256 MiB exceeded") {
					b.Fatalf("%+v, %v", res, err)
				}
			}
		})
	}
}
