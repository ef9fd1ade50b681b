package mcp

import (
	"fmt"
	"strings"
)

// maxName is the longest tool name a tool.Set accepts.
const maxName = 64

// localName turns an MCP tool name into a Baton tool name: the prefix and
// a ".", then the MCP name with every character Baton does not allow in
// names replaced by '_', cut to maxName bytes.
func localName(prefix, remote string) (string, error) {
	var b strings.Builder
	if prefix != "" {
		b.WriteString(sanitize(prefix))
		b.WriteByte('.')
	}
	b.WriteString(sanitize(remote))
	n := b.String()
	if n == "" || n == "." {
		return "", fmt.Errorf("tool name %q is empty", remote)
	}
	if len(n) > maxName {
		n = n[:maxName]
	}
	return n, nil
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			return r
		}
		return '_'
	}, s)
}
