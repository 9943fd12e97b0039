package bot

import "testing"

func TestMaskPersonal(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"mobile", "我的电话13812345678谢谢", "我的电话138****5678谢谢"},
		{"mobile full width", "电话１３８１２３４５６７８", "电话138****5678"},
		{"mobile dots", "138.1234.5678", "138****5678"},
		{"id in groups", "身份证510100 19900101 123X", "身份证5101**********123X"},
		{"mobile spaces", "电话 138 1234 5678", "电话 138****5678"},
		{"mobile dashes", "138-1234-5678", "138****5678"},
		{"mobile +86", "+86 13812345678", "+86 138****5678"},
		{"mobile +86 dash", "+86-138-1234-5678。", "+86 138****5678。"},
		{"landline", "座机028-87654321", "座机028-****4321"},
		{"landline brackets", "(010)87654321", "010-****4321"},
		{"landline 4-digit area", "0816-2345678", "0816-****5678"},
		{"landline bare", "02887654321", "028-****4321"},
		{"id card", "身份证510104199001011234", "身份证5101**********1234"},
		{"id card X", "51010419900101123X号", "5101**********123X号"},
		{"credit code", "信用代码91510100MA6XXXXXXX", "信用代码9151**********XXXX"},
		{"credit code digits", "91510100MA61234567的企业", "9151**********4567的企业"},
		{"email", "发到alice.wang@example.com", "发到a***@example.com"},
		{"email with digits", "13812345678@qq.com", "1***@qq.com"},
		{"bank card", "卡号6222021234567890", "卡号6222********7890"},
		{"bank card 19", "6222021234567890123", "6222***********0123"},
		{"bank card groups", "6222 0212 3456 7890 123", "6222***********0123"},
		{"several", "13812345678 和 13987654321", "138****5678 和 139****4321"},

		// must not be masked
		{"amount", "研发投入比去年多了6500000元", "研发投入比去年多了6500000元"},
		{"year", "2025年的政策", "2025年的政策"},
		{"yi", "贷款1亿，利息120万", "贷款1亿，利息120万"},
		{"date", "2026-11-30截止", "2026-11-30截止"},
		{"big amount", "营收95000000元", "营收95000000元"},
		{"twelve digits", "123456789012", "123456789012"},
		{"clause", "policy/4 和 plan/18", "policy/4 和 plan/18"},
		{"hotline", "打12345热线", "打12345热线"},
		{"not a mobile", "12812345678", "12812345678"},
		{"inside longer number", "138123456789", "138123456789"},
		{"english word", "ABCDEFGHIJKLMNOPQR", "ABCDEFGHIJKLMNOPQR"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MaskPersonal(tt.in)
			if got != tt.want {
				t.Errorf("MaskPersonal(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := MaskPersonal(got); again != got {
				t.Errorf("second pass changed %q to %q", got, again)
			}
		})
	}
}

func TestHashUser(t *testing.T) {
	a := HashUser("telegram", "12345", "salt")
	if len(a) != 16 {
		t.Fatalf("len = %d, want 16", len(a))
	}
	if a != HashUser("telegram", "12345", "salt") {
		t.Error("not deterministic")
	}
	for _, other := range []string{
		HashUser("web", "12345", "salt"),
		HashUser("telegram", "12346", "salt"),
		HashUser("telegram", "12345", "pepper"),
		HashUser("telegram1", "2345", "salt"),
	} {
		if other == a {
			t.Errorf("collision: %s", other)
		}
	}
}
