// Package baseline holds fixed-rule policies to measure learned ones
// against: cheapest, strongest, random (seeded) and fixed (a named tool or a
// cascade of them). Each calls one tool per turn, in its order, until a
// result is not an error, then answers with it.
package baseline
