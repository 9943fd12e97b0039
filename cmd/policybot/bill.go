package main

import (
	"context"
	"io"
)

// runBill is implemented in a later step (push/ profiles and bills).
func runBill(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return usagef("bill: not implemented yet")
}
