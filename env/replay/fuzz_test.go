package replay

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// The parsers read outside files; whatever the bytes, they return a row or
// an error and never panic, and an accepted row satisfies its invariants.

func FuzzParseScoreRecord(f *testing.F) {
	for _, s := range []string{
		`{"question": "q", "scores": {"a": 1.0, "b": 0}}`,
		`{"question": "q", "scores": {"a": "x"}}`,
		`{"question": "", "scores": {}}`,
		`{"question": "q", "scores": {"a": 1e400}}`,
		`[]`, `null`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		row, err := parseScoreRecord(b)
		if err != nil {
			return
		}
		if row.question == "" || len(row.scores) == 0 {
			t.Fatalf("accepted %q as %+v", b, row)
		}
		for _, s := range row.scores {
			if !(s.score >= 0 && s.score <= 1) {
				t.Fatalf("accepted score %g", s.score)
			}
		}
	})
}

func FuzzParseQueryLine(f *testing.F) {
	for _, s := range []string{
		`{"task_name": "gsm8k", "query": "q", "ground_truth": "1", "metric": "GSM8K", "choices": null, "task_id": null}`,
		`{"task_name": "gsm8k"}`, `{"query": 3}`, `{}`, `{"task_name":"a","query":"b"} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := parseQueryLine(b); err == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
	})
}

func FuzzParseArenaLine(f *testing.F) {
	f.Add([]byte(goodArena))
	f.Add([]byte(strings.Replace(goodArena, `0.000025`, `0.00023725000000000002`, 1)))
	f.Add([]byte(strings.Replace(goodArena, `"success": true`, `"success": false, "error": "rate limited"`, 1)))
	f.Add([]byte(strings.Replace(goodArena, `1.0`, `"1"`, 1)))
	f.Add([]byte(`{"evaluation_result": null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		row, err := parseArenaLine(b)
		if err != nil {
			return
		}
		if row.id == "" || row.model == "" || row.in < 0 || row.out < 0 || row.cost < 0 || !(row.score >= 0 && row.score <= 1) {
			t.Fatalf("accepted %q as %+v", b, row)
		}
	})
}

func FuzzParseRouteLLMRow(f *testing.F) {
	f.Add("prompt,m,gpt-4-1106-preview,m_response\n\"a\nb\",True,False,\"x, y\"\n")
	f.Add("prompt,m\nq,Maybe\n")
	f.Add("m,prompt\nTrue\n")
	f.Add("prompt,m_response\nq,r\n")
	f.Fuzz(func(t *testing.T, text string) {
		cr := csv.NewReader(strings.NewReader(text))
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		if err != nil || len(recs) < 2 {
			return
		}
		cols, err := parseRouteLLMHeader(recs[0])
		if err != nil {
			return
		}
		for _, rec := range recs[1:] {
			row, err := parseRouteLLMRow(cols, rec)
			if err != nil {
				continue
			}
			if len(row.scores) != len(cols.models) || len(row.answers) != len(cols.models) {
				t.Fatalf("row %+v does not match columns %+v", row, cols)
			}
		}
	})
}

func FuzzRecordedCost(f *testing.F) {
	for _, s := range []string{"0.00023725000000000002", "9.6e-05", "0", "-1", "1e308", "abc", "0.0000000004"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, err := recordedCost("c", json.Number(s)); err == nil && a < 0 {
			t.Fatalf("accepted negative cost %s from %q", a, s)
		}
	})
}
