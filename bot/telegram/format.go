package telegram

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// part is one message of a split reply: the HTML sent and the plain text it
// renders, kept for a plain-text resend if Telegram rejects the markup.
type part struct {
	HTML  string
	Plain string
}

// escapedLen is the length of html.EscapeString(string(r)) in UTF-16 code
// units.
func escapedLen(r rune) int {
	switch r {
	case '<', '>':
		return 4 // &lt; &gt;
	case '&', '"', '\'':
		return 5 // &amp; &#34; &#39;
	}
	return utf16.RuneLen(r)
}

func htmlLen(s string) int {
	n := 0
	for _, r := range s {
		n += escapedLen(r)
	}
	return n
}

// splitPlain cuts plain text into chunks whose escaped HTML is at most limit
// UTF-16 code units. It cuts at the last paragraph break of a full chunk,
// else at the last line break, else after sentence punctuation, else at a
// space — each only if it keeps at least half the chunk — else at the limit
// (on a rune boundary). Escaping happens after splitting, so no cut falls
// inside an entity, and every chunk is valid HTML on its own.
func splitPlain(s string, limit int) []string {
	s = strings.TrimSpace(s)
	var out []string
	for s != "" {
		if htmlLen(s) <= limit {
			out = append(out, s)
			break
		}
		// p: largest prefix (in bytes) whose escaped length fits.
		p, n := 0, 0
		for i, r := range s {
			if n+escapedLen(r) > limit {
				break
			}
			n += escapedLen(r)
			p = i + utf8.RuneLen(r)
		}
		if p == 0 { // limit smaller than one rune: take one anyway
			_, sz := utf8.DecodeRuneInString(s)
			p = sz
		}
		cut := bestCut(s[:p])
		chunk := strings.TrimRightFunc(s[:cut], unicode.IsSpace)
		if chunk != "" {
			out = append(out, chunk)
		}
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	return out
}

// bestCut returns where to end a chunk that must lie within w.
func bestCut(w string) int {
	half := len(w) / 2
	if i := strings.LastIndex(w, "\n\n"); i > half {
		return i
	}
	if i := strings.LastIndex(w, "\n"); i > half {
		return i
	}
	if i := lastSentenceEnd(w); i > half {
		return i
	}
	if i := strings.LastIndexFunc(w, unicode.IsSpace); i > half {
		return i
	}
	return len(w)
}

// lastSentenceEnd is the byte offset just after the last sentence-ending
// punctuation in w, or -1.
func lastSentenceEnd(w string) int {
	for i := len(w); i > 0; {
		r, sz := utf8.DecodeLastRuneInString(w[:i])
		switch r {
		case '。', '！', '？', '；', '.', '!', '?', ';':
			return i
		}
		i -= sz
	}
	return -1
}

// renderParts renders plain text as HTML message parts, each within
// MaxMessageLen.
func renderParts(text string, limit int) []part {
	var parts []part
	for _, c := range splitPlain(text, limit) {
		parts = append(parts, part{HTML: html.EscapeString(c), Plain: c})
	}
	return parts
}

// inlineKeyboard and inlineButton are the wire shape of an inline keyboard
// of callback buttons. The library's models.InlineKeyboardButton always
// serialises an (empty) copy_text object, which Telegram may reject, so the
// adapter sends its own minimal type through the ReplyMarkup interface.
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// buttonsPerRow lays out reply buttons two to a row.
const buttonsPerRow = 2
