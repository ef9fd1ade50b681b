package llm

import (
	"unicode"
	"unicode/utf8"
)

// ToolOrchestra cuts contexts by Qwen3 tokens (cut_seq keeps the last n
// tokens of the Qwen/Qwen3-8B tokenizer's encoding). Baton ships no
// tokenizer, so it counts with an estimate built to follow that
// tokenizer's shape: text is split as Qwen's pre-tokenizer splits it
// (letter runs with one leading space or punctuation mark, single digits,
// punctuation runs, white-space runs), and each piece counts as its
// UTF-8 length over six bytes for words and four for the rest, rounded
// up, at least one token per piece and one per non-ASCII letter. It is an
// estimate, not Qwen's BPE: on English prose it lands near the real
// count, and cuts fall on piece boundaries, never inside a word.

// tokenPieces returns the byte offsets at which the estimate's pieces
// start, and each piece's token count.
func tokenPieces(s string) (starts []int, counts []int) {
	i := 0
	for i < len(s) {
		start := i
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsDigit(r):
			i += n
		case unicode.IsSpace(r):
			for i < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[i:])
				if !unicode.IsSpace(r2) {
					break
				}
				i += n2
			}
			// A single space before a word belongs to the word.
			if i < len(s) && i-start >= 1 && s[i-1] == ' ' {
				if r2, _ := utf8.DecodeRuneInString(s[i:]); unicode.IsLetter(r2) {
					if i-1 > start {
						i--
					} else {
						i = scanLetters(s, i)
					}
				}
			}
		case unicode.IsLetter(r):
			i = scanLetters(s, i)
		default: // punctuation and symbols: a run of them
			for i < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[i:])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) || unicode.IsSpace(r2) {
					break
				}
				i += n2
			}
		}
		starts = append(starts, start)
		counts = append(counts, pieceTokens(s[start:i]))
	}
	return starts, counts
}

func scanLetters(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && r != '\'' {
			break
		}
		i += n
	}
	return i
}

// pieceTokens estimates one piece's tokens: a word (with its leading
// space) is one token per six bytes, as common words are single tokens
// and long ones split; other pieces one per four bytes; a non-ASCII
// letter at least one token each.
func pieceTokens(p string) int {
	nonASCII, letters := 0, 0
	for _, r := range p {
		if unicode.IsLetter(r) {
			letters++
			if r >= utf8.RuneSelf {
				nonASCII++
			}
		}
	}
	per := 4
	if letters > 0 {
		per = 6
	}
	n := (len(p) + per - 1) / per
	return max(n, nonASCII, 1)
}

// countTokens estimates s's length in Qwen3 tokens.
func countTokens(s string) int {
	_, counts := tokenPieces(s)
	total := 0
	for _, c := range counts {
		total += c
	}
	return total
}

// cutTokens keeps the last n estimated tokens of s, as ToolOrchestra's
// cut_seq does, and returns them with s's whole estimated length. n <= 0
// keeps everything, as Python's token_ids[-0:] does.
func cutTokens(s string, n int) (string, int) {
	starts, counts := tokenPieces(s)
	total := 0
	for _, c := range counts {
		total += c
	}
	if n <= 0 || total <= n {
		return s, total
	}
	kept := 0
	for i := len(counts) - 1; i >= 0; i-- {
		if kept+counts[i] > n {
			if i+1 < len(starts) {
				return s[starts[i+1]:], total
			}
			return "", total
		}
		kept += counts[i]
	}
	return s, total
}

// headRunes keeps the first n characters of s (Python's s[:n]).
func headRunes(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}
