package telegram

import (
	"html"
	"unicode/utf16"

	"github.com/cdsme/policybot/bot"
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
func splitPlain(s string, limit int) []string { return bot.SplitText(s, limit, escapedLen) }

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
