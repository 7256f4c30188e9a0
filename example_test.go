package iso27003_test

import (
	"context"
	"fmt"

	"github.com/isms-go/iso27003/examples/sample"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/soa"
)

// The code tour of the README: compile criteria, assess the register,
// build and check the Statement of Applicability, check the whole system.
func Example() {
	ctx := context.Background()
	sys, err := sample.System() // or isms.DecodeJSON(data) from your own store
	if err != nil {
		fmt.Println(err)
		return
	}

	// 6.1.2: the organization's criteria compile once; the engine is
	// immutable and can assess many registers concurrently.
	engine, err := risk.Compile(sys.Criteria)
	if err != nil {
		fmt.Println(err) // every problem, with field paths and line:column
		return
	}
	assessment, err := engine.Assess(ctx, sys.Register, sample.AsOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	top := assessment.Results[0]
	fmt.Println("highest priority:", top.ID, top.Inherent.Level)

	// 6.1.3 d): a draft SoA from the treatment plan, and its findings.
	catalog, _ := soa.Catalog2022().WithCustom(sys.SoA.Custom...)
	draft, err := soa.Build(catalog, sys.Register)
	if err != nil {
		fmt.Println(err)
		return
	}
	findings := soa.Check(draft, catalog, sys.Register, sample.AsOf, soa.CheckOptions{})
	fmt.Println("draft SoA:", len(draft.Entries), "entries,", len(findings) > 0, "findings to settle")

	// Clauses 4 to 10: every built-in rule, the SoA checks, one report.
	report, err := isms.Check(ctx, sys, sample.AsOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("major nonconformity:", report.HasMajor())
	// Output:
	// highest priority: R-3 high
	// draft SoA: 93 entries, true findings to settle
	// major nonconformity: true
}
