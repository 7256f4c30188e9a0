package risk_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

var asOf = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)

func n(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// exampleRegister is a small register rated on the default 5×5 scales.
func exampleRegister() risk.Register {
	return risk.Register{ID: "acme", Risks: []risk.Risk{
		{ID: "R-1", Title: "Ransomware on the file servers", Owner: "cio",
			Inherent: &risk.Rating{Likelihood: n("4"), Consequences: map[string]decimal.Decimal{risk.DimAvailability: n("5")}},
			Residual: &risk.Rating{Likelihood: n("2"), Consequences: map[string]decimal.Decimal{risk.DimAvailability: n("4")}},
			Treatment: &risk.Treatment{Options: []risk.Option{risk.Modify}, Controls: []string{"8.13"}, Actions: []risk.Action{
				{ID: "A1", Description: "offline backups", Owner: "ops", Due: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Status: risk.InProgress},
			}},
			Decision: risk.OwnerDecision{PlanApproved: risk.Approval{By: "cio", On: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)}}},
		{ID: "R-2", Title: "Laptop theft", Owner: "it",
			Inherent: &risk.Rating{Likelihood: n("3"), Consequences: map[string]decimal.Decimal{risk.DimConfidentiality: n("2")}}},
		{ID: "R-10", Title: "Supplier outage", Owner: "coo",
			Inherent: &risk.Rating{Likelihood: n("3"), Consequences: map[string]decimal.Decimal{risk.DimOperational: n("4"), risk.DimFinancial: n("3")}}},
		{ID: "R-3", Title: "Opportunity: a shared SOC", Kind: risk.ISMSOpportunity},
	}}
}

func ExampleCompile() {
	engine, err := risk.Compile(risk.Default5x5())
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, err := engine.Rate(context.Background(), &risk.Rating{
		Likelihood:   n("3"),
		Consequences: map[string]decimal.Decimal{risk.DimFinancial: n("2"), risk.DimLegal: n("4")},
	}, nil, asOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(engine.Criteria().ID, engine.Fingerprint()[:15])
	fmt.Printf("score %s: %s (rank %d), acceptable %t\n", ev.Score, ev.Level, ev.Rank, ev.Acceptable)
	fmt.Printf("level %s from cell %s\n", ev.Explanation.LevelBy, ev.Explanation.Cell)
	// Output:
	// default-5x5 sha256:53d8339a
	// score 12: high (rank 3), acceptable false
	// level tabulated from cell likelihood=3,consequence=4
}

// Criteria are the organization's own: here a quantitative method whose
// level follows from the annualized loss expectancy.
func ExampleCompile_quantitative() {
	money := risk.Scale{Name: "Loss per event", Kind: risk.Quantitative, Unit: "EUR"}
	engine, err := risk.Compile(risk.Criteria{
		ID: "ale", Version: "2026.1",
		Approval:       risk.Approval{By: "Management board", On: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)},
		Likelihood:     risk.Scale{Name: "Loss events per year", Kind: risk.Quantitative},
		Consequence:    money,
		Dimensions:     []risk.Dimension{{ID: risk.DimFinancial, Scale: money}},
		Levels:         []risk.Level{{Name: "low", Rank: 1}, {Name: "high", Rank: 2}},
		LevelRule:      `ale >= decimal("50000") ? "high" : "low"`,
		AcceptanceRule: `level == "low"`,
	}, rules.WithCostLimit(1000))
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, err := engine.Rate(context.Background(), &risk.Rating{
		Likelihood:   n("0.25"),
		Consequences: map[string]decimal.Decimal{risk.DimFinancial: n("240000.00")},
		Quantitative: &risk.QuantInputs{Frequency: n("0.25"), Magnitude: n("240000.00"), Currency: "EUR"},
	}, nil, asOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rules.FormatDecimal(ev.ALE), ev.Level, ev.Acceptable, ev.Explanation.LevelBy)
	// Output:
	// 60000.0000 high false cel
}

func ExampleCriteria_Validate() {
	c := risk.Default5x5()
	c.Version = ""
	c.Likelihood.Levels[2].Value = n("2")
	c.Levels[1].Color = "amber"
	err := c.Validate()
	var fe *risk.FieldError
	fmt.Println(errors.As(err, &fe), errors.Is(err, risk.ErrInvalid))
	fmt.Println(err)
	// Output:
	// true true
	// version: criteria need a version
	// likelihood.levels[2].value: duplicate value 2 (also likelihood.levels[1])
	// levels[1].color: "amber" is not a colour of the form #rrggbb
}

func ExampleCriteria_Validate_cells() {
	c := risk.Default5x5()
	c.LevelRule = `score > 16 ? "critical" : score > 12 ? "severe" : "low"`
	fmt.Println(c.Validate())
	// Output:
	// levelRule[likelihood=3,consequence=5]: the level rule yields "severe", which is not a risk level (want "low", "medium", "high" or "critical")
	// levelRule[likelihood=4,consequence=4]: the level rule yields "severe", which is not a risk level (want "low", "medium", "high" or "critical")
	// levelRule[likelihood=5,consequence=3]: the level rule yields "severe", which is not a risk level (want "low", "medium", "high" or "critical")
}

func ExampleEngine_Assess() {
	engine, err := risk.Compile(risk.Default5x5())
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := engine.Assess(context.Background(), exampleRegister(), asOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range a.Results {
		if r.Status != risk.Assessed {
			fmt.Printf("%-5s %s\n", r.ID, r.Status)
			continue
		}
		fmt.Printf("%-5s %-8s score %-2s acceptable %-5t residual %s\n",
			r.ID, r.Inherent.Level, r.Inherent.Score, r.Inherent.Acceptable, r.Residual.Level)
	}
	fmt.Println(a.Summary.Unacceptable, "unacceptable before treatment,", a.Summary.ResidualUnacceptable, "after")
	// Output:
	// R-1   critical score 20 acceptable false residual medium
	// R-10  high     score 12 acceptable false residual high
	// R-2   medium   score 6  acceptable true  residual medium
	// R-3   not-analysed
	// 2 unacceptable before treatment, 1 after
}

func ExampleEngine_ValidateRegister() {
	engine, err := risk.Compile(risk.Default5x5())
	if err != nil {
		fmt.Println(err)
		return
	}
	err = engine.ValidateRegister(risk.Register{Risks: []risk.Risk{
		{ID: "R-1", Inherent: &risk.Rating{Likelihood: n("6"), Consequences: map[string]decimal.Decimal{"morale": n("2")}}},
		{ID: "R-1", Treatment: &risk.Treatment{Options: []risk.Option{"ignore"}}},
	}})
	fmt.Println(err)
	// Output:
	// risks[0].inherent.likelihood: 6 is not a value of the likelihood scale (1, 2, 3, 4, 5)
	// risks[0].inherent.consequences.morale: unknown consequence dimension "morale" (want "financial", "reputational", "operational", "legal", "confidentiality", "integrity" or "availability")
	// risks[1].id: duplicate risk ID "R-1" (also risks[0])
	// risks[1].treatment.options[0]: unknown treatment option "ignore" (want avoid, take, modify, share or retain)
}

func ExampleCompare() {
	engine, err := risk.Compile(risk.Default5x5())
	if err != nil {
		fmt.Println(err)
		return
	}
	reg := exampleRegister()
	before, _ := engine.Assess(context.Background(), reg, asOf)

	reg.Risks[1].Inherent = &risk.Rating{Likelihood: n("4"), Consequences: map[string]decimal.Decimal{risk.DimConfidentiality: n("4")}}
	reg.Risks = reg.Risks[1:] // R-1 is closed
	after, _ := engine.Assess(context.Background(), reg, asOf.AddDate(0, 3, 0))

	c := risk.Compare(before, after)
	fmt.Println("criteria changed:", c.CriteriaChanged)
	for _, ch := range c.Changes {
		fmt.Println(ch.RiskID, ch.Kinds)
	}
	// Output:
	// criteria changed: false
	// R-1 [removed]
	// R-2 [level-up acceptance-changed residual-level-up residual-acceptance-changed]
}

func ExampleEngine_Plan() {
	engine, err := risk.Compile(risk.Default5x5())
	if err != nil {
		fmt.Println(err)
		return
	}
	reg := exampleRegister()
	a, _ := engine.Assess(context.Background(), reg, asOf)
	plan := engine.Plan(reg, a, asOf)
	for _, it := range plan.Items {
		fmt.Printf("%s %v controls %v: %s -> %s\n", it.RiskID, it.Options, it.Controls, it.Inherent.Level, it.ExpectedResidual.Level)
		for _, note := range it.Attention {
			fmt.Println("  !", note)
		}
	}
	fmt.Println("untreated:", plan.Untreated)
	for _, o := range plan.Overdue {
		fmt.Printf("overdue: %s %s (%s) by %d days\n", o.RiskID, o.ActionID, o.Owner, o.DaysOverdue)
	}
	// Output:
	// R-1 [modify] controls [8.13]: critical -> medium
	//   ! the risk owner has not accepted the residual risk
	//   ! 1 of 1 actions are overdue
	// untreated: [R-10]
	// overdue: R-1 A1 (ops) by 30 days
}

func ExampleHeatMap_WriteText() {
	engine, err := risk.Compile(risk.Default3x3())
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := engine.Assess(context.Background(), risk.Register{Risks: []risk.Risk{
		{ID: "R-1", Inherent: &risk.Rating{Likelihood: n("3"), Consequences: map[string]decimal.Decimal{risk.DimAvailability: n("3")}},
			Residual: &risk.Rating{Likelihood: n("1"), Consequences: map[string]decimal.Decimal{risk.DimAvailability: n("3")}}},
		{ID: "R-2", Inherent: &risk.Rating{Likelihood: n("2"), Consequences: map[string]decimal.Decimal{risk.DimIntegrity: n("2")}}},
	}}, asOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	h, err := engine.HeatMap(a)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := h.WriteText(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Inherent risk: 2 risks on the grid
	//        +--------+--------+--------+
	// high   |    . M |    . H |    1 H |
	// medium |    . L |    1 M |    . H |
	// low    |    . L |    . L |    . M |
	//        +--------+--------+--------+
	//         low      medium   high
	//
	// Residual risk: 2 risks on the grid
	//        +--------+--------+--------+
	// high   |    . M |    . H |    . H |
	// medium |    . L |    1 M |    . H |
	// low    |    . L |    . L |    1 M |
	//        +--------+--------+--------+
	//         low      medium   high
	//
	// Rows: likelihood, highest on top. Columns: consequence, lowest on the left.
	// Levels: L low, M medium, H high
}

// A register that passed ValidateRegister need not be checked again on
// every assessment: Prevalidated skips the checks but still places each
// rating on the scales, so a rating that is off them is still an error.
func ExamplePrevalidated() {
	engine, err := risk.Compile(risk.Default5x5())
	if err != nil {
		fmt.Println(err)
		return
	}
	reg := exampleRegister()
	if err := engine.ValidateRegister(reg); err != nil {
		fmt.Println(err)
		return
	}
	a, err := engine.Assess(context.Background(), reg, asOf, risk.Prevalidated())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range a.Results {
		fmt.Println(r.ID, r.Status)
	}
	reg.Risks[1].Inherent.Likelihood = n("9")
	_, err = engine.Assess(context.Background(), reg, asOf, risk.Prevalidated())
	fmt.Println(errors.Is(err, risk.ErrInvalid))
	// Output:
	// R-1 assessed
	// R-10 assessed
	// R-2 assessed
	// R-3 not-analysed
	// true
}

// A dashboard over a large register needs levels and priorities, not
// every rated value in every explanation: OmitInputs leaves the inputs
// out, and Rate explains one risk when someone asks.
func ExampleOmitInputs() {
	engine, err := risk.Compile(risk.Default5x5())
	if err != nil {
		fmt.Println(err)
		return
	}
	reg := exampleRegister()
	a, err := engine.Assess(context.Background(), reg, asOf, risk.OmitInputs())
	if err != nil {
		fmt.Println(err)
		return
	}
	top := a.Results[0]
	fmt.Println(top.ID, top.Inherent.Level, top.Inherent.Explanation.Cell, len(top.Inherent.Explanation.Inputs))

	// Explain it on demand.
	r := reg.Risks[slices.IndexFunc(reg.Risks, func(r risk.Risk) bool { return r.ID == top.ID })]
	ev, err := engine.Rate(context.Background(), r.Inherent, r.Attributes, asOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, in := range ev.Explanation.Inputs {
		fmt.Printf("%s = %s\n", in.Name, in.Value)
	}
	// Output:
	// R-1 critical likelihood=4,consequence=5 0
	// likelihood = 4
	// consequences.availability = 5
}
