package bot

import "testing"

func TestElapsedMonths(t *testing.T) {
	for _, c := range []struct {
		q      string
		months int
		ok     bool
	}{
		{"基金投了2000万，3年后才认定小巨人", 37, true},
		{"注册满2年之后的第三年才评上小巨人", 25, true},
		{"企业是投资后第30个月才认定省级专精特新", 30, true},
		{"引进落户后两年多才评上小巨人", 25, true},
		{"落户第二年就评上了省级专精特新", 13, true},
		{"注册后第3年被认定", 25, true},
		{"一年半后获评小巨人", 18, true},
		{"半年后就认定了", 6, true},
		{"18个月后评上省级专精特新", 18, true},
		{"两年内被认定为小巨人", 0, false}, // the rule's window said back: no duration of the user's (the reward is paid unchecked)
		{"2023年认定小巨人", 0, false},
		{"3月认定小巨人", 0, false},
		{"基金投了3000万，企业后来评上小巨人", 0, false},
		{"the company was recognised 30 months later", 30, true},
		{"it was recognised forty months later", 40, true},
		{"thirty-six months later it was recognized", 36, true},
		{"政策说2年内被认定才有奖励，我们3年后才被认定", 37, true},
		{"今年才评上小巨人，是投资后第30个月才评上的", 30, true},
		{"投资后十八个半月才评上", 19, true},
		{"three years after the investment, it was recognized as a little giant", 36, true},
		{"it was recognized two years after registering", 24, true},
	} {
		got, ok := elapsedMonths(c.q)
		if got != c.months || ok != c.ok {
			t.Errorf("elapsedMonths(%q) = %d, %v; want %d, %v", c.q, got, ok, c.months, c.ok)
		}
	}
}
