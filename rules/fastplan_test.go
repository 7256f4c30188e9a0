package rules

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// plainPlanning is an EnvOption for tests: programs as cel-go plans them.
func plainPlanning(c *envConfig) error { c.plainPlan = true; return nil }

// fastPlanExprs exercise what the layer plans itself (field reads, unit
// calls, the direct root) next to what it leaves to cel-go.
var fastPlanExprs = []string{
	`risk.loss > 5000`,
	`risk.loss >= decimal("12500.00")`,
	`risk.loss < 100000 && risk.loss <= risk.loss`,
	`risk.owner.name == "ana"`,
	`risk.owner.top`,
	`!risk.owner.top`,
	`has(risk.owner) && risk.owner.top`,
	`has(risk.owner.name)`,
	`has(risk.owner.top) || has(risk.title) || has(risk.loss) || has(risk.reviewed) || has(risk.tags)`,
	`risk.actions.exists(a, has(a.due))`,
	benchCondition,
	`risk.actions.all(a, a.due > asOf)`,
	`risk.actions.map(a, a.id)`,
	`risk.actions.filter(a, a.due < asOf).size()`,
	`risk.actions[0].due < asOf`,
	`risk.reviewed > asOf || risk.reviewed >= asOf || risk.reviewed <= asOf`,
	`risk.actions.exists(a, a.due >= asOf)`,
	`risk.loss <= decimal("12500.00") || risk.loss >= 12500 || risk.loss < decimal("1e30")`,
	`risk.loss > risk.attrs.cost`,
	`risk.loss >= risk.attrs.regulated`,
	`risk.reviewed < risk.attrs.when`,
	`risk.loss > dyn(0.5)`,
	`risk.loss > dyn(double("NaN"))`,
	`risk.level + 1 > 3`,
	`-risk.level`,
	`risk.level / 0 > 1`,
	`risk.level % 2 == 0 || risk.level / (risk.level - 2) > 0`,
	`risk.title.startsWith("r")`,
	`risk.title.size() + risk.title.indexOf("a")`,
	`risk.title.contains("a") ? risk.title.upperAscii() : risk.id`,
	`risk.tags.exists(t, t == "backup")`,
	`"backup" in risk.tags`,
	`risk.tags.size() > 1`,
	`risk.attrs.regulated == true`,
	`risk.attrs.cost > 10`,
	`has(risk.attrs.regulated)`,
	`risk.?owner.name.orValue("none")`,
	`risk.reviewed < asOf - duration("720h")`,
	`risk.reviewed.getFullYear()`,
	`daysBetween(risk.reviewed, asOf) > 30`,
	`risk.loss * 2 + 1`,
	`risk.loss.round(0)`,
	`decimal(risk.level) * risk.loss - risk.loss.div(3, 2)`,
	`risk.id.matches("^R-1")`,
	`string(risk.level)`,
	`[risk.level, 2]`,
	`{"a": risk.level}`,
	`risk.level in [2, 3]`,
	`cel.bind(l, risk.loss, l > 10 && l < 200000)`,
	`risk.actions.exists(a, a.id == "A-2") || risk.tags.all(t, t.size() > 3)`,
	`[1, 2, 3].map(x, x * risk.level).filter(y, y > 4).size()`,
	`risk.title == "ransomware" || risk.title != risk.id`,
	`risk.title + "ééééééééééééé" == "supplier outageééééééééééééé"`,
	`risk.tags == ["endpoint"]`,
	`risk.attrs == {"regulated": true}`,
	`risk.loss == decimal(12500) || risk.level == 3 || risk.reviewed == asOf`,
	`risk.attrs.cost == decimal("10.5")`,
	`risk.?owner == optional.none()`,
	`b"abc" == bytes(risk.id) || dyn(null) == risk.attrs.missing`,
	`risk.actions[0] == risk.actions[0]`,
}

// fastPlanRegister adds the awkward cases to the test register: no
// owner, no actions, zero values.
func fastPlanRegister() []tRisk {
	reg := append(tRegister(), tRisk{ID: "R-0"}, tRisk{ID: "R-big", Loss: decimal.New(1, 40), Level: 2})
	return append(reg, benchRegister(12)...)
}

type evalOutcome struct {
	val  string
	err  string
	cost uint64
}

// outcomes evaluates expr in env over every risk of the register in one
// session, recording each value, error and cost charged.
func outcomes(t *testing.T, env *Env, expr string, reg []tRisk) ([]evalOutcome, *Program) {
	t.Helper()
	subjects := make([]any, len(reg))
	for i := range reg {
		subjects[i] = &reg[i]
	}
	return outcomesOf(t, env, expr, "risk", subjects)
}

// outcomesOf is outcomes with each subject bound to the variable name.
func outcomesOf(t *testing.T, env *Env, expr, name string, subjects []any) ([]evalOutcome, *Program) {
	t.Helper()
	p, err := env.Compile("x", "", expr, nil)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	act := &subjectAct{name: name, asOf: types.Timestamp{Time: tAsOf}}
	s, err := env.NewSession(context.Background(), act)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []evalOutcome
	for _, subj := range subjects {
		act.val = subj
		before := s.r.frame.CostTracker().ActualCost()
		v, err := s.Eval(p)
		o := evalOutcome{cost: s.r.frame.CostTracker().ActualCost() - before}
		if err != nil {
			o.err = err.Error()
		} else {
			o.val = fmt.Sprintf("%s %s", v.Type().TypeName(), FormatValue(v))
		}
		out = append(out, o)
	}
	return out, p
}

// TestFastPlanMatchesCEL checks that the layer's own plan gives the same
// values, errors and costs as cel-go's plan, under the default cost
// limit and under one small enough to stop most expressions midway.
func TestFastPlanMatchesCEL(t *testing.T) {
	reg := fastPlanRegister()
	for _, limit := range []uint64{DefaultCostLimit, 6} {
		fast := tEnv(t, Variable("risk", tRiskType.Type()), WithCostLimit(limit))
		plain := tEnv(t, Variable("risk", tRiskType.Type()), WithCostLimit(limit), plainPlanning)
		exprs := slices.Clone(fastPlanExprs)
		for n := range 22 { // equality is priced by the shorter string's length
			exprs = append(exprs, fmt.Sprintf(`risk.title == %q`, strings.Repeat("é", n)))
		}
		for _, expr := range exprs {
			want, _ := outcomes(t, plain, expr, reg)
			got, _ := outcomes(t, fast, expr, reg)
			for i := range want {
				if want[i] != got[i] {
					t.Errorf("limit %d, %s, risk %s: got %+v, want %+v", limit, expr, reg[i].ID, got[i], want[i])
				}
			}
		}
	}
}

// TestFastPlanIsUsed checks that the plan the comparison above tests is
// the one the fast paths build.
func TestFastPlanIsUsed(t *testing.T) {
	env := tEnv(t, Variable("risk", tRiskType.Type()))
	for _, tc := range []struct {
		expr string
		root string
	}{
		{`risk.loss > 5000`, "*rules.typedCmp"},
		{`risk.reviewed <= asOf`, "*rules.typedCmp"},
		{`risk.level > 5000`, "*rules.unitCall"},
		{`risk.owner.name`, "*rules.fieldRead"},
		{`!has(risk.owner)`, "*rules.unitCall"},
		{`has(risk.owner)`, "*rules.fieldRead"},
		{`has(risk.owner.name)`, "*rules.fieldRead"},
		{`risk.level in [1, 2]`, "<nil>"}, // cel-go may still replace it
	} {
		p, err := env.Compile("x", "", tc.expr, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%T", p.root); got != tc.root {
			t.Errorf("%s: root %s, want %s", tc.expr, got, tc.root)
		}
	}
}

// fastTemplates are rendered by TestFastTemplatesMatchCEL.
var fastTemplates = []string{
	"risk {risk.id} needs attention",
	"{risk.title}: {risk.owner.name} ({risk.loss}, {risk.tags}, {risk.reviewed})",
	"{risk.id}{risk.id}{risk.title}",
	"{risk.attrs.regulated} {risk.actions.map(a, a.id)}",
}

// TestFastTemplatesMatchCEL renders templates in a session as a rule set
// does, with and without the layer's plan, and compares text, errors and
// cost.
func TestFastTemplatesMatchCEL(t *testing.T) {
	reg := fastPlanRegister()
	render := func(env *Env, src string) []evalOutcome {
		tpl, err := env.CompileTemplate("x", "message", src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		act := &subjectAct{name: "risk", asOf: types.Timestamp{Time: tAsOf}}
		s, err := env.NewSession(context.Background(), act)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var out []evalOutcome
		for i := range reg {
			act.val = &reg[i]
			before := s.r.frame.CostTracker().ActualCost()
			msg, err := tpl.execute(context.Background(), s.r, act, Subject{})
			o := evalOutcome{val: msg, cost: s.r.frame.CostTracker().ActualCost() - before}
			if err != nil {
				o.err = err.Error()
			}
			out = append(out, o)
		}
		return out
	}
	fast := tEnv(t, Variable("risk", tRiskType.Type()))
	plain := tEnv(t, Variable("risk", tRiskType.Type()), plainPlanning)
	for _, src := range fastTemplates {
		if diff := cmp.Diff(render(plain, src), render(fast, src), cmp.AllowUnexported(evalOutcome{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", src, diff)
		}
	}
}

// rPlain is read by reflection (ReflectObjectType), as the isms model is.
type rPlain struct {
	ID    string          `json:"id"`
	Kind  rpKind          `json:"kind"`
	Loss  decimal.Decimal `json:"loss"`
	Due   time.Time       `json:"due"`
	Owner *rPlain         `json:"owner"`
}

type rpKind string

// TestFastPlanReflectMatchesCEL is TestFastPlanMatchesCEL for a type
// read by reflection.
func TestFastPlanReflectMatchesCEL(t *testing.T) {
	ot := MustReflectObjectType[rPlain]("test.RPlain")
	d := decimal.RequireFromString
	subjects := []rPlain{
		{},
		{ID: "a", Kind: "k", Loss: d("10.5"), Due: tAsOf.AddDate(0, 0, -1)},
		{ID: "b", Loss: d("9"), Due: tAsOf.AddDate(0, 0, 1), Owner: &rPlain{ID: "o", Loss: d("1"), Due: tAsOf}},
	}
	exprs := []string{
		`r.loss > 10`, `r.due < asOf`, `r.owner.loss >= 1`, `r.owner.id == "o"`, `has(r.owner.due)`,
		`r.kind == "k" || r.id.size() > 0`, `r.owner.due <= asOf && r.owner.kind == ""`,
	}
	var vals []any
	for i := range subjects {
		vals = append(vals, &subjects[i])
	}
	run := func(env *Env, expr string) []evalOutcome {
		out, _ := outcomesOf(t, env, expr, "r", vals)
		return out
	}
	newEnv := func(opts ...EnvOption) *Env {
		env, err := NewEnv(append([]EnvOption{Objects(ot), Variable("r", ot.Type())}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	fast, plain := newEnv(), newEnv(plainPlanning)
	for _, expr := range exprs {
		if diff := cmp.Diff(run(plain, expr), run(fast, expr), cmp.AllowUnexported(evalOutcome{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", expr, diff)
		}
	}
}

// FuzzFastPlanMatchesCEL checks, on expressions the fuzzer derives from
// fastPlanExprs, that the layer's plan and cel-go's agree on value,
// error and cost for every risk of the test register, under a cost limit
// low enough that many evaluations stop midway.
func FuzzFastPlanMatchesCEL(f *testing.F) {
	for _, e := range fastPlanExprs {
		f.Add(e)
	}
	reg := fastPlanRegister()
	fast := tEnv(f, Variable("risk", tRiskType.Type()), WithCostLimit(200))
	plain := tEnv(f, Variable("risk", tRiskType.Type()), WithCostLimit(200), plainPlanning)
	f.Fuzz(func(t *testing.T, expr string) {
		if _, err := fast.Compile("x", "", expr, nil); err != nil {
			return
		}
		want, _ := outcomes(t, plain, expr, reg)
		got, _ := outcomes(t, fast, expr, reg)
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(evalOutcome{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", expr, diff)
		}
	})
}

// TestNullFieldMessage: reading a field of an object field that is not
// set says so, in both plans, for both kinds of object type.
func TestNullFieldMessage(t *testing.T) {
	for _, opts := range [][]EnvOption{nil, {plainPlanning}} {
		env := tEnv(t, append([]EnvOption{Variable("risk", tRiskType.Type())}, opts...)...)
		got, _ := outcomes(t, env, `risk.owner.name == "ana"`, []tRisk{{ID: "R-1"}})
		if want := "x: field name of test.Owner read on null (test it with has() first)"; got[0].err != want {
			t.Errorf("plain %v: got %q, want %q", opts != nil, got[0].err, want)
		}
		ot := MustReflectObjectType[rPlain]("test.RPlain")
		renv, err := NewEnv(append([]EnvOption{Objects(ot), Variable("r", ot.Type())}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		rgot, _ := outcomesOf(t, renv, `r.owner.id == "o"`, "r", []any{&rPlain{}})
		if want := "x: field id of test.RPlain read on null (test it with has() first)"; rgot[0].err != want {
			t.Errorf("reflect, plain %v: got %q, want %q", opts != nil, rgot[0].err, want)
		}
	}
}

type rBase struct {
	Note string          `json:"note"`
	Cost decimal.Decimal `json:"cost"`
}

type rEmbedding struct {
	*rBase
	ID string `json:"id"`
}

// TestReflectNilEmbedded: a field promoted from a nil embedded pointer
// is not set, and reading it is an error that says why, in both plans.
func TestReflectNilEmbedded(t *testing.T) {
	ot := MustReflectObjectType[rEmbedding]("test.Embedding")
	subjects := []any{&rEmbedding{ID: "a"}, &rEmbedding{ID: "b", rBase: &rBase{Note: "x", Cost: decimal.NewFromInt(3)}}}
	var want [][]evalOutcome
	for k, opts := range [][]EnvOption{{plainPlanning}, nil} {
		env, err := NewEnv(append([]EnvOption{Objects(ot), Variable("e", ot.Type())}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]evalOutcome
		for _, expr := range []string{`has(e.note)`, `e.note == "x"`, `e.cost > 1`, `e.id + e.note`} {
			out, _ := outcomesOf(t, env, expr, "e", subjects)
			got = append(got, out)
		}
		if k == 0 {
			want = got
			if got[0][0].val != "bool false" || got[1][0].err != "x: field note of test.Embedding read through a nil embedded struct" {
				t.Errorf("nil embedded: got %+v and %+v", got[0][0], got[1][0])
			}
			continue
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(evalOutcome{})); diff != "" {
			t.Errorf("(-plain +fast):\n%s", diff)
		}
	}
}
