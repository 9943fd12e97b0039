package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// MaskPersonal masks personal data in user text before it is logged or shown
// in the staff console: e-mail addresses, 18-character ID card numbers and
// 统一社会信用代码, bank card numbers (16–19 digits), mainland mobile numbers
// (with spaces, dashes or +86) and landlines with an area code. A hint of the
// shape is kept so staff can still read the conversation ("138****5678",
// "5101**********1234", "a***@example.com"). Amounts, years and other
// numbers ("6500000元", "2025年", "1亿") are left alone.
//
// Masking is idempotent: masked text is not changed by a second pass.
func MaskPersonal(s string) string {
	// Full-width digits and letters (１３８…) are folded first, or they
	// would slip past every pattern.
	s = strings.Map(foldWidth, s)
	for _, m := range maskers {
		s = m.apply(s)
	}
	return s
}

// MaskChatContext returns c with its text masked (MaskPersonal): the last
// question and the remembered inputs. Chat memories store only this, so a
// phone or ID number typed in a question never sits in Redis for the
// context's lifetime. Masking keeps amounts, so follow-ups still work.
func MaskChatContext(c ChatContext) ChatContext {
	c.LastQuestion = MaskPersonal(c.LastQuestion)
	if c.Inputs != nil {
		in := make(map[string]string, len(c.Inputs))
		for k, v := range c.Inputs {
			in[k] = MaskPersonal(v)
		}
		c.Inputs = in
	}
	return c
}

// HashUser returns a short keyed hash (HMAC-SHA256, 16 hex digits) of a
// channel-scoped user or chat id, so that logs never hold raw ids while the
// same user still maps to the same value.
func HashUser(channel, userID, salt string) string {
	mac := hmac.New(sha256.New, []byte(salt))
	mac.Write([]byte(channel))
	mac.Write([]byte{0})
	mac.Write([]byte(userID))
	return hex.EncodeToString(mac.Sum(nil))[:16]
}

// foldWidth maps full-width digits, letters and the characters of phone
// numbers and e-mails to ASCII; Chinese punctuation (，。) is left alone.
func foldWidth(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		a := r - 0xFF01 + '!'
		if a >= '0' && a <= '9' || a >= 'A' && a <= 'Z' || a >= 'a' && a <= 'z' || strings.ContainsRune("@+-._%", a) {
			return a
		}
	}
	return r
}

// masker replaces every match of re whose neighbours pass the boundary check
// with what mask returns.
type masker struct {
	re *regexp.Regexp
	// bounded: the characters just before and after a match must not be
	// ASCII letters or digits (so a pattern never matches inside a longer
	// number or code).
	bounded bool
	// accept, when set, vets a match before it is masked.
	accept func(string) bool
	mask   func(string) string
}

func (m masker) apply(s string) string {
	idx := m.re.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, ix := range idx {
		match := s[ix[0]:ix[1]]
		if m.bounded && (ix[0] > 0 && isAlnum(s[ix[0]-1]) || ix[1] < len(s) && isAlnum(s[ix[1]])) {
			continue
		}
		if m.accept != nil && !m.accept(match) {
			continue
		}
		b.WriteString(s[last:ix[0]])
		b.WriteString(m.mask(match))
		last = ix[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// onlyAlnum drops separators (spaces, dashes, brackets, plus signs).
func onlyAlnum(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isAlnum(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// keepEnds keeps the first head and last tail characters of s (separators
// dropped) and stars the rest.
func keepEnds(s string, head, tail int) string {
	s = onlyAlnum(s)
	if len(s) <= head+tail {
		return strings.Repeat("*", len(s))
	}
	return s[:head] + strings.Repeat("*", len(s)-head-tail) + s[len(s)-tail:]
}

var maskers = []masker{
	{ // e-mail: a***@example.com
		re: regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`),
		mask: func(s string) string {
			at := strings.LastIndexByte(s, '@')
			return s[:1] + "***" + s[at:]
		},
	},
	{ // ID card number written in groups: 510100 19900101 123X
		re:      regexp.MustCompile(`\d{6}[ \-.]\d{8}[ \-.]\d{3}[0-9Xx]`),
		bounded: true,
		mask:    func(s string) string { return keepEnds(onlyAlnum(s), 4, 4) },
	},
	{ // 18-character ID card number or 统一社会信用代码: 5101**********1234
		re:      regexp.MustCompile(`[0-9A-Za-z]{18}`),
		bounded: true,
		accept:  isIDOrCreditCode,
		mask:    func(s string) string { return keepEnds(s, 4, 4) },
	},
	{ // bank card, 16–19 digits, optionally in groups of four: 6222***********1234
		re:      regexp.MustCompile(`\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?`),
		bounded: true,
		mask:    func(s string) string { return keepEnds(s, 4, 4) },
	},
	{ // mainland mobile, optionally +86 / 86 and separators: +86 138****5678
		re:      regexp.MustCompile(`(?:(?:\+|00)?86[ \-.]?)?1[3-9]\d[ \-.]?\d{4}[ \-.]?\d{4}`),
		bounded: true,
		mask: func(s string) string {
			d := onlyAlnum(s)
			num := d[len(d)-11:]
			prefix := ""
			if len(d) > 11 {
				prefix = "+86 "
			}
			return prefix + num[:3] + "****" + num[7:]
		},
	},
	{ // landline with area code: 028-****4321, (010)8765 4321 -> 010-****4321
		re:      regexp.MustCompile(`(?:\(0\d{2,3}\)|0\d{2,3})[ \-]?[2-9]\d{6,7}`),
		bounded: true,
		accept: func(s string) bool {
			// without a separator or bracket, insist on 0 + 10 or 11 digits
			d := onlyAlnum(s)
			return len(d) >= 10
		},
		mask: func(s string) string {
			d := onlyAlnum(s)
			area := 3
			if !(d[1] == '1' || d[1] == '2') { // 010, 02x have 3-digit area codes
				area = 4
			}
			return d[:area] + "-****" + d[len(d)-4:]
		},
	},
}

// isIDOrCreditCode reports whether an 18-character token looks like a
// resident ID card number (17 digits and a digit or X) or a 统一社会信用代码
// (registration authority and type, 6-digit region code, 10 characters).
func isIDOrCreditCode(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			digits++
		}
	}
	if digits == 18 || digits == 17 && (s[17] == 'X' || s[17] == 'x') {
		return s[0] != '0'
	}
	// 统一社会信用代码: uppercase, positions 3–8 the region code.
	if strings.ToUpper(s) != s || digits < 8 {
		return false
	}
	for i := 2; i < 8; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return strings.ContainsRune("123456789ANY", rune(s[0]))
}
