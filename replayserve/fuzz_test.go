package replayserve

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func utf8Valid(s string) bool { return utf8.ValidString(s) }

// FuzzParseRequest: the parser never panics; an accepted request has a
// model and a non-empty trimmed question.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","messages":[{"role":"user","content":"q"}]}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],"stream":true,"stream_options":{"include_usage":true}}`,
		`{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":null}]}`,
		`{"model":"","messages":[]}`, `[]`, `null`, `{"model":1}`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := ParseRequest(body)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if strings.TrimSpace(req.Model) == "" || req.Question == "" || req.Question != strings.TrimSpace(req.Question) {
			t.Fatalf("accepted %q as %+v", body, req)
		}
	})
}
