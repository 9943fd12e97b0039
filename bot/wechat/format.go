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

// splitText cuts s into chunks of at most limit bytes (bot.SplitText).
func splitText(s string, limit int) []string { return bot.SplitText(s, limit, utf8.RuneLen) }
