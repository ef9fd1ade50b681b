// Package all imports Baton's standard tool kinds for their registration
// side effects, as Caddy's standard modules package does. The baton binary
// imports it; a program embedding Baton may import only the kinds it wants.
package all

import (
	_ "github.com/batonhq/baton/tool/llm"       // llm.openai, llm.anthropic
	_ "github.com/batonhq/baton/tool/mathsolve" // mathsolve
	_ "github.com/batonhq/baton/tool/mcp"       // mcp
	_ "github.com/batonhq/baton/tool/retrieval" // retrieval.bm25
	_ "github.com/batonhq/baton/tool/sandbox"   // sandbox.python, sandbox.starlark
	_ "github.com/batonhq/baton/tool/websearch" // websearch.*
)
