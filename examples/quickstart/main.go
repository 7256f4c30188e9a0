// Command quickstart shows the library's main job on an embedded sample.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

type risk struct {
	ID    string
	Owner string
	Loss  decimal.Decimal
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	riskType := rules.MustObjectType("sample.Risk",
		rules.StringField("id", func(r *risk) string { return r.ID }),
		rules.StringField("owner", func(r *risk) string { return r.Owner }),
		rules.DecimalField("annualLoss", func(r *risk) decimal.Decimal { return r.Loss }),
	)
	env, err := rules.NewEnv(rules.Objects(riskType))
	if err != nil {
		return err
	}
	set, err := rules.CompileRules(env,
		[]rules.Collection{{Name: "risks", Var: "risk", Kind: "risk", Type: riskType.Type()}},
		rules.Rule{ID: "risk-owner", Clause: "6.1.2 c)", Severity: rules.Major, Subjects: "risks",
			Condition: `risk.owner == ""`, Message: "risk {risk.id} has no owner"},
		rules.Rule{ID: "loss-review", Clause: "6.1.2 d)", Severity: rules.Observation, Subjects: "risks",
			Condition: `risk.annualLoss >= 100000`, Message: "risk {risk.id} expects {risk.annualLoss} a year; review its treatment"},
	)
	if err != nil {
		return err
	}
	register := []risk{
		{ID: "R-1", Owner: "CIO", Loss: decimal.RequireFromString("12500.00")},
		{ID: "R-2", Loss: decimal.RequireFromString("250000.50")},
		{ID: "R-10", Owner: "CFO", Loss: decimal.RequireFromString("100000")},
	}
	res, err := set.Evaluate(context.Background(), rules.Input{
		AsOf:     time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Subjects: map[string]rules.Items{"risks": rules.Slice(register, func(r *risk) string { return r.ID })},
	})
	if err != nil {
		return err
	}
	for _, f := range res.Findings {
		fmt.Fprintf(w, "%-9s %-12s %-8s %s\n", f.Clause, f.Severity.Title(), f.Subject.ID, f.Message)
	}
	return nil
}
