package cli

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/tool"
)

// readmeSkips are README shell examples not run here, each with the reason,
// printed with t.Log so nothing is skipped silently. Keys are command
// prefixes.
var readmeSkips = []struct{ prefix, reason string }{
	{"go test", "the test suite itself"},
	{"go run ./cmd/baton bench", "full benchmark over the shared data: minutes; TestBenchTinyFixture runs bench end to end on a fixture"},
	{"baton bench", "full benchmark over the shared data (or --train/--eval DIRs that are placeholders): minutes; TestBenchTinyFixture covers bench"},
	{`baton run "TASK" [`, "a synopsis with placeholders, not an example; TestRun runs baton run"},
	{"baton serve", "serves until interrupted; server/process_test.go runs baton serve as a subprocess"},
	{"export ", "sets a shell variable to a placeholder secret"},
	{"curl ", "needs a running baton serve and a key; server tests send the same request"},
}

// TestReadmeExamples loads every fenced baton.yaml block of README.md and
// runs every shell example that needs no key, network or long run, in a
// fresh directory, checking the exit status the README states ("exit N"
// in the comment means N, otherwise 0).
func TestReadmeExamples(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocks(string(b))
	var yamls, cmds int
	for _, blk := range blocks {
		switch blk.lang {
		case "yaml":
			yamls++
			c, err := config.Parse([]byte(blk.text))
			if err != nil {
				t.Errorf("README line %d: the baton.yaml example does not load: %v", blk.line, err)
				continue
			}
			for i, tc := range c.Tools {
				if _, err := tool.LookupKind(tc.Kind); err != nil {
					t.Errorf("README line %d: tools[%d] has kind %q, which is not registered (baton tools kinds)", blk.line, i, tc.Kind)
				}
			}
		case "sh", "bash", "shell":
			for _, cmd := range shellCommands(blk.text) {
				cmds++
				runReadmeCommand(t, blk.line, cmd)
			}
		}
	}
	if yamls == 0 || cmds < 5 {
		t.Fatalf("found %d yaml blocks and %d shell commands in README.md; the parser missed them", yamls, cmds)
	}
}

func runReadmeCommand(t *testing.T, line int, cmd string) {
	for _, s := range readmeSkips {
		if strings.HasPrefix(cmd, s.prefix) {
			t.Logf("README line %d: not run: %s: %s", line, cmd, s.reason)
			return
		}
	}
	code, comment := splitComment(cmd)
	t.Run(code, func(t *testing.T) {
		t.Chdir(t.TempDir()) // keys create writes baton.db here
		args, err := shellWords(code)
		if err != nil || len(args) == 0 || args[0] != "baton" {
			t.Fatalf("README line %d: %q is not a baton command this test can run (%v); add it to readmeSkips with a reason", line, cmd, err)
		}
		want := 0
		if m := regexp.MustCompile(`\bexit ([0-9])\b`).FindStringSubmatch(comment); m != nil {
			want = int(m[1][0] - '0')
		}
		got, out, errs := run(t, nil, args[1:]...)
		if got != want {
			t.Fatalf("README line %d: %s exited %d, the README says %d\nstdout: %s\nstderr: %s", line, code, got, want, out, errs)
		}
	})
}

type fenced struct {
	lang, text string
	line       int
}

func fencedBlocks(md string) []fenced {
	var out []fenced
	var cur *fenced
	for i, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "```") {
			if cur == nil {
				cur = &fenced{lang: strings.TrimSpace(strings.TrimPrefix(l, "```")), line: i + 1}
			} else {
				out = append(out, *cur)
				cur = nil
			}
			continue
		}
		if cur != nil {
			cur.text += l + "\n"
		}
	}
	return out
}

// shellCommands joins continuation lines and drops blank and comment lines.
func shellCommands(text string) []string {
	var out []string
	acc := ""
	for _, l := range strings.Split(text, "\n") {
		if strings.HasSuffix(l, "\\") {
			acc += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		if openQuote(acc + l) {
			acc += l + "\n" // a quoted argument spanning lines
			continue
		}
		l = strings.TrimSpace(acc + l)
		acc = ""
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// splitComment cuts a trailing "# comment" outside quotes.
func splitComment(s string) (code, comment string) {
	var q rune
	for i, r := range s {
		switch {
		case q != 0 && r == q:
			q = 0
		case q == 0 && (r == '\'' || r == '"'):
			q = r
		case q == 0 && r == '#' && (i == 0 || s[i-1] == ' '):
			return strings.TrimSpace(s[:i]), s[i+1:]
		}
	}
	return strings.TrimSpace(s), ""
}

// shellWords splits like a POSIX shell for the quoting README examples use.
func shellWords(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	in, q := false, rune(0)
	for _, r := range s {
		switch {
		case q != 0 && r == q:
			q = 0
		case q != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			q, in = r, true
		case r == ' ' || r == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		case r == '$' || r == '|' || r == '>' || r == '<' || r == '`' || r == ';' || r == '&':
			return nil, errUnsupportedShell
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if q != 0 {
		return nil, errOpenQuote
	}
	if in {
		out = append(out, cur.String())
	}
	return out, nil
}

var (
	errUnsupportedShell = errors.New("shell syntax beyond quoting")
	errOpenQuote        = errors.New("unterminated quote")
)

// openQuote reports whether s ends inside a quoted string.
func openQuote(s string) bool {
	var q rune
	for _, r := range s {
		switch {
		case q != 0 && r == q:
			q = 0
		case q == 0 && (r == '\'' || r == '"'):
			q = r
		}
	}
	return q != 0
}
