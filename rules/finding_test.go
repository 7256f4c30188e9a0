package rules

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func TestNaturalCompare(t *testing.T) {
	got := []string{"10.1", "6.1.3 d)", "4.1", "6.1.3", "R-10", "R-2", "R-02", "6.1.3 a)", "9.3", "A.18.1.1", "A.5.1.2", "abc", ""}
	slices.SortFunc(got, NaturalCompare)
	want := []string{"", "4.1", "6.1.3", "6.1.3 a)", "6.1.3 d)", "9.3", "10.1", "A.5.1.2", "A.18.1.1", "R-2", "R-02", "R-10", "abc"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// TestNaturalCompareIsTotalOrder: antisymmetric, consistent with
// equality, and transitive on random strings.
func TestNaturalCompareIsTotalOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := rapid.StringMatching(`[a-c0-9.\-]{0,6}`)
		a, b, c := g.Draw(t, "a"), g.Draw(t, "b"), g.Draw(t, "c")
		if NaturalCompare(a, b) != -NaturalCompare(b, a) {
			t.Fatalf("not antisymmetric: %q %q", a, b)
		}
		if (NaturalCompare(a, b) == 0) != (a == b) {
			t.Fatalf("zero for unequal strings %q %q", a, b)
		}
		if NaturalCompare(a, b) < 0 && NaturalCompare(b, c) < 0 && NaturalCompare(a, c) >= 0 {
			t.Fatalf("not transitive: %q %q %q", a, b, c)
		}
	})
}

func TestSeverityJSON(t *testing.T) {
	b, err := json.Marshal([]Severity{Major, Minor, Observation, Opportunity})
	if err != nil || string(b) != `["major","minor","observation","opportunity"]` {
		t.Fatalf("%s %v", b, err)
	}
	var got []Severity
	if err := json.Unmarshal(b, &got); err != nil || !slices.Equal(got, Severities()) {
		t.Fatalf("%v %v", got, err)
	}
	if err := json.Unmarshal([]byte(`["fatal"]`), &got); err == nil {
		t.Error("unknown severity decoded")
	}
	if _, err := json.Marshal(Severity(0)); err == nil {
		t.Error("zero severity encoded")
	}
	if !slices.IsSortedFunc(Severities(), Severity.Compare) || Major.Compare(Minor) >= 0 {
		t.Error("severities are not ordered most serious first")
	}
	if Opportunity.Title() != "opportunity for improvement" {
		t.Error(Opportunity.Title())
	}
}

func TestFindingJSON(t *testing.T) {
	f := Finding{RuleID: "r", Clause: "9.3", Severity: Minor, Subject: Subject{"review", "MR-1"}, Message: "m"}
	b, _ := json.Marshal(f)
	want := `{"ruleId":"r","clause":"9.3","severity":"minor","subject":{"kind":"review","id":"MR-1"},"message":"m"}`
	if string(b) != want {
		t.Errorf("got %s", b)
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil || !cmp.Equal(back, f) {
		t.Errorf("round trip %+v %v", back, err)
	}
}
