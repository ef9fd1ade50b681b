package websearch

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// snippetLimit bounds each snippet in Content, in bytes; Data keeps the
// full text.
const snippetLimit = 500

// render formats results as the numbered list a policy reads.
func render(query string, r *Response) string {
	var b strings.Builder
	if len(r.Results) == 0 && r.Answer == "" {
		fmt.Fprintf(&b, "No web results for %q.", query)
		return b.String()
	}
	fmt.Fprintf(&b, "Web results for %q:\n", query)
	if a := clean(r.Answer, 2*snippetLimit); a != "" {
		fmt.Fprintf(&b, "Answer: %s\n", a)
	}
	for i, h := range r.Results {
		title := clean(h.Title, 200)
		if title == "" {
			title = "(untitled)"
		}
		fmt.Fprintf(&b, "\n%d. %s\n   %s\n", i+1, title, strings.TrimSpace(h.URL))
		if s := clean(h.Content, snippetLimit); s != "" {
			fmt.Fprintf(&b, "   %s\n", s)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// clean collapses whitespace and cuts s to at most limit bytes on a rune
// boundary, marking the cut with "…".
func clean(s string, limit int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}
