// Command baton is Baton's single binary: run, serve, train, bench and
// manage a learned tool-and-model orchestrator. See README.md.
package main

import (
	"github.com/batonhq/baton/cli"

	_ "github.com/batonhq/baton/policy/baseline"
	_ "github.com/batonhq/baton/tool/all"
)

func main() { cli.Main() }
