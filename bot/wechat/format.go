package wechat

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cdsme/policybot/bot"
)

// markerReserve is kept free in each part for its "（2/3）" marker.
const markerReserve = 24

var manyBlankLines = regexp.MustCompile(`\n{3,}`)

// plainText makes engine text fit a WeChat text message: WeChat shows
// text as written except that it reads <a href=…> as a link, so angle
// brackets become full-width (no markup from the engine or a quoted user
// ever reaches the client); line breaks are kept (amounts, steps and the
// clause each stay on their own line), trailing spaces and runs of blank
// lines are dropped, invalid UTF-8 is replaced and control characters
// (which XML cannot carry) are dropped.
func plainText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "<", "＜", ">", "＞").Replace(s)
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) && r != '\uFFFE' && r != '\uFFFF' {
			return r
		}
		return -1 // not allowed in XML, meaningless in a chat
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	s = strings.Join(lines, "\n")
	return strings.TrimSpace(manyBlankLines.ReplaceAllString(s, "\n\n"))
}

// replyText is the text of an engine reply for WeChat: its text, then the
// replies that settle an ambiguity (Choices) as lines the user can send
// back, since WeChat text messages carry no buttons.
func replyText(r bot.Reply) string {
	t := r.Text
	if len(r.Choices) > 0 {
		t += "\n\n" + choicesIntro
		for _, c := range r.Choices {
			t += "\n· " + c
		}
	}
	return t
}

// renderParts turns text into at most MaxParts messages of at most
// MaxTextBytes each. Parts of a split reply end with "（i/n）"; a reply
// longer than MaxParts messages is cut, and its last part says so.
func renderParts(text string) []string {
	text = plainText(text)
	if text == "" {
		return nil
	}
	limit := MaxTextBytes - markerReserve
	parts := splitText(text, limit)
	if len(parts) > MaxParts {
		parts = parts[:MaxParts]
		last := parts[MaxParts-1]
		if room := limit - len(truncatedNote) - 1; len(last) > room {
			last = splitText(last, room)[0]
		}
		parts[MaxParts-1] = last + "\n" + truncatedNote
	}
	if len(parts) > 1 {
		for i := range parts {
			parts[i] += fmt.Sprintf("\n（%d/%d）", i+1, len(parts))
		}
	}
	return parts
}

// splitText cuts s into chunks of at most limit bytes. It cuts at the last
// paragraph break of a full chunk, else at the last line break, else after
// sentence punctuation, else at a space — each only if it keeps at least
// half the chunk — else at the limit, on a rune boundary.
func splitText(s string, limit int) []string {
	s = strings.TrimSpace(s)
	var out []string
	for s != "" {
		if len(s) <= limit {
			out = append(out, s)
			break
		}
		p := 0
		for i, r := range s {
			if i+utf8.RuneLen(r) > limit {
				break
			}
			p = i + utf8.RuneLen(r)
		}
		if p == 0 {
			_, p = utf8.DecodeRuneInString(s)
		}
		cut := bestCut(s[:p])
		if chunk := strings.TrimRightFunc(s[:cut], unicode.IsSpace); chunk != "" {
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
