package money

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseAndFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
		out  string
	}{
		{"1.25", 1_250_000_000, "1.25"},
		{"$0.000000001", 1, "0.000000001"},
		{"0", 0, "0"},
		{"-3", -3 * Dollar, "-3"},
		{"2e-6", 2 * Microdollar, "0.000002"},
		{"1_000", 1000 * Dollar, "1000"},
		{" 0.10 ", 100_000_000, "0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("Parse(%q) = %d, want %d", tc.in, got, tc.want)
			}
			if got.Decimal() != tc.out {
				t.Fatalf("Decimal() = %q, want %q", got.Decimal(), tc.out)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "abc", "0.0000000001", "1e30", "$", "1.2.3"} {
		if _, err := Parse(in); !errors.Is(err, ErrParse) {
			t.Errorf("Parse(%q) err = %v, want ErrParse", in, err)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	p := Price{PerCall: MustParse("0.005"), InputPerM: MustParse("1.25"), OutputPerM: MustParse("10")}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"per_call":0.005,"input_per_million":1.25,"output_per_million":10}` {
		t.Fatalf("marshal = %s", b)
	}
	var back Price
	if err := json.Unmarshal(b, &back); err != nil || back != p {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"per_call":"$0.01"}`), &back); err != nil || back.PerCall != Cent {
		t.Fatalf("string form: %+v %v", back, err)
	}
}

func TestCost(t *testing.T) {
	tests := []struct {
		name  string
		price Price
		usage Usage
		want  Amount
	}{
		// 1234 × $1.25/1M = $0.0015425 and 567 × $10/1M = $0.00567.
		{"gpt-5 tokens", Price{InputPerM: MustParse("1.25"), OutputPerM: MustParse("10")}, Usage{InputTokens: 1234, OutputTokens: 567}, MustParse("0.0072125")},
		// 1 token × $0.0375/1M = 37.5 nanodollars, rounded up to 38.
		{"rounds up", Price{InputPerM: MustParse("0.0375")}, Usage{InputTokens: 1}, 38},
		// $0.001/s for 1.5 s.
		{"per second", Price{PerSecond: MustParse("0.001")}, Usage{Duration: 1500 * time.Millisecond}, MustParse("0.0015")},
		{"per call only", Price{PerCall: MustParse("0.008")}, Usage{InputTokens: 99}, MustParse("0.008")},
		{"negative usage is zero", Price{InputPerM: Dollar}, Usage{InputTokens: -5}, 0},
		{"saturates", Price{OutputPerM: Amount(math.MaxInt64)}, Usage{OutputTokens: math.MaxInt64}, Amount(math.MaxInt64)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.price.Cost(tc.usage); got != tc.want {
				t.Fatalf("Cost = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCatalog(t *testing.T) {
	c := DefaultCatalog()
	want := map[string][2]string{
		"gpt-5": {"1.25", "10"}, "GPT-5-mini": {"0.25", "2"}, "claude-opus-4-1": {"15", "75"},
		"claude-sonnet-4-5": {"3", "15"}, "qwen3-32b": {"0.8", "0.8"}, "llama-3.3-70b-instruct": {"0.9", "0.9"},
		"qwen2.5-math-7b": {"0.2", "0.2"},
	}
	for m, io := range want {
		p, ok := c.Lookup(m)
		if !ok || p.InputPerM != MustParse(io[0]) || p.OutputPerM != MustParse(io[1]) {
			t.Errorf("%s = %+v (found %v), want %v", m, p, ok, io)
		}
	}
	c.Merge(map[string]Price{"GPT-5": {InputPerM: Dollar}})
	if p, _ := c.Lookup("gpt-5"); p.InputPerM != Dollar {
		t.Errorf("override not applied: %+v", p)
	}
	if _, err := ParseCatalog([]byte(`{"models":{"x":{"input_per_milion":1}}}`)); err == nil {
		t.Error("misspelt field accepted")
	}
	if _, err := ParseCatalog([]byte(`{"models":{"x":{"input_per_million":-1}}}`)); err == nil {
		t.Error("negative price accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.25", "$0.01", "-0.000000001", "1e-9", "9223372036.854775807", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		b, err := Parse(a.Decimal())
		if err != nil || b != a {
			t.Fatalf("Parse(%q) = %d, but Decimal %q parses to %d (%v)", s, a, a.Decimal(), b, err)
		}
	})
}

func FuzzParseCatalog(f *testing.F) {
	for _, s := range []string{
		`{"source":"s","as_of":"2025-01-01","models":{"GPT-5":{"input_per_million":"1.25","output_per_million":"10"}}}`,
		`{"models":{}}`,
		`{"models":{"a":{"output_per_milion":"1"}}}`,
		`{"models":{"a":{"input_per_million":"-1"}}}`,
		`{"models":null}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCatalog(b)
		if err != nil {
			return
		}
		for _, name := range c.Names() {
			p, ok := c.Lookup(strings.ToUpper(name))
			if !ok {
				t.Fatalf("model %q is listed but not found case-insensitively", name)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("model %q: accepted an invalid price: %v", name, err)
			}
		}
	})
}
