package bot

import "strings"

// Sentences of the raw question, for readings that stop at a sentence's
// edge: 。？！?!；; and a line break end one, and so does an English full
// stop before a space or the end (not the point of 3.45, nor an ellipsis).

// isSentenceEnd reports whether the byte at i of raw ends a sentence.
func isSentenceEnd(raw string, i int) bool {
	switch raw[i] {
	case '?', '!', ';', '\n':
		return true
	case '.':
		// Not a decimal point (3.45), nor an ellipsis ("8 million... sorry").
		return (i+1 == len(raw) || raw[i+1] == ' ') && (i == 0 || raw[i-1] != '.')
	}
	return strings.HasPrefix(raw[i:], "。") || strings.HasPrefix(raw[i:], "？") ||
		strings.HasPrefix(raw[i:], "！") || strings.HasPrefix(raw[i:], "；")
}

// sentenceStart is where the sentence holding byte offset at begins.
func sentenceStart(raw string, at int) int {
	for i := at - 1; i >= 0; i-- {
		if isSentenceEnd(raw, i) {
			return i + len(string([]rune(raw[i:])[0]))
		}
	}
	return 0
}

// sentenceEndAfter is the offset of the first sentence end at or after
// from, or -1.
func sentenceEndAfter(raw string, from int) int {
	for i := from; i < len(raw); i++ {
		if isSentenceEnd(raw, i) {
			return i
		}
	}
	return -1
}
