package domain_test

import (
	"testing"

	"github.com/batonhq/baton/env/domain"
)

func TestCalculate(t *testing.T) {
	for _, c := range []struct {
		name, expr, want, err string
	}{
		{"int sum", "2 + 2", "4.0", ""},
		{"true division", "7 / 2", "3.5", ""},
		{"rounded", "10 / 3", "3.33", ""},
		{"floor division", "-7 // 2", "-4.0", ""},
		{"power", "2 ** 10", "1024.0", ""},
		{"right assoc power", "2 ** 3 ** 2", "512.0", ""},
		{"unary", "-(3 - 5) * 1.5", "3.0", ""},
		{"prices", "(466.75 - 481.5) + (135.24 - 150.01)", "-29.52", ""},
		{"bad char", "2 + x", "", "Invalid characters in expression"},
		{"zero division", "1 / 0", "", "division by zero"},
		{"float zero division", "1.0 / 0", "", "float division by zero"},
		{"syntax", "2 +", "", "invalid syntax (<string>, line 1)"},
		{"leading zero", "012", "", "invalid syntax (<string>, line 1)"},
		{"huge", "9 ** 9 ** 9", "", "int too large to convert to float"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := domain.Calculate(c.expr)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("Calculate(%q) error = %v, want %q", c.expr, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Calculate(%q) = %q, %v; want %q", c.expr, got, err, c.want)
			}
		})
	}
}

func FuzzCalculate(f *testing.F) {
	for _, s := range []string{"2 + 2", "((1)", "1e5", "2**-1", "-0.0", "7//0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = domain.Calculate(s)
	})
}
