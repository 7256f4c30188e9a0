package risk

import (
	"context"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestCompare(t *testing.T) {
	e := mustCompile(t, Default5x5())
	prev, err := e.Assess(context.Background(), sampleRegister(), testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	reg := sampleRegister()
	byID := map[string]*Risk{}
	for i := range reg.Risks {
		byID[reg.Risks[i].ID] = &reg.Risks[i]
	}
	byID["R-1"].Residual = rating("3", DimAvailability, "4")             // residual medium -> high, no longer acceptable
	byID["R-3"].Inherent = rating("2", DimIntegrity, "2", DimLegal, "3") // low -> medium
	byID["R-4"].Inherent = rating("2", DimOperational, "4")              // score 9 -> 8, still medium
	byID["R-5"].Inherent = rating("3", DimConfidentiality, "4")          // critical -> high; residual unchanged
	byID["R-6"].Inherent = rating("1", DimOperational, "1")              // analysed now
	reg.Risks = append(reg.Risks, Risk{ID: "R-11", Inherent: rating("1", DimLegal, "1")})
	for i, r := range reg.Risks {
		if r.ID == "R-7" {
			reg.Risks = append(reg.Risks[:i], reg.Risks[i+1:]...)
			break
		}
	}
	cur, err := e.Assess(context.Background(), reg, testAsOf.AddDate(0, 3, 0))
	if err != nil {
		t.Fatal(err)
	}
	c := Compare(prev, cur)
	if c.CriteriaChanged || c.Previous.Fingerprint != e.Fingerprint() || c.Current.AsOf.Equal(c.Previous.AsOf) {
		t.Errorf("header %+v %+v", c.Previous, c.Current)
	}
	got := map[string][]ChangeKind{}
	var order []string
	for _, ch := range c.Changes {
		got[ch.RiskID] = ch.Kinds
		order = append(order, ch.RiskID)
	}
	want := map[string][]ChangeKind{
		"R-1":  {ChangeResidualUp, ChangeResidualAcceptance},
		"R-3":  {ChangeLevelUp, ChangeResidualUp},
		"R-4":  {ChangeScore},
		"R-5":  {ChangeLevelDown},
		"R-6":  {ChangeStatus},
		"R-7":  {ChangeRemoved},
		"R-11": {ChangeNew},
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	if d := gocmp.Diff([]string{"R-1", "R-3", "R-4", "R-5", "R-6", "R-7", "R-11"}, order); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
	if c.Unchanged != 2 {
		t.Errorf("unchanged = %d", c.Unchanged)
	}
	for _, ch := range c.Changes {
		if ch.RiskID == "R-5" && (ch.Previous.Level != "critical" || ch.Current.Level != "high") {
			t.Errorf("R-5 states %+v -> %+v", ch.Previous, ch.Current)
		}
	}
}

func TestCompareCriteriaChange(t *testing.T) {
	reg := sampleRegister()
	prev, err := mustCompile(t, Default5x5()).Assess(context.Background(), reg, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	stricter := Default5x5()
	stricter.Version = "1.1.0"
	stricter.AcceptanceRule = "rank <= 1"
	cur, err := mustCompile(t, stricter).Assess(context.Background(), reg, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	c := Compare(prev, cur)
	if !c.CriteriaChanged || c.Previous.CriteriaVersion != "1.0.0" || c.Current.CriteriaVersion != "1.1.0" {
		t.Errorf("criteria change not reported: %+v", c)
	}
	var changed []string
	for _, ch := range c.Changes {
		changed = append(changed, ch.RiskID)
	}
	// Medium risks are no longer acceptable under the stricter criteria.
	if d := gocmp.Diff([]string{"R-1", "R-2", "R-4", "R-7", "R-10"}, changed); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	same := Compare(prev, prev)
	if same.CriteriaChanged || len(same.Changes) != 0 || same.Unchanged != len(prev.Results) {
		t.Errorf("comparing an assessment with itself: %+v", same)
	}
	fromNothing := Compare(nil, prev)
	if len(fromNothing.Changes) != len(prev.Results) || !fromNothing.CriteriaChanged {
		t.Errorf("from nil: %+v", fromNothing)
	}
}
