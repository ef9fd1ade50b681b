package qa

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
	toolllm "github.com/batonhq/baton/tool/llm"
)

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFile(t *testing.T) {
	cases := []struct {
		name, file, body string
		want             []Item
		wantErr          string
	}{
		{name: "jsonl hle layout", file: "hle.jsonl",
			body: `{"id":"q1","question":"What is 2+2?","answer":"4","answer_type":"exactMatch"}` + "\n\n" + `{"id":"q2","question":"Capital of France?","answer":"Paris"}`,
			want: []Item{{ID: "q1", Question: "What is 2+2?", Answer: "4"}, {ID: "q2", Question: "Capital of France?", Answer: "Paris"}}},
		{name: "jsonl gsm8k answer cut", file: "gsm.jsonl",
			body: `{"question":"Janet has 3 eggs...","answer":"She has 3*2=<<3*2=6>>6.\n#### 6"}`,
			want: []Item{{ID: "0", Question: "Janet has 3 eggs...", Answer: "6"}}},
		{name: "jsonl numeric answer and other key names", file: "x.jsonl",
			body: `{"uid":7,"Problem":"p","gold":42}`,
			want: []Item{{ID: "7", Question: "p", Answer: "42"}}},
		{name: "csv frames layout", file: "f.csv",
			body: "id,Prompt,Answer,wiki_links\n0,\"Who, then?\",Jane Ballou,\"['x']\"\n1,Q2,37th,\n",
			want: []Item{{ID: "0", Question: "Who, then?", Answer: "Jane Ballou"}, {ID: "1", Question: "Q2", Answer: "37th"}}},
		{name: "jsonl not an object", file: "b.jsonl", body: "{\"question\":\"a\",\"answer\":\"b\"}\n[1,2]\n", wantErr: "line 2"},
		{name: "jsonl missing answer", file: "b.jsonl", body: `{"question":"a"}`, wantErr: "no answer"},
		{name: "jsonl missing question", file: "b.jsonl", body: `{"answer":"a"}`, wantErr: "no question"},
		{name: "empty jsonl", file: "b.jsonl", body: "\n\n", wantErr: "no questions"},
		{name: "csv without answer column", file: "b.csv", body: "id,question\n1,a\n", wantErr: "answer column"},
		{name: "csv empty question", file: "b.csv", body: "question,answer\n,a\n", wantErr: "line 2: no question"},
		{name: "unknown extension", file: "b.txt", body: "x", wantErr: "unknown extension"},
		{name: "duplicate-free ids kept", file: "d.jsonl", body: `{"id":" a ","question":"q","answer":"x"}`,
			want: []Item{{ID: "a", Question: "q", Answer: "x"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := LoadFile(writeFile(t, c.file, c.body))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
				}
				if !strings.Contains(c.wantErr, "extension") && !errors.Is(err, ErrBadSet) {
					t.Fatalf("err %v does not wrap ErrBadSet", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d items %+v, want %+v", len(got), got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("item %d = %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.jsonl")); err == nil || !strings.Contains(err.Error(), "open question set") {
		t.Fatalf("missing file: err = %v", err)
	}
}

func TestLoadFRAMESBundled(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "frames")
	if _, err := os.Stat(filepath.Join(dir, FramesFile)); err != nil {
		t.Skipf("FRAMES not found beside the checkout (%v); the dataset resolver downloads it for the CLI", err)
	}
	items, err := LoadFRAMES(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 824 {
		t.Fatalf("FRAMES has %d questions, want 824", len(items))
	}
	if items[0].ID != "0" || items[0].Answer != "Jane Ballou" || !strings.HasPrefix(items[0].Question, "If my future wife") {
		t.Fatalf("first item = %+v", items[0])
	}
}

func TestPrecheck(t *testing.T) {
	long := strings.Repeat("word ", 501)
	cases := []struct {
		name, pred, ref string
		want            Shortcut
	}{
		{"empty", "  ", "x", Wrong},
		{"too long", long, "word", Wrong},
		{"case and space", "  jane   BALLOU ", "Jane Ballou", Right},
		{"trailing stop", "Paris.", "paris", Right},
		{"numeric with comma", "1,000", "1000.0", Right},
		{"currency and percent", "$5", "5", Right},
		{"fraction", "1/2", "0.5", Right},
		{"different number", "71", "72", Wrong},
		{"ordinal needs judge", "37", "37th", NeedsJudge},
		{"words need judge", "J. Ballou", "Jane Ballou", NeedsJudge},
		{"huge exponent is not a number", "1e999999999", "1", NeedsJudge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, rule := Precheck(c.pred, c.ref); got != c.want {
				t.Fatalf("Precheck(%q, %q) = %v (%s), want %v", c.pred, c.ref, got, rule, c.want)
			}
		})
	}
}

func TestParseVerdict(t *testing.T) {
	cases := []struct {
		reply       string
		correct, ok bool
	}{
		{"<correct>True</correct>", true, true},
		{"thinking <correct>False</correct> then <correct> true </correct>", true, true},
		{"<correct>False</correct>", false, true},
		{"<correct>yes</correct>", false, true},
		{"True", false, false},
		{"<correct>TRUE", true, true},
	}
	for _, c := range cases {
		c1, ok := ParseVerdict(c.reply)
		if c1 != c.correct || ok != c.ok {
			t.Errorf("ParseVerdict(%q) = %v, %v; want %v, %v", c.reply, c1, ok, c.correct, c.ok)
		}
	}
}

func testTools(t *testing.T) *tool.Set {
	t.Helper()
	echo := tool.MustFunc(tool.Spec{Name: "echo", Description: "echo"}, func(_ context.Context, in struct {
		Prompt string `json:"prompt"`
	}) (string, error) {
		return in.Prompt, nil
	})
	set, err := tool.NewSet(echo)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func answered(a string) *episode.Episode {
	return &episode.Episode{Status: episode.StatusAnswered, Answer: a}
}

func TestEnvScoreWithJudge(t *testing.T) {
	srv := chattest.New(
		chattest.Reply{Content: "<think>close</think><correct>True</correct>", Usage: chattest.Usage{PromptTokens: 100, CompletionTokens: 10}},
		chattest.Reply{Content: "<correct>False</correct>", Usage: chattest.Usage{PromptTokens: 100, CompletionTokens: 10}},
		chattest.Reply{Status: 400, Raw: `{"error":{"message":"bad request","type":"invalid_request_error"}}`},
	)
	defer srv.Close()
	one := 1.0
	judge := &Judge{
		Client:      toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: srv.BaseURL(), APIKey: "k", MaxRetries: -1}),
		Model:       "judge-m",
		Price:       money.Price{InputPerM: money.Dollar, OutputPerM: 10 * money.Dollar},
		Temperature: &one,
	}
	items := []Item{{ID: "a", Question: "Who?", Answer: "Jane Ballou"}, {ID: "b", Question: "How many?", Answer: "72"}}
	e, err := New(Options{Name: "t", Items: items, Tools: testTools(t), Judge: judge})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	task := e.Tasks()[0]
	steps := []struct {
		task    episode.Task
		ep      *episode.Episode
		correct bool
		key     string
	}{
		{task, answered("jane ballou"), true, "exact"},
		{e.Tasks()[1], answered("72.0"), true, "exact"},
		{e.Tasks()[1], answered("73"), false, "exact"},
		{task, &episode.Episode{Status: episode.StatusMaxTurns}, false, "unanswered"},
		{task, answered("J. Ballou"), true, "judge"},
		{task, answered("John Smith"), false, "judge"},
		{task, answered("Someone"), false, "judge_error"},
	}
	for i, s := range steps {
		sc, err := e.Score(ctx, s.task, s.ep)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if sc.Correct != s.correct || (sc.Outcome == 1) != s.correct {
			t.Fatalf("step %d: score %+v, want correct=%v", i, sc, s.correct)
		}
		if _, ok := sc.Breakdown[s.key]; !ok {
			t.Fatalf("step %d: breakdown %v lacks %q", i, sc.Breakdown, s.key)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("judge got %d requests, want 3 (shortcuts must not call it)", len(reqs))
	}
	msgs := reqs[0].Body["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("judge request has %d messages, want 1", len(msgs))
	}
	m := msgs[0].(map[string]any)
	want := "Question: Who?\n\nStudent answer: J. Ballou\n\nReference answer: Jane Ballou\n\nAssume that the reference answer is correct. Output <correct>True</correct> if the student answer matches the reference answer. Output <correct>False</correct> if the student answer does not match the reference answer."
	if m["role"] != "user" || m["content"] != want {
		t.Fatalf("judge message = %v, want user %q", m, want)
	}
	if reqs[0].Body["model"] != "judge-m" || reqs[0].Body["temperature"] != 1.0 {
		t.Fatalf("judge model/temperature = %v/%v", reqs[0].Body["model"], reqs[0].Body["temperature"])
	}
	st := judge.Stats()
	// Two verdicts of 100 in at $1/M and 10 out at $10/M: $0.0002 each.
	if st.Calls != 3 || st.Failed != 1 || st.Cost != money.MustParse("0.0004") {
		t.Fatalf("judge stats = %+v, want 3 calls, 1 failed, $0.0004", st)
	}
	if _, err := e.Score(ctx, episode.Task{ID: "zzz"}, answered("x")); err == nil {
		t.Fatal("unknown task scored without error")
	}
}

func TestEnvWithoutJudge(t *testing.T) {
	e, err := New(Options{Items: []Item{{ID: "a", Question: "q", Answer: "Paris"}}, Tools: testTools(t)})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := e.Score(context.Background(), e.Tasks()[0], answered("The city of Paris"))
	if err != nil || sc.Correct || !strings.Contains(sc.Detail, "no judge") {
		t.Fatalf("score = %+v, %v; want wrong with no judge", sc, err)
	}
}

func TestNewRejects(t *testing.T) {
	set := testTools(t)
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"no items", Options{Tools: set}, "no questions"},
		{"no tools", Options{Items: []Item{{ID: "a", Question: "q", Answer: "a"}}}, "no tools"},
		{"duplicate ids", Options{Tools: set, Items: []Item{{ID: "a", Question: "q", Answer: "a"}, {ID: "a", Question: "r", Answer: "b"}}}, "twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := New(c.o); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestLoadGSM8KBundled(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "gsm8k", "test.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("GSM8K not found beside the checkout (%v)", err)
	}
	items, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1319 {
		t.Fatalf("GSM8K has %d questions, want 1319", len(items))
	}
	for _, it := range items {
		if _, num := NumericEqual(it.Answer, it.Answer); !num {
			t.Fatalf("item %s answer %q is not the final number", it.ID, it.Answer)
		}
	}
}
