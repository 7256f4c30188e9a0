// Command quickstart shows the library's main job on an embedded sample:
// the ISMS of Invoxa Ltd, a fictional 60-person SaaS invoicing company.
// It compiles the risk criteria, assesses the register, and prints the
// risks in treatment-priority order, the heat map before and after
// treatment, the Statement of Applicability summary, the overdue
// treatment actions and the findings of the conformance checks grouped
// by clause.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/isms-go/iso27003/examples/internal/show"
	"github.com/isms-go/iso27003/examples/sample"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/soa"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	ctx := context.Background()
	asOf := sample.AsOf // the library reads no clock: the caller says when

	// The ISMS snapshot, as a GRC product would hand it over.
	sys, err := sample.System()
	if err != nil {
		return err
	}
	if err := sys.Validate(); err != nil {
		return err // every problem at once, each with its field path
	}

	// Compile the organization's risk criteria once; assess the register.
	engine, err := risk.Compile(sys.Criteria)
	if err != nil {
		return err
	}
	assessment, err := engine.Assess(ctx, sys.Register, asOf)
	if err != nil {
		return err
	}
	heatMap, err := engine.HeatMap(assessment)
	if err != nil {
		return err
	}

	// Check the whole system, clause by clause, SoA included.
	report, err := isms.Check(ctx, sys, asOf)
	if err != nil {
		return err
	}

	res := &show.Result{
		Organization: sys.Organization,
		AsOf:         asOf,
		Assessment:   assessment,
		HeatMap:      heatMap,
		Plan:         engine.Plan(sys.Register, assessment, asOf),
		SoA:          soa.Summarize(sys.SoA, nil),
		Findings:     report.Findings,
		Report:       report,
	}
	return res.WriteText(w)
}
