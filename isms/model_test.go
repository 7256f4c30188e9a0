package isms_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

func TestEffectiveEdition(t *testing.T) {
	for _, tc := range []struct {
		in, want soa.Edition
	}{{"", soa.Edition2022}, {"2022", soa.Edition2022}, {"2013", soa.Edition2013}, {"1999", "1999"}} {
		s := isms.System{Edition: tc.in}
		if got := s.EffectiveEdition(); got != tc.want {
			t.Errorf("EffectiveEdition(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	var nilSys *isms.System
	if got := nilSys.EffectiveEdition(); got != soa.Edition2022 {
		t.Errorf("nil system: EffectiveEdition() = %q", got)
	}
}

func TestSettingsDefaults(t *testing.T) {
	var st isms.Settings
	for name, got := range map[string]string{
		"review":     st.EffectiveReviewPeriod().String(),
		"assessment": st.EffectiveRiskAssessmentPeriod().String(),
		"management": st.EffectiveManagementReviewPeriod().String(),
	} {
		if got != "P12M" {
			t.Errorf("%s period default = %s, want P12M", name, got)
		}
	}
	st.AwarenessTarget = decimal.RequireFromString("0.75")
	if got := st.EffectiveAwarenessTarget(); got.String() != "0.75" {
		t.Errorf("EffectiveAwarenessTarget() = %s, want 0.75", got)
	}
}

func TestOriginOfAspectsAndCategories(t *testing.T) {
	for _, o := range []isms.Origin{isms.Internal, isms.External} {
		for _, a := range isms.Aspects(o) {
			if !a.Valid() || a.Origin() != o {
				t.Errorf("aspect %q: Valid=%v Origin=%q, want %q", a, a.Valid(), a.Origin(), o)
			}
		}
		for _, c := range isms.PartyCategories(o) {
			if !c.Valid() || c.Origin() != o {
				t.Errorf("category %q: Valid=%v Origin=%q, want %q", c, c.Valid(), c.Origin(), o)
			}
		}
	}
	if n := len(isms.Aspects("")); n != 16 {
		t.Errorf("%d aspects, want 16", n)
	}
	if n := len(isms.PartyCategories("")); n != 14 {
		t.Errorf("%d party categories, want 14", n)
	}
	if isms.Aspect("weather").Valid() || isms.PartyCategory("").Valid() {
		t.Error("unknown values reported valid")
	}
}

func TestMandatoryItemClauses(t *testing.T) {
	var got []string
	for _, m := range isms.MandatoryItems() {
		if !m.Valid() {
			t.Errorf("%q not valid", m)
		}
		got = append(got, m.Clause(soa.Edition2022))
	}
	want := []string{"4.3", "5.2", "6.1.2", "6.1.3", "6.1.3 d)", "6.2", "7.2", "8.1", "8.2", "8.3",
		"9.1", "9.2", "9.2", "9.3", "10.2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("2022 clauses (-want +got):\n%s", diff)
	}
	if c := isms.ItemNonconformities.Clause(soa.Edition2013); c != "10.1" {
		t.Errorf("2013 nonconformities clause = %q, want 10.1", c)
	}
	if isms.MandatoryItem("x").Valid() {
		t.Error(`"x" reported valid`)
	}
}

func TestReviewInputs(t *testing.T) {
	var got2013, got2022 []string
	for _, in := range isms.ReviewInputs(soa.Edition2013) {
		got2013 = append(got2013, in.Clause(soa.Edition2013))
	}
	for _, in := range isms.ReviewInputs(soa.Edition2022) {
		if !in.Valid() {
			t.Errorf("%q not valid", in)
		}
		got2022 = append(got2022, in.Clause(soa.Edition2022))
	}
	if diff := cmp.Diff([]string{"9.3 a)", "9.3 b)", "9.3 c)", "9.3 d)", "9.3 e)", "9.3 f)"}, got2013); diff != "" {
		t.Errorf("2013 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"9.3.2 a)", "9.3.2 b)", "9.3.2 c)", "9.3.2 d)", "9.3.2 e)", "9.3.2 f)", "9.3.2 g)"}, got2022); diff != "" {
		t.Errorf("2022 (-want +got):\n%s", diff)
	}
	if c := isms.InputPartyNeedsChanges.Clause(soa.Edition2013); c != "" {
		t.Errorf("2013 has no party-needs input, got clause %q", c)
	}
}

func TestResponsibilities(t *testing.T) {
	owners := 0
	for _, r := range isms.Responsibilities() {
		if !r.Valid() {
			t.Errorf("%q not valid", r)
		}
		if r.IsOwner() {
			owners++
		}
	}
	if owners != 4 {
		t.Errorf("%d owner responsibilities, want 4", owners)
	}
}

func TestDirectionMet(t *testing.T) {
	d := decimal.RequireFromString
	for _, tc := range []struct {
		dir           isms.Direction
		value, target string
		want          bool
	}{
		{isms.AtLeast, "0.95", "0.95", true},
		{isms.AtLeast, "0.94", "0.95", false},
		{isms.AtMost, "0", "0", true},
		{isms.AtMost, "1", "0", false},
		{"", "1", "1", false},
	} {
		if got := tc.dir.Met(d(tc.value), d(tc.target)); got != tc.want {
			t.Errorf("%q.Met(%s, %s) = %v, want %v", tc.dir, tc.value, tc.target, got, tc.want)
		}
	}
}

func TestAwarenessCompletion(t *testing.T) {
	a := isms.Awareness{Required: decimal.NewFromInt(40), Completed: decimal.NewFromInt(37)}
	got, ok := a.Completion()
	if !ok || got.String() != "0.925" {
		t.Errorf("Completion() = %s, %v; want 0.925, true", got, ok)
	}
	if _, ok := (isms.Awareness{}).Completion(); ok {
		t.Error("Completion() of an empty programme reported ok")
	}
}

func TestObjectiveMeasureIsZero(t *testing.T) {
	if !(isms.ObjectiveMeasure{Target: decimal.New(0, -2)}).IsZero() {
		t.Error("a zero target alone should be a zero measure")
	}
	if (isms.ObjectiveMeasure{Metric: "incidents", Direction: isms.AtMost}).IsZero() {
		t.Error("a measure with a metric is not zero")
	}
}
