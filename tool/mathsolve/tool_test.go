package mathsolve

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/tool"
)

func newSet(t *testing.T, opts Options) *tool.Set {
	t.Helper()
	m, err := New("", opts)
	if err != nil {
		t.Fatal(err)
	}
	set, err := tool.NewSet(m)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestToolCall(t *testing.T) {
	set := newSet(t, Options{})
	tests := []struct {
		name, args  string
		wantError   bool
		wantContent string
		wantData    *Answer
	}{
		{name: "fraction", args: `{"expression": "1/3 + 1/6"}`, wantContent: "1/2 (= 0.5)",
			wantData: &Answer{Result: "1/2", Exact: true, Decimal: "0.5", Kind: "rational"}},
		{name: "modpow", args: `{"expression": "2^200 mod 1000000007"}`, wantContent: "499445072",
			wantData: &Answer{Result: "499445072", Exact: true, Decimal: "499445072", Kind: "integer"}},
		{name: "approximate", args: `{"expression": "sqrt(2)"}`, wantContent: "≈ 1.41421356237309504880168872421 (approximate)",
			wantData: &Answer{Result: "1.41421356237309504880168872421", Exact: false, Decimal: "1.41421356237309504880168872421", Kind: "approximate"}},
		{name: "math error is a result", args: `{"expression": "1/0"}`, wantError: true, wantContent: "mathsolve: division by zero at column 2"},
		{name: "syntax error is a result", args: `{"expression": "2 * 3 )"}`, wantError: true, wantContent: `mathsolve: unexpected ")" at column 7`},
		{name: "wrong type names the field", args: `{"expression": 5}`, wantError: true, wantContent: "/expression"},
		{name: "missing field", args: `{}`, wantError: true, wantContent: "expression"},
		{name: "not json", args: `{"expression":`, wantError: true, wantContent: "invalid arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := set.Call(context.Background(), "math", json.RawMessage(tc.args))
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			if res.IsError != tc.wantError {
				t.Fatalf("IsError = %v, want %v (content %q)", res.IsError, tc.wantError, res.Content)
			}
			if tc.wantError && !strings.Contains(res.Content, tc.wantContent) || !tc.wantError && res.Content != tc.wantContent {
				t.Fatalf("Content = %q, want %q", res.Content, tc.wantContent)
			}
			if res.Cost != 0 {
				t.Errorf("Cost = %v, want 0 (the tool is free)", res.Cost)
			}
			if tc.wantData != nil {
				var got Answer
				if err := json.Unmarshal(res.Data, &got); err != nil {
					t.Fatalf("Data %s: %v", res.Data, err)
				}
				if got.Result != tc.wantData.Result || got.Exact != tc.wantData.Exact || got.Decimal != tc.wantData.Decimal || got.Kind != tc.wantData.Kind {
					t.Fatalf("Data = %s, want %+v", res.Data, *tc.wantData)
				}
			}
		})
	}
}

func TestToolCancelledContextIsAnError(t *testing.T) {
	m, err := New("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Call(ctx, json.RawMessage(`{"expression": "1+1"}`)); err == nil {
		t.Fatal("Call with a cancelled context returned no error")
	}
}

func TestSpec(t *testing.T) {
	m, err := New("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Spec()
	if s.Name != "math" {
		t.Errorf("Name = %q, want math", s.Name)
	}
	for _, tag := range []string{tool.TagLocal, tool.TagMath, tool.TagFree} {
		if !s.HasTag(tag) {
			t.Errorf("missing tag %q in %v", tag, s.Tags)
		}
	}
	if !s.Price.IsZero() {
		t.Errorf("Price = %+v, want zero", s.Price)
	}
	if !strings.Contains(string(s.Parameters), `"expression"`) || !strings.Contains(string(s.Parameters), `"required"`) {
		t.Errorf("Parameters = %s, want a required expression", s.Parameters)
	}
	if !strings.Contains(s.Description, "gcd") {
		t.Errorf("Description does not list the functions: %s", s.Description)
	}
}

func TestRegisteredKind(t *testing.T) {
	k, err := tool.LookupKind(KindID)
	if err != nil {
		t.Fatal(err)
	}
	if !k.Default {
		t.Error("kind mathsolve is not Default")
	}
	tests := []struct {
		name, options, toolName string
		wantErr                 string
	}{
		{name: "defaults", toolName: "math"},
		{name: "renamed with limits", options: `{"max_digits": 50}`, toolName: "calc"},
		{name: "unknown option", options: `{"max_digitz": 50}`, wantErr: "max_digitz"},
		{name: "negative limit", options: `{"max_digits": -1}`, wantErr: "must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.toolName
			if name == "math" {
				name = ""
			}
			ts, err := tool.Open(context.Background(), KindID, tool.Config{Name: name, Options: json.RawMessage(tc.options)})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Open: %v, want an error mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != 1 || ts[0].Spec().Name != tc.toolName {
				t.Fatalf("Open gave %d tools, first named %q", len(ts), ts[0].Spec().Name)
			}
		})
	}
	// The configured limit is in force.
	ts, _ := tool.Open(context.Background(), KindID, tool.Config{Options: json.RawMessage(`{"max_digits": 50}`)})
	res, err := ts[0].Call(context.Background(), json.RawMessage(`{"expression": "10^60"}`))
	if err != nil || !res.IsError || !strings.Contains(res.Content, "limit is 50") {
		t.Fatalf("10^60 with max_digits 50: %+v, %v", res, err)
	}
}
