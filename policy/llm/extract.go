package llm

import "strings"

// extractAnswer reads the answer an answer model gave: the last
// <answer>…</answer>, else the last \boxed{…}, else the reply without its
// reasoning.
func extractAnswer(content string) string {
	_, body := splitThink(content)
	if i := strings.LastIndex(body, "<answer>"); i >= 0 {
		inner, _, _ := strings.Cut(body[i+len("<answer>"):], "</answer>")
		if t := strings.TrimSpace(inner); t != "" {
			return t
		}
	}
	if b, ok := lastBoxed(body); ok {
		return b
	}
	return strings.TrimSpace(body)
}

// lastBoxed returns the contents of the last \boxed{...}, braces balanced.
func lastBoxed(s string) (string, bool) {
	i := strings.LastIndex(s, `\boxed{`)
	if i < 0 {
		return "", false
	}
	rest := s[i+len(`\boxed{`):]
	depth := 1
	for j, r := range rest {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return strings.TrimSpace(rest[:j]), true
			}
		}
	}
	return "", false
}
