package bot

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/cdsme/policybot/yuan"
)

// reElapsed: how long after being brought in an enterprise was recognised,
// said as a duration just before the recognition ("3年后才认定", "第30个月才
// 评上", "两年多才认定", "一年半后获评"). A calendar month ("3月认定") or a
// year ("2023年认定") is no duration: months need 个, years a small number.
var (
	reElapsed = regexp.MustCompile(`(^|[^0-9])(第)?\s*([0-9]{1,3}|[一二两三四五六七八九十]{1,3})?\s*(年半|个半月|个月|年|半年)(多|半)?\s*(以后|之后|后|左右|多|头上|的时候|时|里)?\s*[^，。,;；0-9]{0,6}?(才|就|又|终于)?\s*(被|获)?(认定|评上|评为|获评|成为|入选|拿到)`)
	// reElapsedEN: "30 months later it was recognised", "recognised 3 years
	// after", "three years after the investment … recognised".
	reElapsedEN = regexp.MustCompile(`(?i)\b([0-9]{1,3}|[a-z]+(?:-[a-z]+)?)\s*(months?|years?)\s*(later|after|afterwards)\b[^.;?]{0,60}\brecogni[sz]ed|\brecogni[sz]ed\s+(only\s+)?([0-9]{1,3}|[a-z]+(?:-[a-z]+)?)\s*(months?|years?)\s*(later|after)\b`)
	enUnits     = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
		"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
	enTens = map[string]int{"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
)

// elapsedMonths reads the months between an enterprise's arrival and its
// recognition from the question's own words, for policy/9's "2年内被认定".
// "第N年" (the Nth year) is more than N-1 years: (N-1)×12+1 months;
// "两年多" more than two years. ok is false when no duration is said.
func elapsedMonths(norm string) (int, bool) {
	found, months := false, 0
	for _, m := range reElapsed.FindAllStringSubmatch(norm, -1) {
		if v, ok := durationMonths(m); ok {
			found, months = true, v // the last duration said before a recognition is the user's
		}
	}
	if found {
		return months, true
	}
	return englishMonths(norm)
}

// durationMonths reads one reElapsed match. ok is false for a year with no
// number ("今年才评上") or a period quoted from the rule ("2年内被认定").
func durationMonths(m []string) (int, bool) {
	{
		ordinal, num, unit, extra, after := m[2] != "", m[3], m[4], m[5], m[6]
		if strings.Contains(m[0], "内") {
			return 0, false // "政策说2年内被认定": the rule's window, not the user's time
		}
		n := 1
		if num != "" {
			c := yuan.Counts(num + "个")
			if len(c) != 1 {
				return 0, false
			}
			n = c[0].N
		} else if unit != "半年" {
			return 0, false
		}
		var months int
		switch unit {
		case "半年":
			months = 6
		case "年", "年半":
			if n > 10 {
				return 0, false // a year of the calendar, not a duration
			}
			months = n * 12
			if ordinal {
				months = (n-1)*12 + 1
			} else if unit == "年" && extra == "" && (after == "以后" || after == "之后" || after == "后") {
				months++ // "满2年之后": past the second year
			}
			if unit == "年半" || extra == "半" {
				months += 6
			}
		case "个月":
			months = n
		case "个半月":
			months = n + 1 // "十八个半月": past the eighteenth month
		}
		if extra == "多" || after == "多" {
			months++
		}
		return months, true
	}
}

// englishMonths reads reElapsedEN: "30 months later it was recognised".
func englishMonths(norm string) (int, bool) {
	if m := reElapsedEN.FindStringSubmatch(strings.ToLower(norm)); m != nil {
		num, unit := m[1], m[2]
		if num == "" {
			num, unit = m[5], m[6]
		}
		n, err := strconv.Atoi(num)
		if err != nil {
			if n = englishNumber(num); n == 0 {
				return 0, false
			}
		}
		if strings.HasPrefix(unit, "year") {
			if n > 10 {
				return 0, false
			}
			n *= 12
		}
		return n, true
	}
	return 0, false
}

// englishNumber reads "eighteen", "forty", "thirty-six"; 0 when it is none.
func englishNumber(w string) int {
	if n, ok := enUnits[w]; ok {
		return n
	}
	tens, unit, _ := strings.Cut(w, "-")
	if t, ok := enTens[tens]; ok {
		return t + enUnits[unit]
	}
	return 0
}
