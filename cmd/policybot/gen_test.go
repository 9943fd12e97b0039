package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestGen(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"gen", "-n", "50", "-seed", "2"}, env(nil), strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	cases, err := parseEvalCases(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 50 {
		t.Fatalf("%d cases, want 50", len(cases))
	}
	for _, c := range cases {
		if c.Class == "" || (c.AmountYuan == nil) == c.answerable() {
			t.Errorf("case %+v: want a class, and an amount exactly when answerable", c)
		}
	}
	var again bytes.Buffer
	_ = run(context.Background(), []string{"gen", "-n", "50", "-seed", "2"}, env(nil), strings.NewReader(""), &again, &errOut)
	if again.String() != out.String() {
		t.Error("same seed, different output")
	}
	for _, args := range [][]string{{"gen", "-bogus"}, {"gen", "-n", "0"}, {"gen", "extra"}} {
		err := run(context.Background(), args, env(nil), strings.NewReader(""), &out, &errOut)
		if ue := (usageError{}); !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error (exit 2)", args, err)
		}
	}
}
