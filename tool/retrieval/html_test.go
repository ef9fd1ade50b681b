package retrieval

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, title, text string
	}{
		{"plain", "just text", "", "just text"},
		{"paragraphs", "<p>one</p><p>two</p>", "", "one\n\ntwo"},
		{"inline tags join", "foo<b>bar</b> baz", "", "foobar baz"},
		{"title", "<html><head><title> The  Title </title></head><body>x</body></html>", "The Title", "x"},
		{"script and style dropped", "<script>var a = '<p>no</p>';</script><style>p{}</style>yes", "", "yes"},
		{"script close tag case", "<SCRIPT>bad()</Script >ok", "", "ok"},
		{"script prefix tag not a close", "<script>a</scriptx>b</script>c", "", "c"},
		{"unterminated script", "a<script>never closed", "", "a"},
		{"comment", "a<!-- <p>hidden</p> -->b", "", "ab"},
		{"unterminated comment", "a<!-- b", "", "a"},
		{"doctype", "<!DOCTYPE html>a", "", "a"},
		{"processing instruction", "<?xml version=\"1.0\"?>a", "", "a"},
		{"entities", "fish &amp; chips &lt;3 &eacute;t&#233; &nbsp;x", "", "fish & chips <3 été x"},
		{"lone less-than", "a < b and 3<4", "", "a < b and 3<4"},
		{"quoted gt in attribute", `<a title="x > y">link</a>`, "", "link"},
		{"unterminated tag", "text <a href=", "", "text"},
		{"br splits", "line1<br>line2", "", "line1\n\nline2"},
		{"list items", "<ul><li>a</li><li>b</li></ul>", "", "a\n\nb"},
		{"whitespace collapsed", "<p>  a \n\t b  </p>", "", "a b"},
		{"noscript dropped", "<noscript>enable js</noscript>ok", "", "ok"},
		{"svg dropped", "<svg><text>chart</text></svg>ok", "", "ok"},
		{"empty", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			title, text := htmlToText(tc.in)
			if title != tc.title || text != tc.text {
				t.Errorf("htmlToText(%q) = %q, %q; want %q, %q", tc.in, title, text, tc.title, tc.text)
			}
		})
	}
}

func FuzzHTMLToText(f *testing.F) {
	for _, s := range []string{
		"", "<p>a</p>", "<script>x</script>y", "<title>t</title>", "a<!--b", "<a href='>'>x</a>",
		"&amp;&lt;&#x41;", "<", "</", "<SCRIPT>a</SCRIPT", "\xff<p>\xfe</p>", "<ſcript>a</ſcript>b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		title, text := htmlToText(in)
		if strings.Contains(text, "\n\n\n") || text != strings.TrimSpace(text) {
			t.Errorf("text %q has stray blank lines or edge spaces", text)
		}
		if title != collapseSpace(title) {
			t.Errorf("title %q is not collapsed", title)
		}
		for p := range strings.SplitSeq(text, "\n\n") {
			if p != collapseSpace(p) {
				t.Errorf("paragraph %q is not collapsed", p)
			}
		}
		if utf8.ValidString(in) && !utf8.ValidString(text) {
			t.Errorf("valid input gave invalid UTF-8 %q", text)
		}
		// Without markup or entities the text is the input, collapsed.
		if !strings.ContainsAny(in, "<&") && text != collapseSpace(in) {
			t.Errorf("htmlToText(%q) = %q, want %q", in, text, collapseSpace(in))
		}
	})
}
