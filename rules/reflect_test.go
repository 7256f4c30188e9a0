package rules

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

type rKind string

type rAttr struct{ v any }

func (a rAttr) CELValue() any { return a.v }

type rStep struct {
	ID   string    `json:"id"`
	Due  time.Time `json:"due,omitzero"`
	Done bool      `json:"done"`
}

type rPlan struct {
	Steps []rStep `json:"steps"`
	Lead  *rStep  `json:"lead,omitempty"`
}

type rDoc struct {
	ID       string            `json:"id"`
	Kind     rKind             `json:"kind"`
	Kinds    []rKind           `json:"kinds"`
	Version  int               `json:"version"`
	Cost     decimal.Decimal   `json:"cost"`
	Costs    []decimal.Decimal `json:"costs"`
	Review   Period            `json:"review"`
	Reviewed time.Time         `json:"reviewed"`
	Plan     rPlan             `json:"plan"`
	PlanPtr  *rPlan            `json:"planPtr"`
	Attrs    map[string]rAttr  `json:"attrs"`
	Labels   map[string]string `json:"labels"`
	Any      any               `json:"any"`
	Hidden   string            `json:"-"`
	NoTag    string
	private  string
	Fn       func()
}

func TestReflectObjectType(t *testing.T) {
	ot, err := ReflectObjectType[rDoc]("test.Doc")
	if err != nil {
		t.Fatal(err)
	}
	wantFields := []string{"NoTag", "any", "attrs", "cost", "costs", "id", "kind", "kinds", "labels", "plan", "planPtr", "review", "reviewed", "version"}
	if diff := cmp.Diff(wantFields, ot.FieldNames()); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	env := tEnv(t, Objects(ot), Variable("doc", ot.Type()))
	d := &rDoc{
		ID: "D-1", Kind: "policy", Kinds: []rKind{"a", "b"}, Version: 3, Cost: decimal.RequireFromString("10.50"),
		Costs: []decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(2)}, Review: Months(12), Reviewed: tAsOf.AddDate(-2, 0, 0),
		Plan:  rPlan{Steps: []rStep{{ID: "S-1", Due: tAsOf.AddDate(0, 0, -1)}, {ID: "S-2", Done: true}}},
		Attrs: map[string]rAttr{"tier": {"gold"}, "score": {decimal.NewFromInt(7)}}, Labels: map[string]string{"x": "y"},
		Any: int64(4), NoTag: "n", private: "p",
	}
	vars := NewVars(nil).Set("doc", d).SetAsOf(tAsOf)
	tests := []struct{ expr, want string }{
		{`doc.id + "/" + doc.kind`, "D-1/policy"},
		{`"b" in doc.kinds`, "true"},
		{`doc.version + 1`, "4"},
		{`doc.cost * 2`, "21.00"},
		{`decimals.sum(doc.costs)`, "3"},
		{`addPeriod(doc.reviewed, doc.review) < asOf`, "true"},
		{`doc.plan.steps.filter(s, !s.done && s.due < asOf).map(s, s.id)`, "S-1"},
		{`has(doc.plan.lead)`, "false"},
		{`has(doc.planPtr)`, "false"},
		{`doc.planPtr == null`, "true"},
		{`doc.attrs["tier"] == "gold"`, "true"},
		{`doc.attrs["score"] > 5`, "true"},
		{`doc.labels.x`, "y"},
		{`doc.any == 4`, "true"},
		{`doc.NoTag`, "n"},
		{`dyn(doc).plan.steps[1].id`, "S-2"},
		{`has(dyn(doc).plan.steps[0].due)`, "true"},
		{`doc.plan.steps[0] in doc.plan.steps`, "true"},
	}
	for _, tc := range tests {
		v, err := evalExpr(t, env, tc.expr, vars)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got := FormatValue(v); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
		}
	}
	if _, err := env.Compile("x", "", "doc.Hidden", nil); err == nil {
		t.Error("a json:\"-\" field is visible")
	}
	if _, err := ReflectObjectType[int]("x"); err == nil {
		t.Error("a non-struct was accepted")
	}
}
