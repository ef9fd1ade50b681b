package retrieval

import "strings"

// chunk splits text into passages of at most n words. Paragraphs (runs of
// non-blank lines) are kept whole where they fit; consecutive passages share
// up to overlap words so a sentence cut at a boundary still appears whole in
// one of them; a paragraph longer than n words is cut into windows of n.
// Words inside a paragraph are rejoined with single spaces and paragraphs
// with blank lines. It requires 0 ≤ overlap ≤ n/2 and n ≥ 2.
func chunk(text string, n, overlap int) []string {
	var (
		out   []string
		cur   [][]string // paragraphs of the passage being built
		words int        // words in cur
		fresh bool       // cur holds words no emitted passage has
	)
	emit := func() {
		if fresh {
			out = append(out, joinParagraphs(cur))
		}
	}
	for _, p := range paragraphs(text) {
		if len(p) > n {
			emit()
			step := n - overlap
			for start := 0; ; start += step {
				end := min(start+n, len(p))
				out = append(out, strings.Join(p[start:end], " "))
				if end == len(p) {
					break
				}
			}
			cur = tail([][]string{p}, overlap)
			words, fresh = countWords(cur), false
			continue
		}
		if words+len(p) > n {
			emit()
			cur = tail(cur, min(overlap, n-len(p)))
			words, fresh = countWords(cur), false
		}
		cur = append(cur, p)
		words += len(p)
		fresh = true
	}
	emit()
	return out
}

// paragraphs returns the words of each paragraph of text.
func paragraphs(text string) [][]string {
	var out [][]string
	var cur []string
	for line := range strings.Lines(text) {
		f := strings.Fields(line)
		if len(f) == 0 {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, f...)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// tail returns the last m words of paras, keeping paragraph breaks.
func tail(paras [][]string, m int) [][]string {
	if m <= 0 {
		return nil
	}
	var out [][]string
	for i := len(paras) - 1; i >= 0 && m > 0; i-- {
		p := paras[i]
		if len(p) > m {
			p = p[len(p)-m:]
		}
		m -= len(p)
		out = append([][]string{p}, out...)
	}
	return out
}

func countWords(paras [][]string) int {
	n := 0
	for _, p := range paras {
		n += len(p)
	}
	return n
}

func joinParagraphs(paras [][]string) string {
	parts := make([]string, len(paras))
	for i, p := range paras {
		parts[i] = strings.Join(p, " ")
	}
	return strings.Join(parts, "\n\n")
}
