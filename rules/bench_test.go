package rules

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// benchRegister builds n risks deterministically.
func benchRegister(n int) []tRisk {
	reg := make([]tRisk, n)
	for i := range reg {
		r := &reg[i]
		r.ID = fmt.Sprintf("R-%d", i)
		r.Title = "risk"
		r.Loss = decimal.New(int64(i%997)*1000, -2)
		if i%3 != 0 {
			r.Owner = &tOwner{Name: "o"}
		}
		r.Actions = []tAction{{ID: "A", Due: tAsOf.AddDate(0, 0, i%60-30)}}
	}
	return reg
}

const benchCondition = `!has(risk.owner) || (risk.loss > 5000 && risk.actions.exists(a, a.due < asOf))`

// nativeCheck is benchCondition written in Go.
func nativeCheck(r *tRisk, asOf time.Time, threshold decimal.Decimal) bool {
	if r.Owner == nil {
		return true
	}
	if !r.Loss.GreaterThan(threshold) {
		return false
	}
	for _, a := range r.Actions {
		if a.Due.Before(asOf) {
			return true
		}
	}
	return false
}

// BenchmarkRuleCEL evaluates one rule over 10k subjects through the rule
// set, findings and all; BenchmarkRuleNative does the same in Go.
// Compare ns/op and allocs/op of the two.
func BenchmarkRuleCEL(b *testing.B) {
	env := tEnv(b)
	rs, err := CompileRules(env, []Collection{tRisks}, Rule{ID: "r", Clause: "6.1.3", Severity: Minor, Subjects: "risks",
		Condition: benchCondition, Message: "risk {risk.id} needs attention"})
	if err != nil {
		b.Fatal(err)
	}
	reg := benchRegister(10_000)
	in := Input{AsOf: tAsOf, Subjects: tItems(reg)}
	b.ReportAllocs()
	for b.Loop() {
		res, err := rs.Evaluate(context.Background(), in, Parallelism(1))
		if err != nil || len(res.Findings) == 0 {
			b.Fatal(err)
		}
	}
}

func BenchmarkRuleNative(b *testing.B) {
	reg := benchRegister(10_000)
	threshold := decimal.NewFromInt(5000)
	b.ReportAllocs()
	for b.Loop() {
		var out []Finding
		for i := range reg {
			r := &reg[i]
			if nativeCheck(r, tAsOf, threshold) {
				out = append(out, Finding{RuleID: "r", Clause: "6.1.3", Severity: Minor, Subject: Subject{"risk", r.ID},
					Message: "risk " + r.ID + " needs attention"})
			}
		}
		if len(out) == 0 {
			b.Fatal("no findings")
		}
	}
}

// BenchmarkConditionOnly isolates the CEL condition per subject.
func BenchmarkConditionOnly(b *testing.B) {
	env := tEnv(b, Variable("risk", tRiskType.Type()))
	p, err := env.Compile("r", "", benchCondition, BoolType)
	if err != nil {
		b.Fatal(err)
	}
	reg := benchRegister(10_000)
	act := &subjectAct{name: "risk"}
	act.asOf.Time = tAsOf
	b.ReportAllocs()
	for b.Loop() {
		for i := range reg {
			act.val = &reg[i]
			if _, err := p.EvalBool(context.Background(), act); err != nil {
				b.Fatal(err)
			}
		}
	}
}
