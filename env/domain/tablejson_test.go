package domain_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton/env/domain"
)

type rec struct {
	N int `json:"n"`
}

func (r *rec) Clone() *rec { c := *r; return &c }

func TestTableOf(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       string
		wantKeys []string
		wantErr  string
	}{
		{name: "file order kept", in: `{"b":{"n":2},"a":{"n":1}}`, wantKeys: []string{"b", "a"}},
		{name: "empty", in: `{}`},
		{name: "null record", in: `{"a":{"n":1},"x":null}`, wantErr: `thing "x" is null`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o domain.OrderedMap[*rec]
			if err := json.Unmarshal([]byte(tc.in), &o); err != nil {
				t.Fatal(err)
			}
			tab, err := domain.TableOf(&o, "thing")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := tab.Keys(); !slices.Equal(got, tc.wantKeys) {
				t.Errorf("keys = %v, want %v", got, tc.wantKeys)
			}
			for _, k := range tc.wantKeys {
				if r, ok := tab.Get(k); !ok || r == nil {
					t.Errorf("Get(%q) = %v, %v", k, r, ok)
				}
			}
		})
	}
}
