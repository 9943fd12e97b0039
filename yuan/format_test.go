package yuan

import "testing"

func TestFormat(t *testing.T) {
	tests := map[int64]string{
		0: "0元", 2500: "2500元", 9999: "9999元", 10000: "1万", 12345: "1.2345万",
		500000: "50万", 1200000: "120万", 2600000: "260万", 100000000: "1亿",
		150000000: "1.5亿", 123456789: "12345.6789万", 50000000: "5000万", -200000: "-20万",
	}
	for in, want := range tests {
		if got := Format(in); got != want {
			t.Errorf("Format(%d) = %q, want %q", in, got, want)
		}
	}
}
