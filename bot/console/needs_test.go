package console

import (
	"testing"

	"github.com/cdsme/policybot/internal/needs"
)

// TestMain sums up the browser tests skipped for want of Chromium in one
// line.
func TestMain(m *testing.M) { needs.Main(m) }
