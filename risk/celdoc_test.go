package risk

import (
	"os"
	"strings"
	"testing"
)

// docs/cel.md has a table row for every variable criteria rules can read.
func TestCELReferenceListsCriteriaVariables(t *testing.T) {
	raw, err := os.ReadFile("../docs/cel.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(raw), "## Variables of risk criteria")
	section, _, _ = strings.Cut(section, "\n## ")
	env, err := newRulesEnv(nil)
	if err != nil {
		t.Fatal(err)
	}
	vars := env.CEL().Variables()
	if len(vars) < 5 {
		t.Fatalf("only %d variables declared: the enumeration is broken", len(vars))
	}
	for _, v := range vars {
		typ := strings.ReplaceAll(v.Type().String(), "google.protobuf.Timestamp", "timestamp")
		if !strings.Contains(section, "| `"+v.Name()+"` | "+typ+" |") {
			t.Errorf("docs/cel.md, section on risk criteria, has no row \"| `%s` | %s |\"", v.Name(), typ)
		}
	}
}
