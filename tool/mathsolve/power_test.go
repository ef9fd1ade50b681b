package mathsolve

import (
	"context"
	"math/big"
	"testing"
)

func TestIntRoot(t *testing.T) {
	pow := func(b, e int64) *big.Int { return new(big.Int).Exp(big.NewInt(b), big.NewInt(e), nil) }
	tests := []struct {
		name  string
		n     *big.Int
		k     int64
		want  string
		exact bool
	}{
		{"square", big.NewInt(144), 2, "12", true},
		{"square floor", big.NewInt(143), 2, "11", false},
		{"cube", big.NewInt(27), 3, "3", true},
		{"cube floor", big.NewInt(26), 3, "2", false},
		{"one", big.NewInt(1), 7, "1", true},
		{"degree above bit length", big.NewInt(5), 10, "1", false},
		{"large exact", pow(3, 3000), 1000, "27", true},
		{"large just below", new(big.Int).Sub(pow(10, 300), big.NewInt(1)), 100, "999", false},
		{"large float path", pow(12345678901, 70), 7, pow(12345678901, 10).String(), true},
		{"large float path floor", new(big.Int).Sub(pow(12345678901, 70), big.NewInt(1)), 7,
			new(big.Int).Sub(pow(12345678901, 10), big.NewInt(1)).String(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, exact := intRoot(tc.n, tc.k)
			if got.String() != tc.want || exact != tc.exact {
				t.Fatalf("intRoot(%s, %d) = %s, %v; want %s, %v", tc.n, tc.k, got, exact, tc.want, tc.exact)
			}
		})
	}
}

// TestExpensiveShapesFinish covers inputs that once took seconds or hours:
// each must finish (no time is asserted) with the stated result.
func TestExpensiveShapesFinish(t *testing.T) {
	tests := []struct{ name, expr, want string }{
		{"high-degree root of a big number", "root(10^99999 + 1, 1000)", "≈ 9.97700063822553317194421942854e+99 (approximate)"},
		{"root of degree near the bit length", "root(2^300, 299)", "≈ 2.00464181428025385023618027462 (approximate)"},
		{"decimal of a power-of-two denominator", "1/2^300000", "(≈ 1.0029997058191946371e-90309)"},
		{"scientific approximation", "pi * 10^99000", "≈ 3.14159265358979323846264338328e+99000 (approximate)"},
		{"scientific negative", "-e / 10^5000", "≈ -2.71828182845904523536028747135e-5000 (approximate)"},
		{"tiny fractional power", "2^(1/999999)", "≈ 1.00000069314811393486193435636"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Eval(context.Background(), tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.String(); len(s) < len(tc.want) || !containsStr(s, tc.want) {
				t.Fatalf("Eval(%q) = %.200s, want it to contain %q", tc.expr, s, tc.want)
			}
		})
	}
}

func containsStr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
