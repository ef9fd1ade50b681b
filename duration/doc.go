// Package duration holds [Duration], the one way Baton reads a time span
// from configuration ("90s" or a number of seconds). It is a leaf: it
// imports only the standard library, so tool backends decode their options
// with it without importing config.
package duration
