package mathsolve

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.out")

// TestGolden evaluates each line of testdata/golden.txt and compares what
// a policy would read (Content and Data) with testdata/golden.out.
func TestGolden(t *testing.T) {
	f, err := os.Open("testdata/golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out.WriteString("> " + line + "\n")
		ans, err := Eval(context.Background(), line)
		if err != nil {
			out.WriteString("error: " + err.Error() + "\n\n")
			continue
		}
		data, err := json.Marshal(ans)
		if err != nil {
			t.Fatal(err)
		}
		out.WriteString(ans.String() + "\n" + string(data) + "\n\n")
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("testdata/golden.out", []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/golden.out")
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
	}
	if got := out.String(); got != string(want) {
		t.Errorf("output differs from testdata/golden.out (run with -update and review the diff):\n%s", got)
	}
}
