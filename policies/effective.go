package policies

import (
	"fmt"
	"time"
)

// EffectiveDate applies policy/scope's “本政策自印发之日起30个工作日后施行，
// 有效期3年” to an issue date on the official calendar. Interpretation: the
// issue day is not counted; the policy takes effect on the 30th working day
// after it (holidays skipped, 调休 make-up working days counted), and expires
// on the day before the third anniversary of that date (effective + 3 years −
// 1 day). Steps explain each part in Chinese. Dates are calendar days in UTC.
func EffectiveDate(issued time.Time) (start, end time.Time, steps []string) {
	delay, years := int64(30), int64(3)
	if ps, err := DefaultParams(); err == nil {
		if v, _, err := ps.At("effective_delay", issued); err == nil {
			delay = v.Value
		}
		if v, _, err := ps.At("validity", issued); err == nil {
			years = v.Value
		}
	}
	return effectiveDate(OfficialCalendar(), issued, int(delay), int(years))
}

func effectiveDate(cal *Calendar, issued time.Time, delay, years int) (start, end time.Time, steps []string) {
	issued = dateOnly(issued)
	steps = append(steps, fmt.Sprintf("印发日期%s（当日不计）", issued.Format(time.DateOnly)))
	start, notes, err := cal.AddWorkdays(issued, delay)
	if err != nil {
		return time.Time{}, time.Time{}, append(steps, "无法计算施行日期："+err.Error())
	}
	steps = append(steps, notes...)
	steps = append(steps, fmt.Sprintf("从次日起按国务院办公厅放假安排数工作日（节假日不计、调休上班日计入），第%d个工作日是%s（%s）：施行日期",
		delay, start.Format(time.DateOnly), weekdayCN[start.Weekday()]))
	end = addYears(start, years).AddDate(0, 0, -1)
	steps = append(steps, fmt.Sprintf("有效期%d年：%s至%s（施行之日起满%d年的前一日止）",
		years, start.Format(time.DateOnly), end.Format(time.DateOnly), years))
	return start, end, steps
}

// addYears counts whole years as the civil law does: a period that would end
// on a day its month lacks (29 February in a common year) ends on that
// month's last day — time.AddDate would roll over into March.
func addYears(t time.Time, years int) time.Time {
	end := t.AddDate(years, 0, 0)
	if end.Day() != t.Day() {
		end = end.AddDate(0, 0, -end.Day())
	}
	return end
}
