package isms_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/rules"
)

// Check a snapshot with one built-in rule disabled, one re-graded, and
// an organization rule of its own; print the non-SoA findings.
func ExampleCheck() {
	data, err := os.ReadFile("testdata/minimal.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	sys, err := isms.DecodeJSON(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	asOf := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	rep, err := isms.Check(context.Background(), sys, asOf,
		isms.Disable("7.5-mandatory-item", "7.5-document-review"),
		isms.Regrade("8.3-action-overdue", rules.Major),
		isms.WithRules(rules.Rule{ID: "org-supplier-expiry", Clause: "8.1", Severity: rules.Minor,
			Subjects: isms.CollSuppliers, Title: "Supplier agreement without expiry",
			Condition: `!has(supplier.agreement.expires)`,
			Message:   "the agreement with {supplier.id} never expires"}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range rep.Findings {
		if f.RuleID[:4] != "soa." {
			fmt.Printf("%-8s %-11s %s\n", f.Clause, f.Severity, f.Message)
		}
	}
	fmt.Println("major findings:", rep.HasMajor())
	// Output:
	// 4.2      observation interested party IP-2 has not been looked at again within P12M
	// 5.3      observation role R-AUD has not been approved
	// 6.3      minor       planned change CH-1 to the ISMS lacks a plan, a responsible person or a deadline
	// 7.2 a)   minor       role R-AUD states no required competence
	// 7.3      minor       awareness completion is 92.50 %, below the target of 95.00 %
	// 7.5.2    minor       document D-POL lacks approval
	// 8.1      minor       the agreement with S-1 never expires
	// 8.3      major       action R-1/A-1 was due 2024-06-30
	// 9.2.2    minor       not audited within the programme's cycle: control 8.9, control C-MDM, process PR-2
	// major findings: true
}
