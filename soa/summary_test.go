package soa

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestShare(t *testing.T) {
	tests := []struct {
		part, whole int
		want        string
	}{
		{0, 0, "0"},
		{0, 5, "0"},
		{5, 5, "1"},
		{2, 3, "0.6667"},
		{1, 3, "0.3333"},
		{5, 8, "0.625"},
		{1, 16, "0.0625"},
		{1, 20000, "0.0001"}, // 0.00005 rounds half up
		{1, 20001, "0"},
		{93, 93, "1"},
	}
	for _, tt := range tests {
		if got := share(tt.part, tt.whole); !got.Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("share(%d, %d) = %s, want %s", tt.part, tt.whole, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	st := fixStatement(t)
	entryAt(t, &st, "8.1").Status = InProgress
	entryAt(t, &st, "6.3").Status = ""
	entryAt(t, &st, "5.1").Decision = Undecided
	entryAt(t, &st, "5.2").Decision = "maybe"
	removeEntry(&st, "5.3")
	st.Entries = append(st.Entries, Entry{ControlID: "9.9", Decision: Included, Status: Implemented}, st.Entries[0])

	got := Summarize(st, fixCatalog(t))
	if got.Entries != 95 || got.Missing != 1 || got.Included != 4 || got.Implemented != 2 {
		t.Errorf("entries/missing/included/implemented = %d/%d/%d/%d, want 95/1/4/2", got.Entries, got.Missing, got.Included, got.Implemented)
	}
	if !got.ImplementedShare.Equal(decimal.RequireFromString("0.5")) {
		t.Errorf("share = %s, want 0.5", got.ImplementedShare)
	}
	wantDecisions := []Tally{{"included", 4}, {"excluded", 89}, {"undecided", 1}, {"maybe", 1}}
	if diff := cmp.Diff(wantDecisions, got.ByDecision); diff != "" {
		t.Errorf("by decision (-want +got):\n%s", diff)
	}
	wantStatus := []Tally{{"not-started", 0}, {"in-progress", 1}, {"partial", 0}, {"implemented", 2}, {"unset", 1}}
	if diff := cmp.Diff(wantStatus, got.ByStatus); diff != "" {
		t.Errorf("by status (-want +got):\n%s", diff)
	}
	wantGroups := []GroupTally{
		{ID: "Organizational", Title: "Organizational", Controls: 36, Excluded: 34, Undecided: 2},
		{ID: "People", Title: "People", Controls: 8, Included: 1, Excluded: 7},
		{ID: "Physical", Title: "Physical", Controls: 14, Excluded: 14},
		{ID: "Technological", Title: "Technological", Controls: 34, Included: 1, Excluded: 33},
		{ID: "custom", Title: "Custom controls", Controls: 2, Included: 1, Excluded: 1, Implemented: 1},
		{ID: "unknown", Title: "Unknown controls", Controls: 1, Included: 1, Implemented: 1},
	}
	if diff := cmp.Diff(wantGroups, got.ByGroup); diff != "" {
		t.Errorf("by group (-want +got):\n%s", diff)
	}
	// Counted from data/iso27001-2022-annex-a.csv without 5.3; the two
	// included Annex A controls, 6.3 and 8.1, are Preventive only.
	wantTypes := []AttributeTally{
		{Dimension: DimensionControlTypes, Value: "Preventive", Controls: 82, Included: 2},
		{Dimension: DimensionControlTypes, Value: "Detective", Controls: 13},
		{Dimension: DimensionControlTypes, Value: "Corrective", Controls: 14},
	}
	if diff := cmp.Diff(wantTypes, got.Attribute(DimensionControlTypes)); diff != "" {
		t.Errorf("control types (-want +got):\n%s", diff)
	}
	if n := len(got.Attribute(DimensionOperationalCapabilities)); n != 15 {
		t.Errorf("%d operational capabilities, want the 15 of the vocabulary", n)
	}
	if got.Decision(Excluded) != 89 || got.Status(Status(StatusUnset)) != 1 {
		t.Errorf("Decision/Status lookups: %d, %d", got.Decision(Excluded), got.Status(Status(StatusUnset)))
	}
	if _, err := json.Marshal(got); err != nil {
		t.Errorf("marshal summary: %v", err)
	}
}

func TestSummarize2013(t *testing.T) {
	st := Statement{Edition: Edition2013, Entries: []Entry{
		{ControlID: "A.9.1.1", Decision: Included, Status: Implemented},
		{ControlID: "9.1.2", Decision: Included, Status: Partial},
		{ControlID: "A.18.2.3", Decision: Excluded},
	}}
	got := Summarize(st, nil)
	if got.Missing != 111 || got.ByAttribute != nil || !got.ImplementedShare.Equal(decimal.RequireFromString("0.5")) {
		t.Errorf("missing %d, attributes %v, share %s; want 111, none, 0.5", got.Missing, got.ByAttribute, got.ImplementedShare)
	}
	if len(got.ByGroup) != 14 {
		t.Fatalf("%d groups, want the 14 domains", len(got.ByGroup))
	}
	if g := got.ByGroup[4]; g != (GroupTally{ID: "A.9", Title: "Access control", Controls: 2, Included: 2, Implemented: 1}) {
		t.Errorf("domain A.9 = %+v", g)
	}
}
