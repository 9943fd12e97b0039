package main

import (
	"testing"

	"github.com/cdsme/policybot/internal/needs"
)

// TestMain sums up the tests skipped for want of Redis in one line.
func TestMain(m *testing.M) { needs.Main(m) }
