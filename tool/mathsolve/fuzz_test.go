package mathsolve

import (
	"context"
	"errors"
	"testing"
)

// FuzzEval checks that no input panics, and that every failure is one of
// the package's error classes. It calls evaluate, below Eval, so nothing
// could hide a panic.
func FuzzEval(f *testing.F) {
	for _, s := range []string{
		"1/3 + 1/6", "2^200 mod 1000000007", "0.1+0.2", "-2^-2", "5!", "3!!", "2^3^2",
		"gcd(12, 18, 27)", "lcm(4,6)", "binomial(50,25)", "pow(3,-1,7)", "modinv(4,8)",
		"sqrt(2)", "root(-27,3)", "8^(1/3)", "(-4)^(1/2)", "pi*e", "round(pi, 3)",
		"isprime(2^61-1)", "factor(360)", "fib(-6)", "1e308 * 1e308", "1e-5", ".5",
		"1/0", "(", ")", "2(3)", "foo(1)", "×÷−", "\xff", "mod(7, 3)", "7 mod 3 mod 2",
		"2 < 3 == 1", "9^9^9", "(1/2 + 1/2) mod 5", "10000!", "floor(-7/2)",
		"((((((((((1))))))))))", "1e99999999999", "2^(1/999999)", "pi^-100",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		v, err := (&Evaluator{}).evaluate(context.Background(), expr)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrMath) && !errors.Is(err, ErrLimit) {
				t.Fatalf("Eval(%q): error %v has no class", expr, err)
			}
			return
		}
		ans := format(v)
		if ans.Result == "" || ans.Kind == "" || ans.String() == "" {
			t.Fatalf("Eval(%q) = %+v: empty answer", expr, ans)
		}
	})
}
