package mcp

import (
	"fmt"
	"strings"
)

// expand replaces each ${NAME} in s with getenv(NAME). Only the braced form
// is expanded, so a value with a bare '$' (a password, a regexp) passes
// through unchanged; "$${" escapes a literal "${". A reference to an unset
// or empty variable is an error that names it, since a server started
// without its credentials fails in ways far harder to read.
func expand(s string, getenv func(string) string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return "", fmt.Errorf("unterminated ${ in %q: write ${NAME}", s)
		}
		name := s[i+2 : i+2+end]
		if !validEnvName(name) {
			return "", fmt.Errorf("${%s}: %q is not an environment variable name (letters, digits and '_', not starting with a digit)", name, name)
		}
		v := getenv(name)
		if v == "" {
			return "", fmt.Errorf("${%s}: environment variable %s is not set", name, name)
		}
		b.WriteString(v)
		s = s[i+2+end+1:]
	}
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
