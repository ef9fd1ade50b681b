package tool_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

type addArgs struct {
	A int `json:"a" jsonschema:"first addend"`
	B int `json:"b" jsonschema:"second addend"`
}

func adder() tool.Tool {
	return tool.MustFunc(tool.Spec{Name: "add", Description: "adds", Price: money.Price{PerCall: money.MustParse("0.001")}},
		func(_ context.Context, a addArgs) (int, error) {
			if a.A < 0 {
				return 0, errors.New("negative addend")
			}
			return a.A + a.B, nil
		})
}

func TestFuncDerivesSchema(t *testing.T) {
	var sch map[string]any
	if err := json.Unmarshal(adder().Spec().Parameters, &sch); err != nil {
		t.Fatal(err)
	}
	props := sch["properties"].(map[string]any)
	if props["a"].(map[string]any)["type"] != "integer" || props["a"].(map[string]any)["description"] != "first addend" {
		t.Fatalf("schema = %v", sch)
	}
	req, _ := sch["required"].([]any)
	if len(req) != 2 {
		t.Fatalf("required = %v", req)
	}
}

func TestSetCall(t *testing.T) {
	panicky := tool.MustFunc(tool.Spec{Name: "boom"}, func(context.Context, struct{}) (string, error) { panic("kaboom") })
	slow := tool.MustFunc(tool.Spec{Name: "slow", Timeout: 20 * time.Millisecond}, func(ctx context.Context, _ struct{}) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	})
	// A paid tool cut off by its timeout is charged its worst case: it may
	// have been billed for work whose usage never came back.
	slowPaid := tool.MustFunc(tool.Spec{Name: "slowpaid", Timeout: 20 * time.Millisecond, MaxOutputTokens: 100,
		Price: money.Price{PerCall: money.MustParse("0.001"), InputPerM: money.MustParse("1"), OutputPerM: money.MustParse("2")}},
		func(ctx context.Context, _ struct{}) (string, error) {
			<-ctx.Done()
			return "", ctx.Err()
		})
	slowWorst, err := tool.WorstCase(slowPaid, json.RawMessage(`{}`))
	if err != nil || slowWorst <= money.MustParse("0.001") {
		t.Fatalf("worst case of the slow paid tool: %s %v", slowWorst, err)
	}
	set, err := tool.NewSet(adder(), panicky, slow, slowPaid)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, tool, args string
		wantErr          bool
		want             string
		wantCost         money.Amount
	}{
		{"ok", "add", `{"a":2,"b":3}`, false, "5", money.MustParse("0.001")},
		{"wrong type names the field", "add", `{"a":"2","b":3}`, true, "/a", money.MustParse("0.0")},
		{"missing field", "add", `{"a":2}`, true, "missing property 'b'", 0},
		{"not json", "add", `{a:2`, true, "not valid JSON", 0},
		{"tool error is a result", "add", `{"a":-1,"b":0}`, true, "negative addend", money.MustParse("0.001")},
		{"unknown tool lists names", "nope", `{}`, true, "available tools: add, boom, slow, slowpaid", 0},
		{"panic is contained", "boom", `{}`, true, "panic: kaboom", 0},
		{"timeout", "slow", `{}`, true, "timed out", 0},
		{"timeout of a paid tool charges its worst case", "slowpaid", `{}`, true, "timed out", slowWorst},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := set.Call(context.Background(), tc.tool, json.RawMessage(tc.args))
			if err != nil {
				t.Fatal(err)
			}
			if res.IsError != tc.wantErr || !strings.Contains(res.Content, tc.want) {
				t.Fatalf("got %+v, want error=%v containing %q", res, tc.wantErr, tc.want)
			}
			if res.Cost != tc.wantCost {
				t.Fatalf("cost %s, want %s", res.Cost, tc.wantCost)
			}
		})
	}
}

func TestSetCancelledContextIsAnError(t *testing.T) {
	set, _ := tool.NewSet(tool.MustFunc(tool.Spec{Name: "wait"}, func(ctx context.Context, _ struct{}) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := set.Call(ctx, "wait", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestNewSetRejects(t *testing.T) {
	bad := tool.MustFunc(tool.Spec{Name: "has space"}, func(context.Context, struct{}) (string, error) { return "", nil })
	if _, err := tool.NewSet(bad); err == nil || !strings.Contains(err.Error(), "invalid name") {
		t.Errorf("bad name: %v", err)
	}
	if _, err := tool.NewSet(adder(), adder()); err == nil || !strings.Contains(err.Error(), "two tools are named") {
		t.Errorf("duplicate: %v", err)
	}
	badSchema := tool.MustFunc(tool.Spec{Name: "x", Parameters: json.RawMessage(`{"type": 5}`)}, func(context.Context, struct{}) (string, error) { return "", nil })
	if _, err := tool.NewSet(badSchema); err == nil {
		t.Error("bad schema accepted")
	}
}

func TestRegistry(t *testing.T) {
	open := func(context.Context, tool.Config) ([]tool.Tool, error) { return []tool.Tool{adder()}, nil }
	tool.Register(tool.Kind{ID: "test.adder", Open: open})
	for _, bad := range []tool.Kind{{ID: "test.adder", Open: open}, {ID: "", Open: open}, {ID: "Bad Id", Open: open}, {ID: "test.nil"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", bad.ID)
				}
			}()
			tool.Register(bad)
		}()
	}
	ts, err := tool.Open(context.Background(), "test.adder", tool.Config{})
	if err != nil || len(ts) != 1 {
		t.Fatalf("Open = %v, %v", ts, err)
	}
	_, err = tool.Open(context.Background(), "test.missing", tool.Config{})
	if !errors.Is(err, tool.ErrUnknownTool) || !strings.Contains(err.Error(), "forgotten import") || !strings.Contains(err.Error(), "test.adder") {
		t.Fatalf("unknown kind error = %v", err)
	}
	kinds := tool.Kinds()
	for i := 1; i < len(kinds); i++ {
		if kinds[i-1].ID > kinds[i].ID {
			t.Fatal("Kinds not sorted")
		}
	}
}

func TestConfigDecodeStrict(t *testing.T) {
	var o struct {
		Dir string `json:"dir"`
	}
	err := tool.Config{Name: "docs", Options: json.RawMessage(`{"dri": "x"}`)}.Decode(&o)
	if err == nil || !strings.Contains(err.Error(), `"dri"`) {
		t.Fatalf("err = %v, want it to name the unknown field", err)
	}
}

func TestWorstCase(t *testing.T) {
	spec := tool.Spec{Name: "m", Price: money.Price{PerCall: 7, InputPerM: money.Dollar, OutputPerM: 2 * money.Dollar}, MaxOutputTokens: 100}
	tl := tool.MustFunc(spec, func(context.Context, struct{}) (string, error) { return "", nil })
	got, err := tool.WorstCase(tl, json.RawMessage(`{"prompt":"hello"}`))
	if err != nil {
		t.Fatal(err)
	}
	// 7 + 18 bytes × $1/1M (18,000 n$) + 100 × $2/1M (200,000 n$).
	if want := money.Amount(7 + 18_000 + 200_000); got != want {
		t.Fatalf("WorstCase = %d, want %d", got, want)
	}
}

func FuzzValidate(f *testing.F) {
	sch, err := tool.CompileSchema(adder().Spec().Parameters)
	if err != nil {
		f.Fatal(err)
	}
	set, _ := tool.NewSet(adder())
	for _, s := range []string{`{"a":1,"b":2}`, `{"a":"x"}`, `[]`, `null`, `{`, `{"a":1e400,"b":0}`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := sch.Validate(json.RawMessage(s))
		if err != nil && !errors.Is(err, tool.ErrInvalidArgs) {
			t.Fatalf("error %v does not wrap ErrInvalidArgs", err)
		}
		// Whatever validation says, a call through a Set must come back as
		// a Result, never a panic or a Go error.
		res, cerr := set.Call(context.Background(), "add", json.RawMessage(s))
		if cerr != nil || res == nil {
			t.Fatalf("Call(%q) = %v, %v", s, res, cerr)
		}
		if err != nil && !res.IsError {
			t.Fatalf("invalid args %q were executed: %+v", s, res)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	sch, _ := tool.CompileSchema(json.RawMessage(`{"type":"object","properties":{"query":{"type":"string","minLength":1},"k":{"type":"integer","minimum":1,"maximum":50},"filters":{"type":"array","items":{"type":"string"}}},"required":["query"],"additionalProperties":false}`))
	args := json.RawMessage(`{"query":"what is the refund policy for damaged items","k":5,"filters":["policy","retail"]}`)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := sch.Validate(args); err != nil {
			b.Fatal(err)
		}
	}
}
