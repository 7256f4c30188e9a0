// Command criteria shows an organization's own risk methodology: the
// consequence of an event in money, its likelihood in events per year,
// and the level and acceptance rules written in CEL. The criteria are
// compiled once and used to rate a few risks; an organization-defined
// conformance rule then runs over the results. Finally a broken rule
// shows what a compile error looks like and how to handle it.
//
//	go run ./examples/criteria
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "criteria:", err)
		os.Exit(1)
	}
}

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// levelRule grades a risk by its annualized loss expectancy: score is
// likelihood (events per year) times consequence (EUR per event).
const levelRule = `score >= decimal("250000") ? "severe" :
score >= decimal("50000") ? "significant" :
score >= decimal("5000") ? "moderate" :
"minor"`

// acceptanceRule accepts minor risks, and moderate ones only when a
// single event would cost less than 100 000 EUR: the board will not
// carry a rare event that could sink the company.
const acceptanceRule = `level == "minor" ||
(level == "moderate" && consequence < decimal("100000"))`

// Criteria returns the methodology of a fictional company.
func Criteria() risk.Criteria {
	money := risk.Scale{Name: "Loss per event", Kind: risk.Quantitative, Unit: "EUR"}
	return risk.Criteria{
		ID:          "invoxa-ale",
		Version:     "2026.2",
		Title:       "Annualized loss expectancy",
		Description: "Likelihood in loss events per year, consequence in EUR per event.",
		Approval:    risk.Approval{By: "Management board", On: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		Likelihood:  risk.Scale{Name: "Loss events per year", Kind: risk.Quantitative, Unit: "events/year"},
		Consequence: money,
		Dimensions: []risk.Dimension{
			{ID: risk.DimFinancial, Name: "Direct loss", Scale: money},
			{ID: risk.DimLegal, Name: "Fines and claims", Scale: money},
		},
		Levels: []risk.Level{
			{Name: "minor", Rank: 1, Color: "#2e7d32"},
			{Name: "moderate", Rank: 2, Color: "#f9a825"},
			{Name: "significant", Rank: 3, Color: "#ef6c00"},
			{Name: "severe", Rank: 4, Color: "#c62828"},
		},
		// The consequence of an event is what it costs in total.
		CombineRule:    `consequences["financial"] + consequences["legal"]`,
		LevelRule:      levelRule,
		AcceptanceRule: acceptanceRule,
	}
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func rating(perYear, direct, fines string) *risk.Rating {
	return &risk.Rating{Likelihood: d(perYear), Consequences: map[string]decimal.Decimal{
		risk.DimFinancial: d(direct), risk.DimLegal: d(fines)}}
}

// Register returns a few risks rated under the criteria.
func Register() risk.Register {
	return risk.Register{ID: "ale-demo", Risks: []risk.Risk{
		{ID: "R-1", Title: "Ransomware outage of the platform", Owner: "CTO",
			Inherent: rating("0.3", "400000", "150000"), Residual: rating("0.1", "120000", "50000"),
			Treatment: &risk.Treatment{Options: []risk.Option{risk.Modify}, Controls: []string{"8.13", "8.7"}}},
		{ID: "R-2", Title: "Data breach, GDPR fine", Owner: "CFO",
			Inherent: rating("0.05", "60000", "900000")},
		{ID: "R-3", Title: "Card fraud on payment page", Owner: "COO",
			Inherent: rating("4", "2500", "0"), Residual: rating("1", "2500", "0"),
			Treatment: &risk.Treatment{Options: []risk.Option{risk.Share}}},
		{ID: "R-4", Title: "Laptop theft", Owner: "",
			Inherent: rating("2", "1800", "0")},
		{ID: "R-5", Title: "Cloud region down 3 days", Owner: "CTO",
			Inherent: rating("0.02", "250000", "0")},
	}}
}

// riskView is what the organization's conformance rules see of a risk.
type riskView struct {
	ID, Owner, Level string
	ALE              decimal.Decimal
	Acceptable       bool
	Treated          bool
}

var riskType = rules.MustObjectType("org.Risk",
	rules.StringField("id", func(r *riskView) string { return r.ID }),
	rules.StringField("owner", func(r *riskView) string { return r.Owner }),
	rules.StringField("level", func(r *riskView) string { return r.Level }),
	rules.DecimalField("ale", func(r *riskView) decimal.Decimal { return r.ALE }),
	rules.BoolField("acceptable", func(r *riskView) bool { return r.Acceptable }),
	rules.BoolField("treated", func(r *riskView) bool { return r.Treated }),
)

// OrgRules are the organization's own conformance rules.
func OrgRules() []rules.Rule {
	return []rules.Rule{
		{ID: "org.untreated-loss", Clause: "6.1.3 a)", Severity: rules.Major, Subjects: "risks",
			Title:     "Unacceptable risks need a treatment",
			Condition: `!risk.acceptable && !risk.treated`,
			Message:   "risk {risk.id} ({risk.level}) expects a loss of {risk.ale} EUR a year and has no treatment",
			Guidance:  "Choose a treatment option or record the board's acceptance."},
		{ID: "org.risk-owner", Clause: "6.1.2 c) 2)", Severity: rules.Minor, Subjects: "risks",
			Title:     "Every risk has an owner",
			Condition: `risk.owner == ""`,
			Message:   "risk {risk.id} has no owner"},
	}
}

func compileRules(rs ...rules.Rule) (*rules.RuleSet, error) {
	env, err := rules.NewEnv(rules.Objects(riskType))
	if err != nil {
		return nil, err
	}
	return rules.CompileRules(env,
		[]rules.Collection{{Name: "risks", Var: "risk", Kind: "risk", Type: riskType.Type()}}, rs...)
}

func run(w io.Writer) error {
	ctx := context.Background()
	crit := Criteria()
	engine, err := risk.Compile(crit, rules.WithCostLimit(10_000))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Criteria %s %s, fingerprint\n  %s\n\n", crit.ID, crit.Version, engine.Fingerprint())

	// Rate one risk on its own, with its explanation.
	ev, err := engine.Rate(ctx, rating("0.5", "30000", "20000"), nil, asOf)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "One rating: 0.5 events/year x 50000 EUR = %s EUR/year\n  level %s, acceptable %t\n",
		rules.FormatDecimal(ev.Score), ev.Level, ev.Acceptable)
	fmt.Fprintf(w, "  consequence by %s, level by %s, acceptance by %s\n\n",
		ev.Explanation.CombinedBy, ev.Explanation.LevelBy, ev.Explanation.AcceptanceBy)

	// Assess a register.
	reg := Register()
	a, err := engine.Assess(ctx, reg, asOf)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Register (\"!\" marks a level outside the acceptance criteria):")
	fmt.Fprintf(w, "%-4s %-13s %9s %11s %-13s %s\n", "ID", "LEVEL", "EVENTS/YR", "EUR/YEAR", "RESIDUAL", "TITLE")
	views := make([]riskView, 0, len(a.Results))
	for _, res := range a.Results {
		in := res.Inherent
		resid := "(same)"
		if !res.ResidualFromInherent {
			resid = mark(res.Residual)
		}
		fmt.Fprintf(w, "%-4s %-13s %9s %11s %-13s %s\n", res.ID, mark(in), in.Likelihood, in.Score.StringFixed(0),
			resid, clip(res.Title, 80-56))
		r := reg.Risks[indexOf(reg, res.ID)]
		views = append(views, riskView{ID: res.ID, Owner: res.Owner, Level: in.Level, ALE: in.Score.Round(0),
			Acceptable: res.Residual.Acceptable, Treated: r.Treatment != nil})
	}

	// The organization's own conformance rules, over the results.
	set, err := compileRules(OrgRules()...)
	if err != nil {
		return err
	}
	out, err := set.Evaluate(ctx, rules.Input{AsOf: asOf,
		Subjects: map[string]rules.Items{"risks": rules.Slice(views, func(v *riskView) string { return v.ID })}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nOrganization rules: %d findings\n", len(out.Findings))
	for _, f := range out.Findings {
		wrap(w, fmt.Sprintf("  %-11s %-5s ", f.Clause, f.Severity), f.Message)
	}

	// A broken methodology: compile errors come back all at once, each
	// with the rule, the field, and the line and column in the expression.
	bad := Criteria()
	bad.LevelRule = `score >= decimal("250000") ? "severe" :
scroe >= decimal("50000") ? "significant" : "minor"`
	bad.AcceptanceRule = `level == "minor" ||`
	fmt.Fprintln(w, "\nCompiling criteria with two broken rules:")
	if _, err := risk.Compile(bad); err != nil {
		printCompileErrors(w, err)
	}
	fmt.Fprintln(w, "\nCompiling an organization rule with a misspelt field:")
	typo := OrgRules()[1]
	typo.Condition = `risk.onwer == ""`
	if _, err := compileRules(typo); err != nil {
		printCompileErrors(w, err)
	}
	return nil
}

// printCompileErrors lists every *rules.CompileError in err; any other
// error is printed as it is.
func printCompileErrors(w io.Writer, err error) {
	var found []*rules.CompileError
	var walk func(error)
	walk = func(e error) {
		if ce, ok := e.(*rules.CompileError); ok {
			found = append(found, ce)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			if x := u.Unwrap(); x != nil {
				walk(x)
			}
		}
	}
	walk(err)
	if len(found) == 0 {
		fmt.Fprintf(w, "  %v\n", err)
		return
	}
	for _, ce := range found {
		fmt.Fprintf(w, "  rule %s, field %s, line %d, column %d, %s error:\n", ce.ID, ce.Field, ce.Line, ce.Column, ce.Code)
		wrap(w, "    ", ce.Message)
	}
	fmt.Fprintf(w, "  errors.Is(err, rules.ErrCompile) = %t\n", errors.Is(err, rules.ErrCompile))
}

func mark(e *risk.Evaluation) string {
	if e.Acceptable {
		return e.Level
	}
	return e.Level + " !"
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "~"
}

// wrap writes head and text, wrapped at 80 columns with continuation
// lines indented by the head's width.
func wrap(w io.Writer, head, text string) {
	line := head
	indent := strings.Repeat(" ", len(head))
	for _, word := range strings.Fields(text) {
		if len(line)+len(word) > 80 && len(line) > len(indent) {
			fmt.Fprintln(w, strings.TrimRight(line, " "))
			line = indent
		}
		line += word + " "
	}
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}

func indexOf(reg risk.Register, id string) int {
	for i, r := range reg.Risks {
		if r.ID == id {
			return i
		}
	}
	return -1
}
