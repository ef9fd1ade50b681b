package mcp

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/tool"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// toResult maps an MCP tool result onto a Baton result: text blocks
// joined by newlines (other blocks summarised in brackets, since a policy
// reads text), structuredContent as Data, isError as IsError.
func toResult(name string, res *mcp.CallToolResult) *tool.Result {
	if res == nil {
		return tool.Errorf("%s: the MCP server returned no result", name)
	}
	if res.NeedsInput() {
		return tool.Errorf("%s: the MCP server asked for further input, which Baton cannot provide", name)
	}
	parts := make([]string, 0, len(res.Content))
	for _, c := range res.Content {
		if s := contentText(c); s != "" {
			parts = append(parts, s)
		}
	}
	out := &tool.Result{Content: strings.Join(parts, "\n"), IsError: res.IsError}
	if res.StructuredContent != nil {
		b, err := json.Marshal(res.StructuredContent)
		if err != nil {
			return tool.Errorf("%s: the MCP server's structured content does not encode as JSON: %v", name, err)
		}
		out.Data = b
		if out.Content == "" {
			out.Content = string(b)
		}
	}
	return out
}

func contentText(c mcp.Content) string {
	switch c := c.(type) {
	case *mcp.TextContent:
		return c.Text
	case *mcp.ImageContent:
		return fmt.Sprintf("[image %s, %d bytes]", c.MIMEType, len(c.Data))
	case *mcp.AudioContent:
		return fmt.Sprintf("[audio %s, %d bytes]", c.MIMEType, len(c.Data))
	case *mcp.ResourceLink:
		return fmt.Sprintf("[resource link %s]", c.URI)
	case *mcp.EmbeddedResource:
		if c.Resource == nil {
			return ""
		}
		if c.Resource.Text != "" {
			return c.Resource.Text
		}
		return fmt.Sprintf("[resource %s %s, %d bytes]", c.Resource.URI, c.Resource.MIMEType, len(c.Resource.Blob))
	case nil:
		return ""
	}
	return fmt.Sprintf("[%T content]", c)
}
