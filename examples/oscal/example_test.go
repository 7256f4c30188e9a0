package oscal_test

import (
	"fmt"
	"time"

	"github.com/isms-go/iso27003/examples/oscal"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/rules"
)

// A report with one finding becomes one result with an observation about
// the subject and a finding on the clause.
func ExampleExport() {
	report := &isms.Report{
		Organization: "Example Ltd",
		Edition:      "2022",
		AsOf:         time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
		Findings: []rules.Finding{{
			RuleID:   "6.1.2-risk-owner",
			Clause:   "6.1.2",
			Severity: rules.Minor,
			Subject:  rules.Subject{Kind: "risk", ID: "R-7"},
			Message:  "risk R-7 has no owner",
		}},
	}
	doc, err := oscal.Export(report, oscal.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	res := doc.AssessmentResults.Results[0]
	f, o := (*res.Findings)[0], (*res.Observations)[0]
	fmt.Println(doc.AssessmentResults.Metadata.Title)
	fmt.Println(f.Title)
	fmt.Println(f.Target.TargetId, f.Target.Status.State)
	fmt.Println((*o.Subjects)[0].Type, (*o.Subjects)[0].Title, o.Collected.Format(time.RFC3339))
	fmt.Println(f.UUID)
	// Output:
	// ISMS conformance check of Example Ltd
	// minor nonconformity (clause 6.1.2): risk R-7
	// iso27001-2022-clause-6.1.2 not-satisfied
	// inventory-item risk R-7 2026-03-31T00:00:00Z
	// 2a8b3db3-04d4-59f3-8a30-ea776f758629
}
