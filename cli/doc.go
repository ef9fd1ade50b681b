// Package cli implements the baton command's subcommands. cmd/baton calls
// [Main]; tests call [Run] in-process with their own [Env]. Nothing imports
// cli.
package cli
