package rules_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

type Risk struct {
	ID    string
	Owner string
	Loss  decimal.Decimal
	Due   time.Time
}

var riskType = rules.MustObjectType("example.Risk",
	rules.StringField("id", func(r *Risk) string { return r.ID }),
	rules.StringField("owner", func(r *Risk) string { return r.Owner }),
	rules.DecimalField("annualLoss", func(r *Risk) decimal.Decimal { return r.Loss }),
	rules.TimeField("due", func(r *Risk) time.Time { return r.Due }),
)

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// An environment with a Go struct type and a variable; expressions
// compute with exact decimals and never read a clock.
func ExampleNewEnv() {
	env, err := rules.NewEnv(rules.Objects(riskType), rules.Variable("risk", riskType.Type()))
	if err != nil {
		fmt.Println(err)
		return
	}
	prg, err := env.Compile("share", "", `risk.annualLoss.div(3, 2)`, rules.DecimalType)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &Risk{ID: "R-1", Loss: decimal.RequireFromString("100.00")}
	third, err := prg.EvalDecimal(context.Background(), rules.NewVars(nil).Set("risk", r).SetAsOf(asOf))
	fmt.Println(third, err)
	// Output: 33.33 <nil>
}

// Compile errors name the rule, the expression and the position, all of
// them at once.
func ExampleEnv_Compile_errors() {
	env, _ := rules.NewEnv(rules.Objects(riskType), rules.Variable("risk", riskType.Type()))
	_, err := env.Compile("R-7", "condition", "risk.annualLos > 1000", rules.BoolType)
	var ces rules.CompileErrors
	if errors.As(err, &ces) {
		for _, ce := range ces {
			fmt.Printf("%s %s.%s at %d:%d\n", ce.Code, ce.ID, ce.Field, ce.Line, ce.Column)
		}
	}
	fmt.Println(errors.Is(err, rules.ErrCompile))
	// Output:
	// type R-7.condition at 1:5
	// true
}

func ExampleCompileRules() {
	env, _ := rules.NewEnv(rules.Objects(riskType))
	set, err := rules.CompileRules(env,
		[]rules.Collection{{Name: "risks", Var: "risk", Kind: "risk", Type: riskType.Type()}},
		rules.Rule{ID: "owner", Clause: "6.1.2 c)", Severity: rules.Major, Subjects: "risks",
			Condition: `risk.owner == ""`, Message: "risk {risk.id} has no owner"},
		rules.Rule{ID: "late", Clause: "6.1.3 e)", Severity: rules.Minor, Subjects: "risks",
			Condition: `risk.due < asOf`, Message: "risk {risk.id} was due {risk.due}"},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range set.Rules() {
		fmt.Println(r.Clause, r.ID)
	}
	// Output:
	// 6.1.2 c) owner
	// 6.1.3 e) late
}

// Evaluate a rule set with one rule re-graded and one finding waived.
func ExampleRuleSet_Evaluate() {
	env, _ := rules.NewEnv(rules.Objects(riskType))
	set, err := rules.CompileRules(env,
		[]rules.Collection{{Name: "risks", Var: "risk", Kind: "risk", Type: riskType.Type()}},
		rules.Rule{ID: "owner", Clause: "6.1.2 c)", Severity: rules.Major, Subjects: "risks",
			Condition: `risk.owner == ""`, Message: "risk {risk.id} has no owner"},
		rules.Rule{ID: "late", Clause: "6.1.3 e)", Severity: rules.Minor, Subjects: "risks",
			Condition: `risk.due < asOf`, Message: "risk {risk.id} was due {risk.due}"},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	register := []Risk{
		{ID: "R-1", Owner: "CIO", Due: asOf.AddDate(0, 0, -10)},
		{ID: "R-2", Due: asOf.AddDate(0, 1, 0)},
		{ID: "R-3", Owner: "CFO", Due: asOf.AddDate(0, 0, -1)},
	}
	res, err := set.Evaluate(context.Background(),
		rules.Input{AsOf: asOf, Subjects: map[string]rules.Items{
			"risks": rules.Slice(register, func(r *Risk) string { return r.ID })}},
		rules.Regrade("owner", rules.Minor),
		rules.Waive(rules.Waiver{RuleID: "late", Subject: rules.Subject{Kind: "risk", ID: "R-3"},
			Justification: "supplier delay agreed by the board", Expires: asOf.AddDate(0, 1, 0)}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Findings {
		fmt.Printf("%-8s %-5s %s: %s\n", f.Clause, f.Severity, f.Subject, f.Message)
	}
	for _, s := range res.Rules {
		fmt.Printf("%s: %d evaluated, %d failed, %d waived\n", s.RuleID, s.Evaluated, s.Failed, s.Waived)
	}
	// Output:
	// 6.1.2 c) minor risk R-2: risk R-2 has no owner
	// 6.1.3 e) minor risk R-1: risk R-1 was due 2026-11-13
	// owner: 3 evaluated, 1 failed, 0 waived
	// late: 3 evaluated, 1 failed, 1 waived
}

// A runaway expression ends with a limit error that names the limit.
func ExampleLimitError() {
	env, _ := rules.NewEnv(rules.WithCostLimit(10_000))
	prg, err := env.Compile("busy", "", "lists.range(100000).all(i, i >= 0)", rules.BoolType)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = prg.EvalBool(context.Background(), nil)
	var le *rules.LimitError
	if errors.As(err, &le) {
		fmt.Println(le.Limit, le.Value, errors.Is(err, rules.ErrLimit))
	}
	// Output: cost 10000 true
}

func ExampleParsePeriod() {
	p, err := rules.ParsePeriod("P1M")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p, p.AddTo(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)).Format(time.DateOnly))
	_, err = rules.ParsePeriod("one month")
	fmt.Println(err)
	// Output:
	// P1M 2026-02-28
	// invalid period "one month": want a form such as P12M or P90D
}

func ExampleEnv_CompileTemplate() {
	env, _ := rules.NewEnv(rules.Objects(riskType), rules.Variable("risk", riskType.Type()))
	tpl, err := env.CompileTemplate("msg", "message", "{risk.id} loses {risk.annualLoss} a year {{estimate}}")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &Risk{ID: "R-4", Loss: decimal.RequireFromString("1200.50")}
	s, err := tpl.Execute(context.Background(), rules.NewVars(nil).Set("risk", r))
	fmt.Println(s, err)
	// Output: R-4 loses 1200.50 a year {estimate} <nil>
}

// A hostile expression doubles a list 22 times with cel.bind, which
// would make four million items in a few hundred characters. The size
// cap stops it at the first list past the limit, before it is built.
func ExampleWithMaxListSize() {
	env, _ := rules.NewEnv(rules.WithMaxListSize(1000))
	expr := "cel.bind(l0, [1], "
	for i := 1; i <= 22; i++ {
		expr += fmt.Sprintf("cel.bind(l%d, l%d + l%d, ", i, i-1, i-1)
	}
	expr += "l22 == l22" + strings.Repeat(")", 23)
	prg, err := env.Compile("hostile", "condition", expr, rules.BoolType)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = prg.EvalBool(context.Background(), nil)
	var le *rules.LimitError
	if errors.As(err, &le) {
		fmt.Println(le.Limit, le.Value)
	}
	fmt.Println(err)
	// Output:
	// size 1000
	// hostile.condition: size limit exceeded (limit 1000): a list of 1024 items
}

// Decoders check a number's length before parsing it.
func ExampleCheckNumberLength() {
	fmt.Println(rules.CheckNumberLength("12500.50"))
	err := rules.CheckNumberLength(strings.Repeat("9", 1000))
	fmt.Println(errors.Is(err, rules.ErrLimit), err)
	// Output:
	// <nil>
	// true number limit exceeded (limit 160): a number of 1000 characters
}

// The zero values of the package's types are not usable; their methods
// say so with an error instead of panicking.
func ExampleErrZeroValue() {
	var env rules.Env
	_, err := env.Compile("x", "", "true", nil)
	fmt.Println(errors.Is(err, rules.ErrZeroValue))
	var rs *rules.RuleSet
	_, err = rs.Evaluate(context.Background(), rules.Input{})
	fmt.Println(errors.Is(err, rules.ErrZeroValue))
	// Output:
	// true
	// true
}
