package qa

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzParseJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"q1","question":"What?","answer":"4"}`))
	f.Add([]byte("{\"question\":\"a\",\"answer\":\"x\\n#### 5\"}\n\n{\"question\":1,\"answer\":true}"))
	f.Add([]byte(`[1]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := ParseJSONL(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, it := range items {
			if strings.TrimSpace(it.Question) == "" || strings.TrimSpace(it.Answer) == "" || it.ID == "" {
				t.Fatalf("accepted an incomplete item %+v", it)
			}
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("id,Prompt,Answer\n0,\"a, b\",c\n"))
	f.Add([]byte("question,answer\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := ParseCSV(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, it := range items {
			if strings.TrimSpace(it.Question) == "" || strings.TrimSpace(it.Answer) == "" {
				t.Fatalf("accepted an incomplete item %+v", it)
			}
		}
	})
}

func FuzzPrecheck(f *testing.F) {
	f.Add("1,000", "1000")
	f.Add("<correct>True</correct>", "1e5")
	f.Fuzz(func(t *testing.T, pred, ref string) {
		v, _ := Precheck(pred, ref)
		if v == Right && strings.TrimSpace(pred) == "" {
			t.Fatal("empty prediction judged right")
		}
		ParseVerdict(pred)
	})
}
