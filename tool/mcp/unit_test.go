package mcp

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/tool"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestExpand(t *testing.T) {
	env := getenv(map[string]string{"A": "alpha", "B_2": "beta", "EMPTY": ""})
	cases := []struct {
		name, in, want, wantErr string
	}{
		{name: "plain", in: "plain", want: "plain"},
		{name: "one", in: "${A}", want: "alpha"},
		{name: "embedded", in: "x-${A}-${B_2}-y", want: "x-alpha-beta-y"},
		{name: "bare dollar kept", in: "p$ss$A", want: "p$ss$A"},
		{name: "escaped", in: "$${A}", want: "${A}"},
		{name: "empty", in: "", want: ""},
		{name: "unset", in: "${NOPE}", wantErr: "NOPE is not set"},
		{name: "set but empty", in: "${EMPTY}", wantErr: "EMPTY is not set"},
		{name: "unterminated", in: "a${A", wantErr: "unterminated"},
		{name: "bad name", in: "${A-B}", wantErr: "not an environment variable name"},
		{name: "empty name", in: "${}", wantErr: "not an environment variable name"},
		{name: "digit first", in: "${1A}", wantErr: "not an environment variable name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := expand(tc.in, env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("expand(%q) = %q, %v; want error containing %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("expand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{"", "${A}", "$${A}", "a${", "${}", "x${A}y${B}", "$$$", "${A}${A"} {
		f.Add(s)
	}
	env := getenv(map[string]string{"A": "1", "B": "${A}"})
	f.Fuzz(func(t *testing.T, s string) {
		got, err := expand(s, env)
		if err != nil {
			return
		}
		// Without any "${" there is nothing to expand.
		if !strings.Contains(s, "${") && got != s {
			t.Errorf("expand(%q) = %q; want it unchanged", s, got)
		}
	})
}

func TestDuration(t *testing.T) {
	cases := []struct {
		name, in string
		want     time.Duration
		wantErr  bool
	}{
		{name: "string", in: `"30s"`, want: 30 * time.Second},
		{name: "compound", in: `"1m30s"`, want: 90 * time.Second},
		{name: "seconds", in: `5`, want: 5 * time.Second},
		{name: "fraction", in: `0.25`, want: 250 * time.Millisecond},
		{name: "bad string", in: `"soon"`, wantErr: true},
		{name: "no unit", in: `"30"`, wantErr: true},
		{name: "bool", in: `true`, wantErr: true},
		{name: "huge", in: `1e300`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var d duration.Duration
			err := json.Unmarshal([]byte(tc.in), &d)
			if (err != nil) != tc.wantErr || err == nil && time.Duration(d) != tc.want {
				t.Fatalf("unmarshal %s = %s, %v; want %s (error %v)", tc.in, time.Duration(d), err, tc.want, tc.wantErr)
			}
		})
	}
}

// FuzzOptions feeds arbitrary option documents to the kind's decoder, which
// reads user-written configuration: it must reject or accept, never panic,
// and what it accepts must be a valid Options.
func FuzzOptions(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `{"command":["srv","-x"],"env":{"K":"${V}"}}`, `{"url":"https://x/mcp","headers_env":{"Authorization":"Bearer ${V}"}}`,
		`{"command":["a"],"timeout":1e400}`, `{"command":["a"],"timeout":"-5m","price_per_call":"0.5"}`, `{"url":"http://x","dir":"d"}`,
		`{"command":["a"],"prefix":""}`, `[`, `{"command":"a"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := optionsFromConfig(tool.Config{Name: "f", Options: json.RawMessage(s), Getenv: getenv(map[string]string{"V": "v"})})
		if err != nil {
			return
		}
		if err := o.validate(); err != nil {
			t.Errorf("accepted options do not validate: %v", err)
		}
	})
}

func TestToResult(t *testing.T) {
	cases := []struct {
		name  string
		in    *mcp.CallToolResult
		want  tool.Result
		which string
	}{
		{name: "nil", in: nil, want: tool.Result{Content: "t: the MCP server returned no result", IsError: true}},
		{name: "texts joined", in: &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "a"}, &mcp.TextContent{Text: ""}, &mcp.TextContent{Text: "b"}}}, want: tool.Result{Content: "a\nb"}},
		{name: "structured only", in: &mcp.CallToolResult{StructuredContent: map[string]any{"n": 1}}, want: tool.Result{Content: `{"n":1}`, Data: json.RawMessage(`{"n":1}`)}},
		{name: "structured array", in: &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "two"}}, StructuredContent: []int{1, 2}}, want: tool.Result{Content: "two", Data: json.RawMessage(`[1,2]`)}},
		{name: "error", in: &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "bad"}}}, want: tool.Result{Content: "bad", IsError: true}},
		{name: "links and blobs", in: &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.ResourceLink{URI: "file:///a"},
			&mcp.EmbeddedResource{Resource: &mcp.ResourceContents{URI: "file:///b", MIMEType: "application/pdf", Blob: []byte("123")}},
			&mcp.AudioContent{MIMEType: "audio/wav", Data: []byte("12")},
		}}, want: tool.Result{Content: "[resource link file:///a]\n[resource file:///b application/pdf, 3 bytes]\n[audio audio/wav, 2 bytes]"}},
		{name: "unencodable structure", in: &mcp.CallToolResult{StructuredContent: func() {}}, want: tool.Result{IsError: true}, which: "prefix"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := toResult("t", tc.in)
			if tc.which == "prefix" {
				if !got.IsError || !strings.HasPrefix(got.Content, "t: ") {
					t.Errorf("got %+v, want an error result", got)
				}
				return
			}
			if got.Content != tc.want.Content || got.IsError != tc.want.IsError || string(got.Data) != string(tc.want.Data) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLocalName(t *testing.T) {
	long := strings.Repeat("x", 80)
	cases := []struct{ name, prefix, remote, want string }{
		{"plain", "", "search", "search"},
		{"prefixed", "gh", "search", "gh.search"},
		{"invalid chars", "my server", "get/issue:v2", "my_server.get_issue_v2"},
		{"unicode", "", "résumé", "r_sum_"},
		{"truncated", "p", long, ("p." + long)[:64]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := localName(tc.prefix, tc.remote)
			if err != nil || got != tc.want {
				t.Errorf("localName(%q, %q) = %q, %v; want %q", tc.prefix, tc.remote, got, err, tc.want)
			}
		})
	}
	if _, err := localName("", ""); err == nil {
		t.Error("an empty name was accepted")
	}
}

func TestMakeToolsNames(t *testing.T) {
	c := &Client{opts: Options{Name: "s", URL: "http://x"}}
	cases := []struct {
		name    string
		tools   []*mcp.Tool
		want    []string
		wantErr string
	}{
		{name: "sanitised", tools: []*mcp.Tool{{Name: "a b"}, {Name: "c"}}, want: []string{"a_b", "c"}},
		{name: "collision", tools: []*mcp.Tool{{Name: "a b"}, {Name: "a/b"}}, wantErr: `tools "a b" and "a/b" both become "a_b"`},
		{name: "bad schema falls back", tools: []*mcp.Tool{{Name: "x", InputSchema: map[string]any{"type": 12}}}, want: []string{"x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := c.makeTools(tc.tools)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tl := range ts {
				got = append(got, tl.Spec().Name)
				if _, err := tool.CompileSchema(tl.Spec().Parameters); err != nil {
					t.Errorf("%s: schema does not compile: %v", tl.Spec().Name, err)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("names = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTail(t *testing.T) {
	tl := newTail(16)
	tl.Write([]byte("line one\nline two\n"))
	if got := tl.String(); got != "line two" {
		t.Errorf("tail = %q, want the last whole line %q", got, "line two")
	}
	tl = newTail(8)
	tl.Write([]byte("ééééé")) // 10 bytes: the cut lands inside a rune
	if got := tl.String(); !utf8.ValidString(got) || got != "éééé" {
		t.Errorf("tail = %q, want valid UTF-8 %q", got, "éééé")
	}
	tl = newTail(100)
	tl.Write([]byte("  short\n"))
	if got := tl.String(); got != "short" {
		t.Errorf("tail = %q, want %q", got, "short")
	}
}
