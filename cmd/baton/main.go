// Command baton is Baton's single binary: run, serve, train, bench and
// manage a learned tool-and-model orchestrator. See README.md.
package main

import (
	"github.com/batonhq/baton/cli"

	_ "github.com/batonhq/baton/policy/baseline" // cheapest, strongest, random, fixed
	_ "github.com/batonhq/baton/policy/learned"  // learned (embedded GRPO policy)
	_ "github.com/batonhq/baton/policy/llm"      // llm, orchestrator8b
	_ "github.com/batonhq/baton/tool/all"        // the standard tool kinds
)

func main() { cli.Main() }
