package retrieval

import (
	"html"
	"strings"
)

// skippedElements hold no readable text: their content is dropped whole.
var skippedElements = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true,
	"svg": true, "math": true, "iframe": true, "object": true,
}

// blockElements end a paragraph where they open or close, so text on either
// side does not run together.
var blockElements = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true,
	"body": true, "caption": true, "dd": true, "details": true, "dialog": true,
	"div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "form": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "header": true, "hr": true,
	"html": true, "li": true, "main": true, "nav": true, "ol": true, "p": true,
	"pre": true, "section": true, "summary": true, "table": true, "tbody": true,
	"td": true, "tfoot": true, "th": true, "thead": true, "tr": true, "ul": true,
	"br": true,
}

// htmlToText extracts the readable text of an HTML document: the content of
// <title>, and the body text as paragraphs separated by blank lines, with
// entities decoded and runs of white space collapsed. It is a lexer, not a
// full HTML parser: it never fails, and malformed markup degrades to text.
func htmlToText(src string) (title, text string) {
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := collapseSpace(cur.String()); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	for i := 0; i < len(src); {
		lt := strings.IndexByte(src[i:], '<')
		if lt < 0 {
			cur.WriteString(html.UnescapeString(src[i:]))
			break
		}
		cur.WriteString(html.UnescapeString(src[i : i+lt]))
		i += lt
		rest := src[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			i += skipPast(rest, 4, "-->")
			continue
		case strings.HasPrefix(rest, "<!") || strings.HasPrefix(rest, "<?"):
			i += skipPast(rest, 2, ">")
			continue
		}
		name, closing, ok := tagName(rest)
		if !ok {
			// A '<' that opens no tag, as in "a < b", is text.
			cur.WriteByte('<')
			i++
			continue
		}
		i += tagEnd(rest)
		if closing {
			if blockElements[name] {
				flush()
			}
			continue
		}
		switch {
		case name == "title":
			end := closeTag(src[i:], name)
			if title == "" {
				title = collapseSpace(html.UnescapeString(src[i : i+end]))
			}
			i += end
			i += tagEnd(src[i:])
		case skippedElements[name]:
			end := closeTag(src[i:], name)
			i += end
			i += tagEnd(src[i:])
		case blockElements[name]:
			flush()
		}
	}
	flush()
	return title, strings.Join(paras, "\n\n")
}

// tagName parses the element name after '<' (and an optional '/'). ok is
// false when no letter follows, so the '<' is not markup.
func tagName(s string) (name string, closing, ok bool) {
	j := 1
	if j < len(s) && s[j] == '/' {
		closing = true
		j++
	}
	start := j
	for j < len(s) && isNameByte(s[j], j == start) {
		j++
	}
	if j == start {
		return "", false, false
	}
	return strings.ToLower(s[start:j]), closing, true
}

func isNameByte(c byte, first bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		return true
	case first:
		return false
	case '0' <= c && c <= '9', c == '-', c == ':', c == '_':
		return true
	}
	return false
}

// tagEnd returns the length of the tag at the start of s, through its '>',
// skipping quoted attribute values; an unterminated tag runs to the end.
func tagEnd(s string) int {
	var quote byte
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j + 1
		}
	}
	return len(s)
}

// closeTag returns the offset in s of the closing tag of name, or len(s)
// when there is none: the raw content of a script or style element runs to
// its end tag whatever it contains.
func closeTag(s, name string) int {
	for off := 0; ; {
		k := strings.Index(s[off:], "</")
		if k < 0 {
			return len(s)
		}
		k += off
		end := k + 2 + len(name)
		if end <= len(s) && asciiEqualFold(s[k+2:end], name) && (end == len(s) || !isNameByte(s[end], false)) {
			return k
		}
		off = k + 2
	}
}

// asciiEqualFold compares ASCII case-insensitively; unlike strings.EqualFold
// it never matches a multi-byte rune against a letter.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// skipPast returns the length of s through the first sep at or after from,
// or len(s) when sep does not occur.
func skipPast(s string, from int, sep string) int {
	k := strings.Index(s[from:], sep)
	if k < 0 {
		return len(s)
	}
	return from + k + len(sep)
}

// collapseSpace trims s and replaces each run of white space with one space.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
