package mathsolve

import (
	"context"
	"testing"
)

func BenchmarkEval(b *testing.B) {
	for _, bc := range []struct{ name, expr string }{
		{"typical", "(1/3 + 1/6) * 12 - 2^10 + gcd(84, 36)"},
		{"modpow", "2^200 mod 1000000007"},
		{"factorial", "100!"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Eval(ctx, bc.expr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
