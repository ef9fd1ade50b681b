package learned

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestArgFields(t *testing.T) {
	cases := []struct {
		name   string
		schema string
		want   string
	}{
		{"required string", `{"type":"object","properties":{"expr":{"type":"string"}},"required":["expr"]}`, "expr"},
		{"prompt-like optional", `{"type":"object","properties":{"prompt":{"type":"string"},"n":{"type":"integer"}}}`, "prompt"},
		{"type list", `{"properties":{"query":{"type":["string","null"]}}}`, "query"},
		{"optional other string", `{"properties":{"lang":{"type":"string"}}}`, ""},
		{"required non-string", `{"properties":{"n":{"type":"integer"}},"required":["n"]}`, ""},
		{"several, sorted", `{"properties":{"q":{"type":"string"},"a":{"type":"string"}},"required":["a"]}`, "a,q"},
		{"empty", ``, ""},
		{"not json", `{`, ""},
		{"properties not an object", `{"properties":[1]}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := strings.Join(argFields(json.RawMessage(c.schema)), ","); got != c.want {
				t.Errorf("argFields = %q, want %q", got, c.want)
			}
		})
	}
}

func FuzzArgFields(f *testing.F) {
	f.Add(`{"type":"object","properties":{"prompt":{"type":"string"}},"required":["prompt"]}`)
	f.Add(`{"properties":{"q":{"type":["string"]}}}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, schema string) {
		for _, name := range argFields(json.RawMessage(schema)) {
			if name == "" && !strings.Contains(schema, `""`) {
				t.Fatalf("empty field name from %q", schema)
			}
		}
	})
}

func FuzzTextFeatures(f *testing.F) {
	f.Add("What is 17 * 23? A) 391 B) 401")
	f.Add("def f(x):\n    return x\n")
	f.Add("\xff\xfe日本語")
	f.Fuzz(func(t *testing.T, prompt string) {
		tf := newTextFeat(prompt, 256)
		norm := 0.0
		for i, v := range tf.x.val {
			if tf.x.idx[i] < 0 || tf.x.idx[i] >= 256 || (i > 0 && tf.x.idx[i] <= tf.x.idx[i-1]) {
				t.Fatalf("bad index layout %v", tf.x.idx)
			}
			norm += v * v
		}
		if norm > 1+1e-9 {
			t.Fatalf("norm² %v > 1", norm)
		}
	})
}
