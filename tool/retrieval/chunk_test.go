package retrieval

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// words returns "w0 w1 ... w(n-1)" starting at from.
func words(from, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("w%d", from+i)
	}
	return strings.Join(w, " ")
}

func TestChunk(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		n, overlap int
		want       []string
	}{
		{"empty", "", 10, 2, nil},
		{"blank lines only", "\n  \n\t\n", 10, 2, nil},
		{"one short paragraph", "a  b\nc", 10, 2, []string{"a b c"}},
		{"paragraphs that fit stay together", "a b\n\nc d", 10, 2, []string{"a b\n\nc d"}},
		{
			"paragraph boundary respected with overlap",
			words(0, 6) + "\n\n" + words(6, 6), 10, 2,
			[]string{words(0, 6), words(4, 2) + "\n\n" + words(6, 6)},
		},
		{
			"overlap trimmed so a passage never exceeds n",
			words(0, 6) + "\n\n" + words(6, 9), 10, 3,
			[]string{words(0, 6), words(5, 1) + "\n\n" + words(6, 9)},
		},
		{
			"long paragraph windowed",
			words(0, 25), 10, 2,
			[]string{words(0, 10), words(8, 10), words(16, 9)},
		},
		{
			"window ends exactly",
			words(0, 18), 10, 2,
			[]string{words(0, 10), words(8, 10)},
		},
		{
			"text after a long paragraph carries its tail",
			words(0, 12) + "\n\n" + words(12, 3), 10, 2,
			[]string{words(0, 10), words(8, 4), words(10, 2) + "\n\n" + words(12, 3)},
		},
		{"no overlap", words(0, 5) + "\n\n" + words(5, 8), 10, 0, []string{words(0, 5), words(5, 8)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := chunk(tc.text, tc.n, tc.overlap)
			if !slices.Equal(got, tc.want) {
				t.Errorf("chunk(%d, %d) =\n%q\nwant\n%q", tc.n, tc.overlap, got, tc.want)
			}
		})
	}
}

// TestChunkCoversEveryWord checks the invariants on irregular text: no
// passage is longer than n words, and every word of the text appears, in
// order, in some passage.
func TestChunkCoversEveryWord(t *testing.T) {
	var b strings.Builder
	next := 0
	for i, size := range []int{3, 40, 7, 7, 1, 90, 12, 5, 5, 5, 33} {
		b.WriteString(words(next, size))
		next += size
		b.WriteString(strings.Repeat("\n", 1+i%3))
	}
	text := b.String()
	for _, n := range []int{10, 20, 64} {
		for _, ov := range []int{0, 3, n / 2} {
			ps := chunk(text, n, ov)
			seen := map[string]bool{}
			for _, p := range ps {
				f := strings.Fields(p)
				if len(f) > n {
					t.Errorf("n=%d overlap=%d: passage of %d words", n, ov, len(f))
				}
				for _, w := range f {
					seen[w] = true
				}
			}
			for i := range next {
				if w := fmt.Sprintf("w%d", i); !seen[w] {
					t.Errorf("n=%d overlap=%d: word %s lost", n, ov, w)
				}
			}
		}
	}
}
