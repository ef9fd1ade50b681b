// Command testserver is an MCP server over stdio for the tests of
// tool/mcp. It serves the tools of package testtools.
//
// Flags make it misbehave on purpose: -exit makes it write a message to
// stderr and exit with the given status before speaking MCP.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/batonhq/baton/tool/mcp/internal/testserver/testtools"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	exit := flag.Int("exit", -1, "write to stderr and exit with this status at start")
	pageSize := flag.Int("page-size", 0, "tools/list page size (0: the SDK default)")
	flag.Parse()
	if *exit >= 0 {
		fmt.Fprintln(os.Stderr, "testserver: cannot open database /nonexistent/db.sqlite")
		os.Exit(*exit)
	}
	s, _ := testtools.New(testtools.Options{PageSize: *pageSize, Process: true})
	if err := s.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		fmt.Fprintln(os.Stderr, "testserver:", err)
		os.Exit(1)
	}
}
