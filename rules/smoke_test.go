package rules

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

type smokeRisk struct {
	ID    string
	Loss  decimal.Decimal
	Tags  []string
	Owner *smokeOwner
	Acts  []smokeOwner
}
type smokeOwner struct{ Name string }

func TestSmoke(t *testing.T) {
	ownerT := MustObjectType("test.Owner", StringField("name", func(o *smokeOwner) string { return o.Name }))
	riskT := MustObjectType("test.Risk",
		StringField("id", func(r *smokeRisk) string { return r.ID }),
		DecimalField("loss", func(r *smokeRisk) decimal.Decimal { return r.Loss }),
		StringListField("tags", func(r *smokeRisk) []string { return r.Tags }),
		ObjectField("owner", ownerT, func(r *smokeRisk) *smokeOwner { return r.Owner }),
		ObjectListField("actions", ownerT, func(r *smokeRisk) []smokeOwner { return r.Acts }),
	)
	env, err := NewEnv(Objects(ownerT, riskT), Variable("risk", riskT.Type()))
	if err != nil {
		t.Fatal(err)
	}
	r := &smokeRisk{ID: "R-1", Loss: decimal.RequireFromString("12.50"), Tags: []string{"a"}, Owner: &smokeOwner{"ann"}, Acts: []smokeOwner{{"x"}, {"y"}}}
	vars := NewVars(nil).Set("risk", r).SetAsOf(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC))
	for _, expr := range []string{
		`risk.loss > 10`, `10 < risk.loss`, `risk.loss * 2 == decimal("25")`, `2 * risk.loss - 1 == decimal(24)`,
		`risk.loss.div(3, 2) == decimal("4.17")`, `string(risk.loss) == "12.50"`, `risk.owner.name == "ann"`,
		`risk.actions.exists(a, a.name == "y")`, `risk.actions.size() == 2`, `has(risk.owner)`, `"a" in risk.tags`,
		`addPeriod(asOf, "P1M") == timestamp("2026-02-28T00:00:00Z")`, `daysBetween(timestamp("2026-01-01T00:00:00Z"), asOf) == 30`,
		`decimals.max([decimal(1), risk.loss]) == risk.loss`, `-risk.loss < 0`, `risk.loss.round(0) == decimal(13)`,
		`[risk.loss, decimal("1")].exists(x, x == decimal(1))`, `risk.actions[0].name == "x"`,
	} {
		p, err := env.Compile("t", "", expr, BoolType)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		ok, err := p.EvalBool(context.Background(), vars)
		if err != nil || !ok {
			t.Errorf("%s: %v %v", expr, ok, err)
		}
	}
}

func TestSmokeRules(t *testing.T) {
	riskT := MustObjectType("test.Risk",
		StringField("id", func(r *smokeRisk) string { return r.ID }),
		DecimalField("loss", func(r *smokeRisk) decimal.Decimal { return r.Loss }),
		ObjectField("owner", MustObjectType("test.Owner", StringField("name", func(o *smokeOwner) string { return o.Name })), func(r *smokeRisk) *smokeOwner { return r.Owner }),
	)
	env, err := NewEnv(Objects(riskT))
	if err != nil {
		t.Fatal(err)
	}
	_, err = CompileRules(env, []Collection{{Name: "risks", Var: "risk", Kind: "risk", Type: riskT.Type()}},
		Rule{ID: "x", Clause: "6.1.2", Severity: Major, Subjects: "risks", Condition: "risk.loss > ", Message: "{risk.nope}"})
	t.Log(err)
}
