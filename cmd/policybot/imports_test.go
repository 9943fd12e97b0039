package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportGraph holds docs/ARCHITECTURE.md's import rules: the domain
// packages (policies, knowledge, yuan, push) reach no network client —
// no Redis, Telegram, OpenAI or asynq client.
func TestImportGraph(t *testing.T) {
	forbidden := []string{"github.com/redis/", "github.com/go-telegram/", "github.com/sashabaranov/go-openai", "github.com/hibiken/asynq", "github.com/alicebob/miniredis"}
	for _, pkg := range []string{"./policies", "./knowledge", "./yuan", "./push"} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "../../"+strings.TrimPrefix(pkg, "./")).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
