package mathsolve

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestModPowMatchesBigExp(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		b, e, m int64
		eBig    *big.Int
	}{
		{name: "operator pattern", expr: "2^200 mod 1000000007", b: 2, e: 200, m: 1_000_000_007},
		{name: "percent pattern", expr: "2^200 % 1000000007", b: 2, e: 200, m: 1_000_000_007},
		{name: "pow function", expr: "pow(2, 200, 1000000007)", b: 2, e: 200, m: 1_000_000_007},
		{name: "double star", expr: "7**123456789 mod 998244353", b: 7, e: 123456789, m: 998244353},
		{name: "huge exponent", expr: "3^(10^50) mod 1000000007", b: 3, m: 1_000_000_007,
			eBig: new(big.Int).Exp(big.NewInt(10), big.NewInt(50), nil)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.eBig
			if e == nil {
				e = big.NewInt(tc.e)
			}
			want := new(big.Int).Exp(big.NewInt(tc.b), e, big.NewInt(tc.m))
			got, err := Eval(context.Background(), tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got.Result != want.String() {
				t.Fatalf("Eval(%q) = %s, want %s (big.Int.Exp)", tc.expr, got.Result, want)
			}
		})
	}
}

// TestModularAgreesWithExact checks, on seeded random integer expressions,
// that the modular shortcut gives the same residue as exact evaluation
// followed by a remainder, computed independently with math/big.
func TestModularAgreesWithExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		a, b, c := rng.Int64N(2000)-1000, rng.Int64N(40), rng.Int64N(1000)-500
		d, m := rng.Int64N(1_000_000), rng.Int64N(1_000_000)+1
		expr := fmt.Sprintf("((%d)^%d * (%d) - %d) mod %d", a, b, c, d, m)
		want := new(big.Int).Exp(big.NewInt(a), big.NewInt(b), nil)
		want.Mul(want, big.NewInt(c))
		want.Sub(want, big.NewInt(d))
		want.Mod(want, big.NewInt(m))
		got, err := Eval(context.Background(), expr)
		if err != nil {
			t.Fatalf("Eval(%q): %v", expr, err)
		}
		if got.Result != want.String() {
			t.Fatalf("Eval(%q) = %s, want %s", expr, got.Result, want)
		}
	}
}

// TestNestedModsStayLinear would take about 2^100 evaluations if a fallback
// from modular to exact evaluation re-evaluated nested mods.
func TestNestedModsStayLinear(t *testing.T) {
	expr := "1/2"
	for i := 0; i < 100; i++ {
		expr = "(" + expr + " + 1/2) mod 7"
	}
	got, err := Eval(context.Background(), expr)
	if err != nil {
		t.Fatal(err)
	}
	// Each level adds 1/2 and reduces mod 7: (1/2 + 100/2) mod 7 = 101/2 mod 7 = 3/2.
	if got.Result != "3/2" {
		t.Fatalf("got %s, want 3/2", got.Result)
	}
}

func TestFactorSplitsAndGivesUp(t *testing.T) {
	next := func(from int64) *big.Int {
		p := big.NewInt(from)
		for !p.ProbablyPrime(0) {
			p.Add(p, big.NewInt(1))
		}
		return p
	}
	p, q := next(1_000_000_000), next(2_000_000_000)
	n := new(big.Int).Mul(p, q)
	got, err := Eval(context.Background(), "factor("+n.String()+")")
	if err != nil {
		t.Fatal(err)
	}
	if want := p.String() + " * " + q.String(); got.Result != want {
		t.Fatalf("factor(%s) = %s, want %s", n, got.Result, want)
	}
	if len(got.Factors) != 2 || got.Factors[0].Prime != p.String() || got.Factors[1].Exp != 1 {
		t.Fatalf("Factors = %+v", got.Factors)
	}

	// With a small step budget the same number is out of reach: a clear
	// limit error, not a hang.
	ev := &Evaluator{Limits: Limits{MaxFactorSteps: 1000}}
	_, err = ev.Eval(context.Background(), "factor("+n.String()+")")
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("factor with a tiny budget: %v, want ErrLimit", err)
	}
	if err == nil || !strings.Contains(err.Error(), "could not split the composite factor") {
		t.Fatalf("factor of a hard semiprime: %v, want a work-limit error", err)
	}
}
