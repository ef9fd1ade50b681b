package mathsolve

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"
)

func fnFib(ev *evaluator, col int, a []value) (value, error) {
	n, err := intArg(col, "fib", 0, a[0])
	if err != nil {
		return value{}, err
	}
	if !n.IsInt64() || abs64(n.Int64()) > ev.lim.MaxFib {
		return value{}, limitErr(col, "fib(%s) exceeds the limit |n| ≤ %d", short(a[0]), ev.lim.MaxFib)
	}
	k := n.Int64()
	f := fib(abs64(k))
	if k < 0 && k%2 == 0 { // F(-n) = (-1)^(n+1) F(n)
		f.Neg(f)
	}
	return exactInt(f), nil
}

// fib returns F(n) for n ≥ 0 by fast doubling:
// F(2k) = F(k)·(2F(k+1) − F(k)), F(2k+1) = F(k)² + F(k+1)².
func fib(n int64) *big.Int {
	a, b := big.NewInt(0), big.NewInt(1) // F(k), F(k+1) with k = 0
	for i := 63; i >= 0; i-- {
		t := new(big.Int).Lsh(b, 1)
		t.Sub(t, a)
		c := t.Mul(t, a) // F(2k)
		d := new(big.Int).Mul(a, a)
		d.Add(d, new(big.Int).Mul(b, b)) // F(2k+1)
		if n>>uint(i)&1 == 1 {
			a, b = d, c.Add(c, d)
		} else {
			a, b = c, d
		}
	}
	return a
}

func fnBinomial(ev *evaluator, col int, a []value) (value, error) {
	n, err := intArg(col, "binomial", 0, a[0])
	if err != nil {
		return value{}, err
	}
	k, err := intArg(col, "binomial", 1, a[1])
	if err != nil {
		return value{}, err
	}
	if k.Sign() < 0 {
		return exactInt(new(big.Int)), nil
	}
	if !n.IsInt64() || !k.IsInt64() {
		return value{}, limitErr(col, "binomial: arguments must be below 2^63")
	}
	nn, kk := n.Int64(), k.Int64()
	neg := false
	if nn < 0 { // C(n, k) = (-1)^k C(k-n-1, k)
		if kk > math.MaxInt64/2 || nn < -math.MaxInt64/2 {
			return value{}, limitErr(col, "binomial: arguments are too large")
		}
		nn, neg = kk-nn-1, kk%2 == 1
	}
	if kk > nn {
		return exactInt(new(big.Int)), nil
	}
	kk = min(kk, nn-kk)
	// log₂ C(n, k) from the log-gamma function, to refuse before computing.
	lg := func(x int64) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	if bits := (lg(nn) - lg(kk) - lg(nn-kk)) / math.Ln2; bits > float64(ev.maxBits) {
		return value{}, limitErr(col, "binomial(%d, %d) would have about %.4g digits; the limit is %d", nn, kk, bits/math.Log2(10), ev.lim.MaxDigits)
	}
	r := new(big.Int).Binomial(nn, kk)
	if neg {
		r.Neg(r)
	}
	return exactInt(r), nil
}

func fnIsPrime(ev *evaluator, col int, a []value) (value, error) {
	n, err := intArg(col, "isprime", 0, a[0])
	if err != nil {
		return value{}, err
	}
	if n.Sign() <= 0 {
		return boolean(false), nil
	}
	if n.BitLen() > maxPrimeBits {
		return value{}, limitErr(col, "isprime: %d-bit numbers exceed the limit of %d bits", n.BitLen(), maxPrimeBits)
	}
	// ProbablyPrime(0) is the Baillie-PSW test: exact below 2^64, and no
	// composite is known to pass it above. A "false" is always certain.
	v := boolean(n.ProbablyPrime(0))
	if v.b && n.BitLen() > 64 {
		v.note = "probable prime by the Baillie-PSW test (no counterexample is known)"
	}
	return v, nil
}

func fnFactor(ev *evaluator, col int, a []value) (value, error) {
	n, err := intArg(col, "factor", 0, a[0])
	if err != nil {
		return value{}, err
	}
	if n.Sign() == 0 {
		return value{}, mathErr(col, "factor: 0 has no prime factorisation")
	}
	if d := len(new(big.Int).Abs(n).String()); d > ev.lim.MaxFactorDigits {
		return value{}, limitErr(col, "factor: %d-digit numbers exceed the limit of %d digits", d, ev.lim.MaxFactorDigits)
	}
	ps, err := factorize(ev.ctx, new(big.Int).Abs(n), ev.lim.MaxFactorSteps)
	if err != nil {
		if ctxErr := ev.ctx.Err(); ctxErr != nil {
			return value{}, fmt.Errorf("mathsolve: %w", ctxErr)
		}
		return value{}, limitErr(col, "factor: %v", err)
	}
	var parts []string
	if n.Sign() < 0 {
		ps = append([]primePower{{Prime: big.NewInt(-1), Exp: 1}}, ps...)
	}
	for _, p := range ps {
		s := p.Prime.String()
		if p.Exp > 1 {
			s += fmt.Sprintf("^%d", p.Exp)
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		parts = []string{"1"}
	}
	return value{kind: kindText, text: strings.Join(parts, " * "), factors: ps}, nil
}

// factorize returns the prime factorisation of n ≥ 1: trial division by
// small numbers, then Pollard's rho (Brent's variant) on what remains.
func factorize(ctx context.Context, n *big.Int, steps int) ([]primePower, error) {
	counts := map[string]int{}
	primes := map[string]*big.Int{}
	add := func(p *big.Int) {
		k := p.String()
		if _, ok := primes[k]; !ok {
			primes[k] = new(big.Int).Set(p)
		}
		counts[k]++
	}
	n = new(big.Int).Set(n)
	q, r := new(big.Int), new(big.Int)
	for d := int64(2); d < 1<<12; d++ {
		bd := big.NewInt(d)
		if new(big.Int).Mul(bd, bd).Cmp(n) > 0 {
			break
		}
		for {
			q.QuoRem(n, bd, r)
			if r.Sign() != 0 {
				break
			}
			add(bd)
			n.Set(q)
		}
	}
	budget := steps
	stack := []*big.Int{}
	if n.Cmp(big.NewInt(1)) > 0 {
		stack = append(stack, n)
	}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c.ProbablyPrime(0) {
			add(c)
			continue
		}
		d, err := rho(ctx, c, &budget)
		if err != nil {
			var found []string
			for k := range primes {
				found = append(found, k)
			}
			sort.Strings(found)
			return nil, fmt.Errorf("could not split the composite factor %s within the work limit (prime factors found: %s)", c, strings.Join(found, ", "))
		}
		stack = append(stack, d, new(big.Int).Quo(c, d))
	}
	out := make([]primePower, 0, len(primes))
	for k, p := range primes {
		out = append(out, primePower{Prime: p, Exp: counts[k]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prime.Cmp(out[j].Prime) < 0 })
	return out, nil
}

var errBudget = fmt.Errorf("work budget exhausted")

// rho returns a non-trivial factor of the odd composite n, spending at most
// *budget polynomial steps.
func rho(ctx context.Context, n *big.Int, budget *int) (*big.Int, error) {
	one := big.NewInt(1)
	t, g, diff := new(big.Int), new(big.Int), new(big.Int)
	step := func(y, c *big.Int) {
		t.Mul(y, y)
		t.Add(t, c)
		y.Mod(t, n)
	}
	for c := int64(1); ; c++ {
		cb := big.NewInt(c)
		y, x, ys := big.NewInt(2), new(big.Int), new(big.Int)
		q := big.NewInt(1)
		g.SetInt64(1)
		const m = 128
		for r := 1; g.Cmp(one) == 0; r *= 2 {
			x.Set(y)
			for i := 0; i < r; i++ {
				step(y, cb)
			}
			for k := 0; k < r && g.Cmp(one) == 0; k += m {
				if *budget -= min(m, r-k) + r/m; *budget < 0 {
					return nil, errBudget
				}
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				ys.Set(y)
				for i := 0; i < min(m, r-k); i++ {
					step(y, cb)
					diff.Sub(x, y)
					q.Mul(q, diff.Abs(diff))
					q.Mod(q, n)
				}
				g.GCD(nil, nil, q, n)
			}
		}
		if g.Cmp(n) == 0 { // the batch overshot: redo it one step at a time
			for {
				if *budget--; *budget < 0 {
					return nil, errBudget
				}
				step(ys, cb)
				diff.Sub(x, ys)
				g.GCD(nil, nil, diff.Abs(diff), n)
				if g.Cmp(one) > 0 {
					break
				}
			}
		}
		if g.Cmp(n) != 0 {
			return new(big.Int).Set(g), nil
		}
	}
}
