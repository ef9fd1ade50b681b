package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/batonhq/baton/tool"
)

func TestKindsRegisteredAsDefaults(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"sandbox.python", "sandbox.starlark"} {
		k, err := tool.LookupKind(id)
		if err != nil {
			t.Fatalf("kind %s: %v", id, err)
		}
		if !k.Default {
			t.Errorf("kind %s is not a default kind", id)
		}
	}
}

func TestOpenKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		kind     string
		cfg      tool.Config
		wantName string
		wantErr  string
	}{
		{name: "starlark defaults", kind: "sandbox.starlark", wantName: "starlark"},
		{name: "starlark renamed", kind: "sandbox.starlark", cfg: tool.Config{Name: "calc", Options: json.RawMessage(`{"max_steps": 1000, "max_output_bytes": 100, "timeout": "1s"}`)}, wantName: "calc"},
		{name: "starlark unknown option", kind: "sandbox.starlark", cfg: tool.Config{Options: json.RawMessage(`{"max_step": 1}`)}, wantErr: "max_step"},
		{name: "starlark negative option", kind: "sandbox.starlark", cfg: tool.Config{Options: json.RawMessage(`{"memory_mb": -1}`)}, wantErr: "must not be negative"},
		{name: "python options", kind: "sandbox.python", cfg: tool.Config{Options: json.RawMessage(`{"timeout": 3, "cpu_seconds": 2, "memory_mb": 128, "max_output_bytes": 1000, "max_procs": 8, "file_size_mb": 2}`)}, wantName: "python"},
		{name: "python unknown option", kind: "sandbox.python", cfg: tool.Config{Options: json.RawMessage(`{"memory": 128}`)}, wantErr: `unknown field "memory"`},
		{name: "python bad timeout", kind: "sandbox.python", cfg: tool.Config{Options: json.RawMessage(`{"timeout": "ten seconds"}`)}, wantErr: "ten seconds"},
		{name: "python tiny memory", kind: "sandbox.python", cfg: tool.Config{Options: json.RawMessage(`{"memory_mb": 4}`)}, wantErr: "memory_mb 4 is too small"},
		{name: "python uid range", kind: "sandbox.python", cfg: tool.Config{Options: json.RawMessage(`{"first_uid": 500000, "uid_count": 16}`)}, wantName: "python"},
		{name: "python negative uid range", kind: "sandbox.python", cfg: tool.Config{Options: json.RawMessage(`{"uid_count": -1}`)}, wantErr: "must be non-negative"},
		{name: "python uid range past 2^31", kind: "sandbox.python", cfg: tool.Config{Options: json.RawMessage(`{"first_uid": 2147483000, "uid_count": 1000}`)}, wantErr: "below 2^31-1"},
		{name: "python system uids", kind: "sandbox.python", cfg: tool.Config{Options: json.RawMessage(`{"first_uid": 100}`)}, wantErr: "system users"},
		{name: "python missing interpreter", kind: "sandbox.python", cfg: tool.Config{Options: json.RawMessage(`{"python": "/nonexistent/python3"}`)}, wantErr: "disabled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, err := tool.Open(context.Background(), tc.kind, tc.cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if errors.Is(err, tool.ErrDisabled) {
				t.Skipf("python3 cannot run here: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != 1 || ts[0].Spec().Name != tc.wantName {
				t.Fatalf("got %d tools, first %q; want one named %q", len(ts), ts[0].Spec().Name, tc.wantName)
			}
			res, err := ts[0].Call(context.Background(), json.RawMessage(`{"code": "print(2 + 3)"}`))
			if err != nil || res.IsError || !strings.Contains(res.Content, "5") {
				t.Errorf("Call = %+v, %v; want 5", res, err)
			}
		})
	}
}

func TestCaptureBoundsMemory(t *testing.T) {
	t.Parallel()
	overflows := 0
	c := newCapture(10, func() { overflows++ })
	out, errs := c.stream(0), c.stream(1)
	for _, w := range []struct {
		s      *captureStream
		p      string
		stdout string
	}{{out, "abc", "abc"}, {errs, "12345", "abc"}, {out, "defgh", "abcde"}, {errs, "zzz", "abcde"}} {
		if n, err := w.s.Write([]byte(w.p)); n != len(w.p) || err != nil {
			t.Fatalf("Write = %d, %v; writes must always report success", n, err)
		}
	}
	stdout, stderr, truncated := c.result()
	if stdout != "abcde" || stderr != "12345" || !truncated {
		t.Errorf("got %q, %q, %v; want \"abcde\", \"12345\", true", stdout, stderr, truncated)
	}
	if overflows != 1 {
		t.Errorf("onOverflow called %d times, want once", overflows)
	}
}

func TestSizeString(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{64 << 10: "64 KiB", 512 << 20: "512 MiB", 1000: "1000 bytes", 1536: "1536 bytes"} {
		if got := sizeString(n); got != want {
			t.Errorf("sizeString(%d) = %q, want %q", n, got, want)
		}
	}
}
