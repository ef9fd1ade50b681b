package domain_test

import (
	"math"
	"testing"

	"github.com/batonhq/baton/env/domain"
)

func TestPyFloat(t *testing.T) {
	for _, c := range []struct {
		name string
		in   float64
		want string
	}{
		{"integral", 100, "100.0"},
		{"cents", 236.51, "236.51"},
		{"float noise", 121.20000000000005, "121.20000000000005"},
		{"negative zero", math.Copysign(0, -1), "-0.0"},
		{"small", 0.0001, "0.0001"},
		{"smaller", 0.00001, "1e-05"},
		{"big", 1e16, "1e+16"},
		{"below big", 1e15, "1000000000000000.0"},
		{"inf", math.Inf(1), "Infinity"},
		{"nan", math.NaN(), "NaN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := domain.PyFloat(c.in); got != c.want {
				t.Errorf("PyFloat(%v) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestPyRound(t *testing.T) {
	for _, c := range []struct {
		in, want float64
	}{{2.675, 2.67}, {0.125, 0.12}, {0.375, 0.38}, {1.005, 1.0}, {-20.554999, -20.55}} {
		if got := domain.PyRound(c.in, 2); got != c.want {
			t.Errorf("PyRound(%v, 2) = %v, want %v", c.in, got, c.want)
		}
	}
}

type model struct {
	Zeta  string                 `json:"zeta"`
	Alpha *float64               `json:"alpha"`
	List  []int                  `json:"list"`
	Opt   *[]string              `json:"opt"`
	Dict  domain.OrderedMap[int] `json:"dict"`
}

func TestPyJSON(t *testing.T) {
	var m model
	m.Zeta = "café \"q\"\n\U0001F600"
	m.Dict.Set("b", 1)
	m.Dict.Set("a", 2)
	if got, want := domain.PyJSON(m), `{"zeta": "caf\u00e9 \"q\"\n\ud83d\ude00", "alpha": null, "list": [], "opt": null, "dict": {"b": 1, "a": 2}}`; got != want {
		t.Errorf("PyJSON:\n got %s\nwant %s", got, want)
	}
	if got, want := string(domain.PyJSONSorted(m)), `{"alpha": null, "dict": {"a": 2, "b": 1}, "list": [], "opt": null, "zeta": "caf\u00e9 \"q\"\n\ud83d\ude00"}`; got != want {
		t.Errorf("PyJSONSorted:\n got %s\nwant %s", got, want)
	}
}

func TestOrderedMapDeleteKeepsOrder(t *testing.T) {
	var m domain.OrderedMap[string]
	for _, k := range []string{"x", "y", "z"} {
		m.Set(k, k)
	}
	c := m.Clone(nil)
	m.Delete("y")
	if got := domain.PyJSON(m); got != `{"x": "x", "z": "z"}` {
		t.Errorf("after delete: %s", got)
	}
	if got := domain.PyJSON(c); got != `{"x": "x", "y": "y", "z": "z"}` {
		t.Errorf("clone changed by delete on original: %s", got)
	}
}
