package risk

import (
	"context"
	"encoding/json"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestPlan(t *testing.T) {
	e := mustCompile(t, Default5x5())
	reg := sampleRegister()
	reg.Risks = append(reg.Risks, Risk{ID: "R-12", Title: "Untreated exposure", Inherent: rating("5", DimLegal, "5")})
	a, err := e.Assess(context.Background(), reg, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(reg)
	p := e.Plan(reg, a, testAsOf)
	if after, _ := json.Marshal(reg); string(before) != string(after) {
		t.Error("Plan changed the register")
	}
	var items []string
	for _, it := range p.Items {
		items = append(items, it.RiskID)
	}
	if d := gocmp.Diff([]string{"R-1", "R-5", "R-2", "R-10"}, items); d != "" {
		t.Errorf("items (-want +got):\n%s", d)
	}
	if d := gocmp.Diff([]string{"R-12"}, p.Untreated); d != "" {
		t.Errorf("untreated (-want +got):\n%s", d)
	}
	type od struct {
		Risk, Action string
		Days         int
	}
	var overdue []od
	for _, o := range p.Overdue {
		overdue = append(overdue, od{o.RiskID, o.ActionID, o.DaysOverdue})
	}
	if d := gocmp.Diff([]od{{"R-1", "A1", 31}, {"R-2", "A2", 30}, {"R-5", "A1", 11}}, overdue); d != "" {
		t.Errorf("overdue (-want +got):\n%s", d)
	}
	r5 := p.Items[1]
	wantAttention := []string{notePlanNotApproved, noteResidualNotAccept, noteResidualConcession, "1 of 1 actions are overdue"}
	if d := gocmp.Diff(wantAttention, r5.Attention); d != "" {
		t.Errorf("R-5 attention (-want +got):\n%s", d)
	}
	if r5.ExpectedResidual == nil || r5.ExpectedResidual.Level != "high" || r5.Inherent.Level != "critical" {
		t.Errorf("R-5 levels %+v %+v", r5.Inherent, r5.ExpectedResidual)
	}
	if p.CriteriaMismatch {
		t.Error("criteria mismatch reported for the engine's own assessment")
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.json", append(b, '\n'))

	// Without an assessment the plan still lists treatments and actions.
	p = e.Plan(reg, nil, testAsOf)
	if len(p.Items) != 4 || p.Items[0].Inherent != nil || len(p.Overdue) != 3 || len(p.Untreated) != 0 {
		t.Errorf("plan without assessment: %+v", p)
	}
	if p.Items[0].RiskID != "R-1" || p.Items[1].RiskID != "R-2" || p.Items[2].RiskID != "R-5" {
		t.Errorf("without an assessment items go by ID: %v", p.Items)
	}
}
