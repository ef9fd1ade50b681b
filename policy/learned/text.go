package learned

import (
	"math"
	"strings"
)

// Limits on how much of a prompt is hashed, so a pasted book costs no more
// than a page: the head of a prompt carries the instructions, the tail the
// question.
const (
	maxHead  = 4096
	maxTail  = 1024
	maxWords = 1200
)

// nText is the number of text numerics.
const nText = 10

// textFeat is everything the policy derives from a prompt, independent of
// the weights.
type textFeat struct {
	x   sparse
	num [nText]float64
}

func clip(prompt string) string {
	if len(prompt) <= maxHead+maxTail {
		return prompt
	}
	return prompt[:maxHead] + " " + prompt[len(prompt)-maxTail:]
}

// cues detects coarse task types that routing depends on.
type cues struct{ mc, code, math, question bool }

func detectCues(p string) cues {
	lp := strings.ToLower(p)
	c := cues{question: strings.Contains(p, "?")}
	c.mc = (strings.Contains(p, "A)") && strings.Contains(p, "B)")) ||
		(strings.Contains(p, "(A)") && strings.Contains(p, "(B)")) ||
		(strings.Contains(p, "\nA.") && strings.Contains(p, "\nB.")) ||
		(strings.Contains(p, "A:") && strings.Contains(p, "B:") && strings.Contains(p, "C:"))
	for _, k := range []string{"```", "def ", "return ", "function", "#include", "print(", "class ", "import ", "code"} {
		if strings.Contains(lp, k) {
			c.code = true
			break
		}
	}
	for _, k := range []string{"\\frac", "solve", "calculate", "how many", "how much", "equation", "integer", "sum of", "$", "^", "sqrt", "percent"} {
		if strings.Contains(lp, k) {
			c.math = true
			break
		}
	}
	return c
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func newTextFeat(prompt string, buckets int) *textFeat {
	p := clip(prompt)
	h := hasher{mask: uint64(buckets - 1), acc: make([]hashed, 0, 4*len(p)/5+16)}
	ws := words(p, maxWords)
	for i, w := range ws {
		h.add(1, saltWord, w)
		if i > 0 {
			h.add(1, saltBigram, ws[i-1], w)
		}
		// Character 4-grams of the word with boundary marks, weighted
		// down: they generalise across inflections and rare words.
		if len(w) > 3 {
			b := "<" + w + ">"
			for j := 0; j+4 <= len(b); j++ {
				h.add(0.5, saltChar, b[j:j+4])
			}
		}
	}
	c := detectCues(p)
	for _, cue := range []struct {
		on   bool
		name string
	}{{c.mc, "mc"}, {c.code, "code"}, {c.math, "math"}, {c.question, "question"}} {
		if cue.on {
			h.add(3, saltCue, cue.name)
		}
	}
	h.add(1, saltCue, "bias")
	tf := &textFeat{x: h.sparse()}

	var digits, upper, sym, lines int
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch {
		case ch >= '0' && ch <= '9':
			digits++
		case ch >= 'A' && ch <= 'Z':
			upper++
		case ch == '\n':
			lines++
		case ch < 0x80 && !(ch >= 'a' && ch <= 'z') && ch != ' ':
			sym++
		}
	}
	n := math.Max(1, float64(len(p)))
	tf.num = [nText]float64{
		math.Log1p(float64(len(prompt))) / 8,
		math.Log1p(float64(len(ws))) / 6,
		float64(digits) / n * 4,
		float64(upper) / n * 4,
		float64(sym) / n * 4,
		math.Log1p(float64(lines)) / 4,
		b2f(c.mc), b2f(c.code), b2f(c.math), b2f(c.question),
	}
	return tf
}
