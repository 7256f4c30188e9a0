package isms_test

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/soa"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/rules.md from the built-in rules")

const ruleRefPath = "../docs/rules.md"

// ruleReference renders the reference of every built-in rule and soa
// check.
func ruleReference() string {
	var b strings.Builder
	b.WriteString(`# Built-in conformance rules

Generated from ` + "`isms.BuiltinRules()` and `soa.Checks()`" + ` by
` + "`go test ./isms -run TestRuleReference -update-docs`" + `; a test fails when
this file and the code disagree.

Severities follow how certification auditors grade: **major** when a
required element is missing altogether or the system breaks down,
**minor** for an isolated lapse against a requirement, **observation**
where only the guidance of ISO/IEC 27003 asks for something. Callers can
change a grade with ` + "`isms.Regrade`" + ` and switch a rule off with ` + "`isms.Disable`" + `.
The findings of one rule are reported as one finding listing its
instances (` + "`Report.Findings`" + `), and per subject in ` + "`Report.Details`" + `.
Rules of the 10.2 nonconformity handling take the grade of the audit
finding the nonconformity was raised from (the first failing step only).

"2013" is the clause the finding cites for a 27001:2013 system; "n/a"
means the rule does not apply under 2013 and is listed in
` + "`Report.NotApplicable`" + `.

| rule | clause | 2013 | severity | about | what it checks |
|---|---|---|---|---|---|
`)
	kinds := map[string]string{}
	for _, c := range isms.Collections() {
		kinds[c.Name] = c.Kind
	}
	na := isms.NotApplicableForTest(soa.Edition2013)
	for _, r := range isms.BuiltinRules() {
		c13 := isms.RuleClause2013ForTest(r.ID, r.Clause)
		if slices.Contains(na, r.ID) {
			c13 = "n/a"
		}
		about := isms.SubjectSystem
		if r.Subjects != "" {
			about = kinds[r.Subjects]
		}
		what := r.Title
		if r.Guidance != "" {
			what += ". " + r.Guidance
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", r.ID, r.Clause, c13, r.Severity, about, cell(what))
	}
	b.WriteString("\n## Statement of Applicability checks (soa.Check)\n\n| rule | clause | severity | about | what it checks |\n|---|---|---|---|---|\n")
	for _, c := range soa.Checks() {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.ID, c.Clause, c.Severity, c.Subject, cell(c.Title+". "+c.Guidance))
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// TestRuleReference keeps docs/rules.md in step with the rules.
func TestRuleReference(t *testing.T) {
	got := ruleReference()
	if *updateDocs {
		if err := os.WriteFile(ruleRefPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(ruleRefPath)
	if err != nil {
		t.Fatalf("%v (run go test ./isms -run TestRuleReference -update-docs)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("docs/rules.md is stale (-file +code); run go test ./isms -run TestRuleReference -update-docs:\n%s", diff)
	}
}
