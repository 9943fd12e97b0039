package yuan

import (
	"math"
	"testing"
)

func TestFormatEN(t *testing.T) {
	tests := map[int64]string{
		0: "0 yuan", 1: "1 yuan", 2500: "2,500 yuan", 9999: "9,999 yuan",
		10000: "10,000 yuan (1万元)", 12345: "12,345 yuan (1.2345万元)",
		600000: "600,000 yuan (60万元)", 1200000: "1,200,000 yuan (120万元)",
		150000000: "150,000,000 yuan (1.5亿元)", -200000: "-200,000 yuan (-20万元)",
		-999: "-999 yuan", math.MinInt64: "-9,223,372,036,854,775,808 yuan",
	}
	for in, want := range tests {
		if got := FormatEN(in); got != want {
			t.Errorf("FormatEN(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestGrouped(t *testing.T) {
	tests := map[int64]string{
		0: "0", 12: "12", 123: "123", 1234: "1,234", 123456: "123,456", 1234567: "1,234,567",
		-1234: "-1,234", math.MaxInt64: "9,223,372,036,854,775,807", math.MinInt64: "-9,223,372,036,854,775,808",
	}
	for in, want := range tests {
		if got := Grouped(in); got != want {
			t.Errorf("Grouped(%d) = %q, want %q", in, got, want)
		}
	}
}
