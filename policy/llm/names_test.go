package llm

import (
	"regexp"
	"testing"
)

var openAIName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

func TestNameMapRoundTrip(t *testing.T) {
	long := "a." + "0123456789012345678901234567890123456789012345678901234567890123"
	tests := []struct {
		name  string
		tools []string
		want  map[string]string // Baton name → function name
	}{
		{
			name:  "dots become underscores",
			tools: []string{"retrieval.bm25", "sandbox.python", "gpt-5"},
			want:  map[string]string{"retrieval.bm25": "retrieval_bm25", "sandbox.python": "sandbox_python", "gpt-5": "gpt-5"},
		},
		{
			name:  "clash with an existing valid name keeps the valid one",
			tools: []string{"a.b", "a_b"},
			want:  map[string]string{"a_b": "a_b", "a.b": "a_b_2"},
		},
		{
			name:  "two dotted names clash",
			tools: []string{"x.y", "x-y.z", "x_y"},
			want:  map[string]string{"x_y": "x_y", "x.y": "x_y_2", "x-y.z": "x-y_z"},
		},
		{
			name:  "tool named answer is renamed",
			tools: []string{"answer", "answer.v2"},
			want:  map[string]string{"answer": "answer_2", "answer.v2": "answer_v2"},
		},
		{
			name:  "long name truncated with suffix",
			tools: []string{long, long[:64]},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newNameMap(tc.tools)
			seen := map[string]bool{answerFunc: true}
			for _, tool := range tc.tools {
				fn := m.funcName(tool)
				if !openAIName.MatchString(fn) {
					t.Errorf("funcName(%q) = %q, not a valid OpenAI function name", tool, fn)
				}
				if seen[fn] {
					t.Errorf("funcName(%q) = %q is used twice", tool, fn)
				}
				seen[fn] = true
				back, ok := m.toolName(fn)
				if !ok || back != tool {
					t.Errorf("toolName(%q) = %q, %v; want %q", fn, back, ok, tool)
				}
				if w, ok := tc.want[tool]; ok && fn != w {
					t.Errorf("funcName(%q) = %q, want %q", tool, fn, w)
				}
				// The Baton spelling is accepted back as well, except the
				// reserved answer.
				if back, ok := m.toolName(tool); tool != answerFunc && (!ok || back != tool) {
					t.Errorf("toolName(%q) = %q, %v; want the tool itself", tool, back, ok)
				}
			}
			if _, ok := m.toolName(answerFunc); ok {
				t.Errorf("answer maps to a tool")
			}
			if _, ok := m.toolName("nope"); ok {
				t.Errorf("unknown name maps to a tool")
			}
		})
	}
}

func TestFuncNameStableAcrossTurns(t *testing.T) {
	tools := []string{"a.b", "a_b", "c.d"}
	for range 3 {
		if got := FuncName(tools, "a.b"); got != "a_b_2" {
			t.Fatalf("FuncName = %q, want a_b_2", got)
		}
	}
	if got := FuncName(tools, "gone.tool"); got != "gone_tool" {
		t.Errorf("FuncName of an unknown tool = %q, want gone_tool", got)
	}
}

func TestSanitizeName(t *testing.T) {
	tests := map[string]string{"": "tool", "é": "_", "a b/c": "a_b_c", "ok-1_x": "ok-1_x"}
	for in, want := range tests {
		if got := sanitizeName(in); got != want {
			t.Errorf("sanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}
