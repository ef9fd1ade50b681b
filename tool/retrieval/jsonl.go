package retrieval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// record is one object of a .jsonl file.
type record struct {
	ID    string
	Title string
	Text  string
}

// textFields are tried in order for a record's text.
var textFields = []string{"text", "content", "body"}

// errBlankLine marks a line with nothing on it, which is skipped silently.
var errBlankLine = errors.New("retrieval: blank line")

// parseJSONLLine parses one line of a .jsonl file: a JSON object with a
// non-empty string in text, content or body, and optionally a string title
// and a string or number id.
func parseJSONLLine(line []byte) (record, error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return record{}, errBlankLine
	}
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return record{}, fmt.Errorf("not a JSON object: %w", err)
	}
	if dec.More() {
		return record{}, errors.New("more than one JSON value on the line")
	}
	if obj == nil {
		return record{}, errors.New("not a JSON object: null")
	}
	var r record
	for _, f := range textFields {
		if s, ok := stringField(obj, f); ok && strings.TrimSpace(s) != "" {
			r.Text = s
			break
		}
	}
	if r.Text == "" {
		return record{}, fmt.Errorf("no non-empty string field %s", strings.Join(textFields, ", "))
	}
	r.Title, _ = stringField(obj, "title")
	if raw, ok := obj["id"]; ok {
		var n json.Number
		if s, ok := stringField(obj, "id"); ok {
			r.ID = s
		} else if err := json.Unmarshal(raw, &n); err == nil {
			r.ID = n.String()
		}
	}
	return r, nil
}

func stringField(obj map[string]json.RawMessage, name string) (string, bool) {
	raw, ok := obj[name]
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// lineError is a .jsonl line that was skipped.
type lineError struct {
	Line int
	Err  error
}

// parseJSONL parses every line of a .jsonl file. Malformed lines are
// returned as lineErrors rather than failing the file; blank lines are
// skipped without one.
func parseJSONL(data []byte) ([]record, []lineError) {
	var recs []record
	var bad []lineError
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		r, err := parseJSONLLine(line)
		switch {
		case errors.Is(err, errBlankLine):
		case err != nil:
			bad = append(bad, lineError{Line: n, Err: err})
		default:
			recs = append(recs, r)
		}
	}
	return recs, bad
}
