// Package mathsolve is Baton's exact arithmetic engine, registered as the
// tool kind "mathsolve" (default tool name "math", opened by default).
//
// An expression such as "2^200 mod 1000000007", "1/3 + 1/6" or
// "binomial(50, 25)" is lexed and parsed by hand-written code into a small
// syntax tree and evaluated over math/big:
//
//   - Numbers are exact rationals: integers of any size, decimals ("0.1" is
//     1/10) and scientific notation ("1.5e-3" is 3/2000).
//   - Operators, loosest first: comparisons (== != < <= > >=, yielding true
//     or false); + and -; *, /, % and mod; unary - and +; ^ and ** (right
//     associative, so 2^3^2 is 2^9 and -2^2 is -4); postfix ! (factorial).
//     "/" is exact rational division. "a % m" is the floored remainder
//     a - m*floor(a/m), as in Python: never negative for a positive m, and
//     defined for fractions too. Note that "%" and mod bind like "*", so
//     "a + b mod m" is "a + (b mod m)". A single "=" compares like "==".
//     0^0 is 1.
//   - "x^y mod m" (and any +, -, *, ^ of integers under a mod) is computed
//     by modular arithmetic, so "3^(10^50) mod 1000000007" is fast; so is
//     pow(x, y, m), which also accepts a negative y (modular inverse). A
//     negative exponent under a plain mod keeps its exact meaning: "2^-1 mod
//     5" is the fraction 1/2, not the inverse 3; use modinv or pow for that.
//   - Functions: abs, binomial (choose, comb), ceil, factor, factorial, fib,
//     floor, gcd, isprime, isqrt, lcm, max, min, mod, modinv, pow, root,
//     round, sqrt. See [Functions].
//   - Constants pi and e exist only as approximations (77 significant
//     digits); any result that depends on them, or on a square root of a
//     non-square, is marked approximate and printed with "≈".
//
// Every evaluation is bounded: the expression length, nesting depth, the
// size of every exact intermediate (100,000 decimal digits by default), the
// argument of factorial and fib, and the work of modular exponentiation and
// factorisation are limited by [Limits], and an evaluation honours its
// context. Exceeding a limit is an error wrapping [ErrLimit], never a hang.
//
// Errors wrap [ErrSyntax], [ErrMath] or [ErrLimit] and name the column of
// the offending token: `mathsolve: unexpected ")" at column 7`.
//
// The tool ([New], or tool.Open("mathsolve", cfg)) takes {"expression":
// "..."} and returns the result as Content ("1/3 (≈ 0.33333333333333333333)")
// and as Data ({"result": "1/3", "exact": true, "decimal": "0.333...",
// "kind": "rational"}). It is local, free, and tagged local, math, free.
package mathsolve
