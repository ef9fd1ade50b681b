package mathsolve

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestEvalValues(t *testing.T) {
	tests := []struct {
		name, expr, want, kind string
	}{
		{"integer add", "1 + 2", "3", "integer"},
		{"precedence", "2 + 3 * 4", "14", "integer"},
		{"parentheses", "(2 + 3) * 4", "20", "integer"},
		{"left assoc minus", "10 - 4 - 3", "3", "integer"},
		{"left assoc divide", "100 / 10 / 5", "2", "integer"},
		{"fractions add exactly", "1/3 + 1/6", "1/2", "rational"},
		{"decimals are exact", "0.1 + 0.2", "3/10", "rational"},
		{"decimal compare exact", "0.1 + 0.2 == 0.3", "true", "boolean"},
		{"leading dot", ".5 + .25", "3/4", "rational"},
		{"scientific", "1e3", "1000", "integer"},
		{"scientific negative exponent", "1.5e-3", "3/2000", "rational"},
		{"scientific capital plus", "2.5E+2", "250", "integer"},
		{"reduce fraction", "6/4", "3/2", "rational"},
		{"big integer", "2^100", "1267650600228229401496703205376", "integer"},
		{"two to the 64", "2**64", "18446744073709551616", "integer"},
		{"power right assoc", "2^3^2", "512", "integer"},
		{"unary minus below power", "-2^2", "-4", "integer"},
		{"parenthesised negative base", "(-2)^2", "4", "integer"},
		{"negative exponent", "2^-2", "1/4", "rational"},
		{"rational power", "(2/3)^3", "8/27", "rational"},
		{"zero to zero", "0^0", "1", "integer"},
		{"minus one huge even power", "(-1)^(10^30)", "1", "integer"},
		{"minus one huge odd power", "(-1)^(10^30+1)", "-1", "integer"},
		{"cube root exact", "8^(1/3)", "2", "integer"},
		{"negative cube root", "(-27)^(1/3)", "-3", "integer"},
		{"three halves power", "4^(3/2)", "8", "integer"},
		{"negative half power", "16^(-1/2)", "1/4", "rational"},
		{"rational square root", "(9/4)^0.5", "3/2", "rational"},
		{"factorial", "5!", "120", "integer"},
		{"zero factorial", "0!", "1", "integer"},
		{"factorial of factorial", "3!!", "720", "integer"},
		{"factorial binds tighter than power", "2^3!", "64", "integer"},
		{"factorial under unary minus", "-3!", "-6", "integer"},
		{"twenty five factorial", "25!", "15511210043330985984000000", "integer"},
		{"mod", "7 % 3", "1", "integer"},
		{"mod keyword", "7 mod 3", "1", "integer"},
		{"mod of negative is non-negative", "-7 % 3", "2", "integer"},
		{"mod takes sign of modulus", "7 mod -3", "-2", "integer"},
		{"mod of fraction", "7.5 mod 2", "3/2", "rational"},
		{"mod binds like times", "2 + 3 mod 2", "3", "integer"},
		{"modpow pattern", "2^200 mod 1000000007", "499445072", "integer"},
		{"modpow with sum", "(3^(10^30) + 1) * 2 mod 7", "3", "integer"},
		{"mod fallback to exact", "(1/2 + 1/2) mod 5", "1", "integer"},
		{"negative exponent under mod is rational", "2^-1 mod 5", "1/2", "rational"},
		{"nested mods", "((10^20 mod 97) + 5) mod 7", "1", "integer"},
		{"unicode operators", "3 × 4 − 1", "11", "integer"},
		{"unicode divide", "6 ÷ 4", "3/2", "rational"},
		{"less than", "2 < 3", "true", "boolean"},
		{"equal fractions", "1/3 == 2/6", "true", "boolean"},
		{"single equals compares", "2 + 2 = 5", "false", "boolean"},
		{"not equal", "2 != 2", "false", "boolean"},
		{"greater equal", "3 >= 3", "true", "boolean"},
		{"abs", "abs(-5/3)", "5/3", "rational"},
		{"floor negative", "floor(-7/2)", "-4", "integer"},
		{"ceil negative", "ceil(-7/2)", "-3", "integer"},
		{"round half up", "round(2.5)", "3", "integer"},
		{"round half away from zero", "round(-2.5)", "-3", "integer"},
		{"round to places", "round(1/3, 2)", "33/100", "rational"},
		{"round to hundreds", "round(1250, -2)", "1300", "integer"},
		{"sqrt perfect", "sqrt(144)", "12", "integer"},
		{"sqrt fraction", "sqrt(2/8)", "1/2", "rational"},
		{"isqrt", "isqrt(10^20 + 1)", "10000000000", "integer"},
		{"isqrt floor", "isqrt(99)", "9", "integer"},
		{"root", "root(-125, 3)", "-5", "integer"},
		{"min", "min(3, 1/2, 2)", "1/2", "rational"},
		{"max", "max(1, 2, 3)", "3", "integer"},
		{"gcd variadic", "gcd(12, 18, 27)", "3", "integer"},
		{"gcd negative", "gcd(-12, 18)", "6", "integer"},
		{"gcd zeros", "gcd(0, 0)", "0", "integer"},
		{"lcm variadic", "lcm(4, 6, 10)", "60", "integer"},
		{"lcm zero", "lcm(4, 0)", "0", "integer"},
		{"binomial", "binomial(50, 25)", "126410606437752", "integer"},
		{"choose alias", "choose(10, 3)", "120", "integer"},
		{"binomial k above n", "binomial(5, 7)", "0", "integer"},
		{"binomial negative n", "binomial(-1, 3)", "-1", "integer"},
		{"binomial huge n small k", "binomial(10^18, 2)", "499999999999999999500000000000000000", "integer"},
		{"factorial function", "factorial(20)", "2432902008176640000", "integer"},
		{"fib", "fib(100)", "354224848179261915075", "integer"},
		{"fib zero", "fib(0)", "0", "integer"},
		{"fib ten", "fib(10)", "55", "integer"},
		{"fib negative", "fib(-6)", "-8", "integer"},
		{"modinv", "modinv(3, 7)", "5", "integer"},
		{"modinv of negative", "modinv(-3, 7)", "2", "integer"},
		{"pow two args", "pow(2, 10)", "1024", "integer"},
		{"pow modular", "pow(2, 10, 1000)", "24", "integer"},
		{"pow negative exponent modular", "pow(3, -1, 7)", "5", "integer"},
		{"mod function", "mod(-7, 3)", "2", "integer"},
		{"isprime mersenne 61", "isprime(2^61 - 1)", "true", "boolean"},
		{"isprime carmichael", "isprime(561)", "false", "boolean"},
		{"isprime one", "isprime(1)", "false", "boolean"},
		{"isprime two", "isprime(2)", "true", "boolean"},
		{"factor", "factor(360)", "2^3 * 3^2 * 5", "factorization"},
		{"factor prime", "factor(97)", "97", "factorization"},
		{"factor one", "factor(1)", "1", "factorization"},
		{"factor negative", "factor(-1001)", "-1 * 7 * 11 * 13", "factorization"},
		{"factor fermat 6", "factor(2^64 + 1)", "274177 * 67280421310721", "factorization"},
		{"factor euler 3", "factor(600851475143)", "71 * 839 * 1471 * 6857", "factorization"},
		{"sqrt two approximate", "sqrt(2)", "1.41421356237309504880168872421", "approximate"},
		{"pi", "pi", "3.14159265358979323846264338328", "approximate"},
		{"e", "e", "2.71828182845904523536028747135", "approximate"},
		{"approximate arithmetic", "2 * pi", "6.28318530717958647692528676656", "approximate"},
		{"approximate squared back", "round(sqrt(2)^2, 20)", "2", "approximate"},
		{"floor of approximation", "floor(pi * 1000)", "3141", "approximate"},
		{"cube root approximate", "root(2, 3)", "1.25992104989487316476721060728", "approximate"},
		{"fractional power approximate", "2^(1/2)", "1.41421356237309504880168872421", "approximate"},
		{"whitespace everywhere", "  ( 1\t+ 2 )\n* 3 ", "9", "integer"},
		{"case insensitive names", "GCD(4, 6) + PI - pi", "2", "approximate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Eval(context.Background(), tc.expr)
			if err != nil {
				t.Fatalf("Eval(%q): %v", tc.expr, err)
			}
			if got.Result != tc.want || got.Kind != tc.kind {
				t.Errorf("Eval(%q) = %q (%s), want %q (%s)", tc.expr, got.Result, got.Kind, tc.want, tc.kind)
			}
			if wantExact := tc.kind != "approximate"; got.Exact != wantExact && got.Note == "" {
				t.Errorf("Eval(%q).Exact = %v, want %v", tc.expr, got.Exact, wantExact)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		name, expr string
		is         error
		want       string // substring of the message
	}{
		{"empty", "", ErrSyntax, "empty expression"},
		{"blank", "   ", ErrSyntax, "empty expression"},
		{"dangling operator", "1 +", ErrSyntax, "unexpected end of expression at column 4"},
		{"unclosed paren", "(1 + 2", ErrSyntax, `missing ")" at column 7; to close "(" at column 1`},
		{"unclosed call", "gcd(4, 6", ErrSyntax, `missing ")" at column 9; to close "gcd(" at column 4`},
		{"stray close paren", "2 * 3 )", ErrSyntax, `unexpected ")" at column 7`},
		{"operator where operand expected", "2 + * 3", ErrSyntax, `unexpected "*" at column 5`},
		{"juxtaposition", "2(3)", ErrSyntax, `unexpected "(" at column 2; write * for multiplication`},
		{"juxtaposition with name", "2pi", ErrSyntax, `unexpected name "pi" at column 2; write * for multiplication`},
		{"unknown function", "foo(1)", ErrSyntax, `unknown function "foo" at column 1; known: abs, binomial,`},
		{"unknown name", "x + 1", ErrSyntax, `unknown name "x" at column 1; the constants are pi and e`},
		{"function without call", "sqrt + 1", ErrSyntax, "sqrt is a function at column 1; call it as sqrt(x)"},
		{"bad character", "1 @ 2", ErrSyntax, `unexpected character '@' at column 3`},
		{"column counts characters", "×× 2", ErrSyntax, `unexpected "*" at column 1`},
		{"invalid utf8", "1 + \xff", ErrSyntax, "invalid UTF-8 byte 0xff at column 5"},
		{"empty argument", "gcd(4,)", ErrSyntax, `unexpected ")" at column 7`},
		{"division by zero", "1/0", ErrMath, "division by zero at column 2"},
		{"division by zero expression", "1 / (2 - 2)", ErrMath, "division by zero at column 3"},
		{"modulo by zero", "5 % 0", ErrMath, "modulo by zero at column 3"},
		{"zero to negative power", "0^-1", ErrMath, "division by zero"},
		{"sqrt of negative", "sqrt(-4)", ErrMath, "no real square root of the negative number -4"},
		{"even root of negative", "(-4)^(1/2)", ErrMath, "no real square root"},
		{"factorial of fraction", "1.5!", ErrMath, "factorial needs a non-negative integer, got 3/2"},
		{"factorial of negative", "(-3)!", ErrMath, "factorial needs a non-negative integer"},
		{"irrational exponent", "2^pi", ErrMath, "exponent must be exact"},
		{"gcd of fraction", "gcd(1/2, 3)", ErrMath, "gcd: argument 1 must be an exact integer, got 1/2"},
		{"no inverse", "modinv(4, 8)", ErrMath, "4 has no inverse modulo 8 (both are divisible by 4)"},
		{"zero modulus", "pow(2, 3, 0)", ErrMath, "modulus must be a positive integer"},
		{"bool in arithmetic", "(2 < 3) + 1", ErrMath, "needs a number, got the truth value true"},
		{"factorisation in arithmetic", "factor(12) + 1", ErrMath, "factor must stand alone"},
		{"wrong argument count", "sqrt(1, 2)", ErrMath, "sqrt takes 1 argument(s): sqrt(x), got 2"},
		{"too few arguments", "gcd()", ErrMath, "gcd takes at least 1 argument(s)"},
		{"factor zero", "factor(0)", ErrMath, "0 has no prime factorisation"},
		{"huge power", "10^1000000", ErrLimit, "result would have about 1e+06 digits; the limit is 100000"},
		{"huge power of fraction", "(1/3)^1000000", ErrLimit, "digits"},
		{"huge exponent beyond int64", "3^(10^30)", ErrLimit, "digits"},
		{"huge literal exponent", "1e1000000", ErrLimit, "has more than 100000 digits"},
		{"tiny literal", "1e-1000000", ErrLimit, "has more than 100000 digits"},
		{"exponent out of range", "1e99999999999999999999", ErrLimit, "out of range"},
		{"huge factorial", "10001!", ErrLimit, "factorial of 10001 exceeds the limit n ≤ 10000"},
		{"huge fib", "fib(10^6)", ErrLimit, "exceeds the limit"},
		{"huge binomial", "binomial(10^6, 5*10^5)", ErrLimit, "digits"},
		{"huge isprime", "isprime(2^5000 + 1)", ErrLimit, "exceed the limit of 4096 bits"},
		{"huge factor", "factor(10^70)", ErrLimit, "71-digit numbers exceed the limit of 60 digits"},
		{"huge lcm", "lcm(2^300000, 3^200000)", ErrLimit, "more than 100000 digits"},
		{"repeated squaring overflow", "(2^200000)^2", ErrLimit, "digits"},
		{"approximation overflow", "pi^1000000000", ErrLimit, "beyond 10^±100000"},
		{"modexp too much work", "pow(3, 10^5000, 10^5000 + 1)", ErrLimit, "too much work"},
		{"modpow pattern too much work", "3^(10^5000) mod (10^5000 + 1)", ErrLimit, "too much work"},
		{"deep nesting", strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), ErrLimit, "nested more than 200 levels"},
		{"deep unary nesting", strings.Repeat("-", 300) + "1", ErrLimit, "nested more than 200 levels"},
		{"too long", strings.Repeat("1+", 6000) + "1", ErrLimit, "the limit is 10000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Eval(context.Background(), tc.expr)
			if err == nil {
				t.Fatalf("Eval(%q) = %v, want an error", tc.expr, got)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("Eval(%q) error %q is not %v", tc.expr, err, tc.is)
			}
			if !strings.HasPrefix(err.Error(), "mathsolve: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Eval(%q) error = %q, want it to contain %q", tc.expr, err, tc.want)
			}
		})
	}
}

func TestEvalHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Eval(ctx, "2^10")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Eval with cancelled context: %v, want context.Canceled", err)
	}
}

func TestCustomLimits(t *testing.T) {
	ev := &Evaluator{Limits: Limits{MaxDigits: 20, MaxFactorial: 5, MaxFib: 10, MaxDepth: 3, MaxLength: 30, MaxFactorDigits: 5}}
	tests := []struct {
		name, expr string
		ok         bool
	}{
		{"power within", "10^18", true},
		{"power beyond", "10^25", false},
		{"factorial within", "5!", true},
		{"factorial beyond", "6!", false},
		{"fib within", "fib(10)", true},
		{"fib beyond", "fib(11)", false},
		{"depth within", "((1))", true},
		{"depth beyond", "((((1))))", false},
		{"length beyond", strings.Repeat("1", 31), false},
		{"factor within", "factor(99999)", true},
		{"factor beyond", "factor(100000)", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ev.Eval(context.Background(), tc.expr)
			if (err == nil) != tc.ok {
				t.Fatalf("Eval(%q) error = %v, want ok=%v", tc.expr, err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrLimit) {
				t.Fatalf("Eval(%q) error %v is not ErrLimit", tc.expr, err)
			}
		})
	}
}
