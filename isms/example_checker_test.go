package isms_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/rules"
)

// An organization rule compiled once with the built-in ones; printing
// only its findings keeps the example stable while the built-in rules
// evolve.
func ExampleNewChecker() {
	checker, err := isms.NewChecker(isms.WithRules(rules.Rule{
		ID: "org-supplier-expiry", Clause: "8.1", Severity: rules.Minor,
		Subjects: isms.CollSuppliers, Title: "Supplier agreement without expiry",
		Condition: `!has(supplier.agreement.expires)`,
		Message:   "the agreement with {supplier.id} never expires"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("compiled:", checker != nil)

	// A rule that does not compile is reported with its ID, field and position.
	_, err = isms.NewChecker(isms.WithRules(rules.Rule{
		ID: "org-broken", Clause: "8.1", Severity: rules.Minor, Title: "Broken",
		Condition: `system.suppliers.size() / decimal("2") > 1`, Message: "never"}))
	fmt.Println(err)
	// Output:
	// compiled: true
	// isms: compile rules: org-broken.condition:1:25: found no matching overload for '_/_' applied to '(int, decimal)': decimals have no / operator; write a.div(b, places) or a.div(b, places, "half_even") (see docs/cel.md)
}

// One Checker checks many snapshots, concurrently if need be.
func ExampleChecker_Check() {
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
	checker, err := isms.NewChecker(isms.WithRules(rules.Rule{
		ID: "org-supplier-expiry", Clause: "8.1", Severity: rules.Minor,
		Subjects: isms.CollSuppliers, Title: "Supplier agreement without expiry",
		Condition: `!has(supplier.agreement.expires)`,
		Message:   "the agreement with {supplier.id} never expires"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, asOf := range []time.Time{
		time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
	} {
		rep, err := checker.Check(context.Background(), sys, asOf)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, f := range rep.Findings {
			if f.RuleID == "org-supplier-expiry" {
				fmt.Println(asOf.Format(time.DateOnly), f.Subject.Kind, f.Subject.ID, f.Message)
			}
		}
	}
	// Output:
	// 2024-07-01 supplier S-1 the agreement with S-1 never expires
	// 2025-07-01 supplier S-1 the agreement with S-1 never expires
}
