package retrieval

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestParseJSONLLine(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    record
		wantErr string
	}{
		{"text", `{"text": "hello"}`, record{Text: "hello"}, ""},
		{"content", `{"content": "hello", "title": "T"}`, record{Title: "T", Text: "hello"}, ""},
		{"body", `{"body": "hello", "id": "x1"}`, record{ID: "x1", Text: "hello"}, ""},
		{"numeric id", `{"text": "hello", "id": 12345678901234567890}`, record{ID: "12345678901234567890", Text: "hello"}, ""},
		{"text wins over content", `{"content": "c", "text": "t"}`, record{Text: "t"}, ""},
		{"blank text falls through", `{"text": "  ", "body": "b"}`, record{Text: "b"}, ""},
		{"non-string title ignored", `{"text": "t", "title": 3}`, record{Text: "t"}, ""},
		{"bool id ignored", `{"text": "t", "id": true}`, record{Text: "t"}, ""},
		{"surrounding space", "  {\"text\": \"t\"}\r", record{Text: "t"}, ""},
		{"no text", `{"title": "x"}`, record{}, "no non-empty string field"},
		{"text not a string", `{"text": 5}`, record{}, "no non-empty string field"},
		{"array", `["text"]`, record{}, "not a JSON object"},
		{"null", `null`, record{}, "not a JSON object"},
		{"garbage", `hello`, record{}, "not a JSON object"},
		{"truncated", `{"text": "a`, record{}, "not a JSON object"},
		{"two values", `{"text": "a"} {"text": "b"}`, record{}, "more than one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseJSONLLine([]byte(tc.line))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("parseJSONLLine = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestParseJSONL(t *testing.T) {
	data := "{\"text\":\"a\"}\n\nbad\n  \n{\"body\":\"b\"}\n{\"x\":1}"
	recs, bad := parseJSONL([]byte(data))
	if len(recs) != 2 || recs[0].Text != "a" || recs[1].Text != "b" {
		t.Errorf("records = %+v", recs)
	}
	var lines []int
	for _, b := range bad {
		lines = append(lines, b.Line)
	}
	if !slices.Equal(lines, []int{3, 6}) {
		t.Errorf("bad lines = %v, want [3 6]", lines)
	}
}

func FuzzParseJSONLLine(f *testing.F) {
	for _, s := range []string{
		`{"text":"a"}`, `{"content":"a","id":1}`, `{"body":"x","title":"t","id":"i"}`, `{}`, `[]`, `null`,
		`{"text":`, "\xff", `{"text":"a"}{}`, `{"id":1e999,"text":"x"}`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := parseJSONLLine(line)
		if err != nil {
			if r != (record{}) {
				t.Errorf("error %v with non-empty record %+v", err, r)
			}
			return
		}
		if strings.TrimSpace(r.Text) == "" {
			t.Errorf("accepted %q with empty text", line)
		}
		if !json.Valid(line) {
			t.Errorf("accepted invalid JSON %q", line)
		}
		// A line means the same inside a file.
		if !slices.Contains(line, '\n') {
			recs, bad := parseJSONL(append(slices.Clone(line), '\n'))
			if len(bad) != 0 || len(recs) != 1 || recs[0] != r {
				t.Errorf("parseJSONL disagrees with parseJSONLLine on %q: %+v %+v", line, recs, bad)
			}
		}
	})
}
