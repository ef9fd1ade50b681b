package sandbox

import (
	"context"
	"errors"
	"os"
	"testing"

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
