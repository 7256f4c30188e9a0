package soa

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"pgregory.net/rapid"
)

func TestBuild(t *testing.T) {
	cat, reg := fixCatalog(t), fixRegister()
	regBefore := cloneRegister(reg)
	st, err := Build(cat, reg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(regBefore, reg, cmpOpts); diff != "" {
		t.Errorf("Build changed the register (-before +after):\n%s", diff)
	}
	if st.Edition != Edition2022 || len(st.Entries) != 95 {
		t.Fatalf("draft has edition %s and %d entries, want 2022 and 95", st.Edition, len(st.Entries))
	}
	if got := []string{st.Custom[0].ID, st.Custom[1].ID}; !slices.Equal(got, []string{"C-MDM", "C-VDI"}) || len(st.Custom) != 2 {
		t.Errorf("draft custom controls = %v, want C-MDM, C-VDI", st.Custom)
	}
	var included []Entry
	for _, e := range st.Entries {
		if e.Decision == Included {
			included = append(included, e)
		} else if e.Decision != Undecided || e.Status != "" || e.Owner != "" {
			t.Errorf("entry %s = %+v, want a bare undecided entry", e.ControlID, e)
		}
		if c, _ := cat.Control(e.ControlID); e.Title != c.Title || e.Title == "" {
			t.Errorf("entry %s has title %q, want the catalog's %q", e.ControlID, e.Title, c.Title)
		}
	}
	want := []Entry{
		{ControlID: "6.3", Title: "Information security awareness, education and training", Decision: Included, Status: NotStarted,
			Justification: Justification{Risks: []string{"R-2"}, Actions: []string{"A-3"}}},
		{ControlID: "8.1", Title: "User endpoint devices", Decision: Included, Status: NotStarted,
			Justification: Justification{Risks: []string{"R-1", "R-2"}, Actions: []string{"A-1", "A-3"}}},
		{ControlID: "C-MDM", Title: "Mobile device management", Decision: Included, Status: NotStarted,
			Justification: Justification{Risks: []string{"R-1"}, Actions: []string{"A-1"}}},
	}
	if diff := cmp.Diff(want, included, cmpOpts); diff != "" {
		t.Errorf("included entries (-want +got):\n%s", diff)
	}
	if !slices.IsSortedFunc(st.Entries, func(a, b Entry) int { return compareEntryIDs(a.ControlID, b.ControlID) }) {
		t.Error("entries are not in standard order")
	}
	if st.Entries[0].ControlID != "5.1" || st.Entries[94].ControlID != "C-VDI" {
		t.Errorf("entries run from %s to %s, want 5.1 to C-VDI", st.Entries[0].ControlID, st.Entries[94].ControlID)
	}
}

func TestBuild2013(t *testing.T) {
	reg := risk.Register{Risks: []risk.Risk{{ID: "R-1", Treatment: &risk.Treatment{Controls: []string{"9.1.1", "A.18.2.3"}}}}}
	st, err := Build(Catalog2013(), reg)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Entries) != 114 || st.Edition != Edition2013 {
		t.Fatalf("2013 draft: %d entries of edition %s", len(st.Entries), st.Edition)
	}
	for _, id := range []string{"A.9.1.1", "A.18.2.3"} {
		if e, _ := st.Entry(id); e.Decision != Included {
			t.Errorf("%s: decision %s, want included", id, e.Decision)
		}
	}
}

func TestBuildUnknownControls(t *testing.T) {
	reg := fixRegister()
	reg.Risks[0].Treatment.Controls = append(reg.Risks[0].Treatment.Controls, "A.9.1.1")
	reg.Risks[1].Treatment.Controls = append(reg.Risks[1].Treatment.Controls, "C-NOPE", "99.1")
	reg.Risks = append(reg.Risks, risk.Risk{Treatment: &risk.Treatment{Controls: []string{"5.1"}}})

	st, err := Build(fixCatalog(t), reg)
	if !errors.Is(err, ErrUnknownControl) {
		t.Fatalf("Build error = %v, want ErrUnknownControl", err)
	}
	if len(st.Entries) != 0 {
		t.Errorf("Build returned %d entries along with the error, want a zero statement", len(st.Entries))
	}
	var got []UnknownControlError
	for _, e := range unjoin(err) {
		var uce *UnknownControlError
		if !errors.As(e, &uce) {
			t.Fatalf("error %v is not an *UnknownControlError", e)
		}
		got = append(got, *uce)
	}
	want := []UnknownControlError{
		{Path: "risks[0].treatment.controls[2]", RiskID: "R-1", ControlID: "A.9.1.1", Edition: Edition2022},
		{Path: "risks[1].treatment.controls[2]", RiskID: "R-2", ControlID: "C-NOPE", Edition: Edition2022},
		{Path: "risks[1].treatment.controls[3]", RiskID: "R-2", ControlID: "99.1", Edition: Edition2022},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unknown controls (-want +got):\n%s", diff)
	}
	wantMsgs := []string{
		`risks[0].treatment.controls[2]: treatment of risk R-1 names control "A.9.1.1", which is not in the 2022 catalog (it is a 2013 ID: migrate the references to the 2022 controls): soa: unknown control`,
		`risks[1].treatment.controls[2]: treatment of risk R-2 names control "C-NOPE", which is not in the 2022 catalog (add the custom control to the catalog with Catalog.WithCustom): soa: unknown control`,
		`risks[1].treatment.controls[3]: treatment of risk R-2 names control "99.1", which is not in the 2022 catalog: soa: unknown control`,
	}
	var msgs []string
	for _, e := range unjoin(err) {
		msgs = append(msgs, e.Error())
	}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if msg := (&UnknownControlError{Path: "p", ControlID: "5.1", Edition: Edition2013}).Error(); msg != `p: treatment names control "5.1", which is not in the 2013 catalog (it is a 2022 ID): soa: unknown control` {
		t.Errorf("2013 message = %s", msg)
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := Build(nil, fixRegister()); err == nil {
		t.Error("Build(nil catalog) succeeded")
	}
	prev := Statement{Edition: Edition2013}
	if _, err := Build(Catalog2022(), fixRegister(), WithPrevious(prev)); !errors.Is(err, ErrEditionMismatch) {
		t.Errorf("Build with a 2013 previous statement: %v, want ErrEditionMismatch", err)
	}
}

func TestBuildWithPrevious(t *testing.T) {
	reviewed := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	legal := []Requirement{{Legal, "GDPR"}}
	prev := Statement{ID: "SOA-1", Version: "3", Edition: Edition2022,
		Approval: risk.Approval{By: "CEO"},
		Custom:   []Control{{ID: "C-OLD", Title: "Old custom control"}, {ID: "bad", Title: "ignored"}},
		Entries: []Entry{
			// chosen now, keeps its work; was excluded, now included
			{ControlID: "8.1", Decision: Excluded, Status: Partial, Owner: "IT", Implementation: "MDM rollout", Reference: "DOC-1",
				LastReviewed: reviewed, Justification: Justification{Exclusion: NotNeeded, Requirements: legal, Note: "n"}},
			// excluded stays excluded
			{ControlID: "7.4", Decision: Excluded, Owner: "FM", Justification: Justification{Exclusion: Obviated, ObviatedBy: "C-OLD", Risks: []string{"R-9"}}},
			// included by a requirement stays included
			{ControlID: "5.31", Decision: Included, Status: Implemented, Justification: Justification{Requirements: legal, Risks: []string{"R-9"}}},
			// included by risks only, no longer chosen: undecided
			{ControlID: "5.10", Decision: Included, Status: Implemented, Justification: Justification{Risks: []string{"R-9"}}},
			// unknown control, carried unchanged
			{ControlID: "9.9", Decision: Included, Owner: "?"},
			// the previous custom control, chosen by a treatment
			{ControlID: "C-OLD", Decision: Undecided},
		}}
	prevBefore := prev.Clone()
	reg := fixRegister()
	reg.Risks[2].Treatment.Controls = []string{"C-OLD"}
	st, err := Build(fixCatalog(t), reg, WithPrevious(prev))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(prevBefore, prev, cmpOpts); diff != "" {
		t.Errorf("Build changed the previous statement (-before +after):\n%s", diff)
	}
	if st.ID != "SOA-1" || st.Version != "" || !st.Approval.IsZero() {
		t.Errorf("draft ID/version/approval = %q/%q/%v, want SOA-1, empty, zero", st.ID, st.Version, st.Approval)
	}
	if len(st.Entries) != 93+3+1 {
		t.Errorf("draft has %d entries, want 97 (93 Annex A, 3 custom, 1 unknown)", len(st.Entries))
	}
	var custom []string
	for _, c := range st.Custom {
		custom = append(custom, c.ID)
	}
	if diff := cmp.Diff([]string{"C-MDM", "C-OLD", "C-VDI"}, custom); diff != "" {
		t.Errorf("custom controls (-want +got):\n%s", diff)
	}
	want := map[string]Entry{
		"8.1": {ControlID: "8.1", Title: "User endpoint devices", Decision: Included, Status: Partial, Owner: "IT",
			Implementation: "MDM rollout", Reference: "DOC-1", LastReviewed: reviewed,
			Justification: Justification{Risks: []string{"R-1", "R-2"}, Actions: []string{"A-1", "A-3"}, Requirements: legal, Note: "n"}},
		"7.4": {ControlID: "7.4", Title: "Physical security monitoring", Decision: Excluded, Owner: "FM",
			Justification: Justification{Exclusion: Obviated, ObviatedBy: "C-OLD"}},
		"5.31": {ControlID: "5.31", Title: "Legal, statutory, regulatory and contractual requirements", Decision: Included, Status: Implemented,
			Justification: Justification{Requirements: legal}},
		"5.10": {ControlID: "5.10", Title: "Acceptable use of information and other associated assets", Decision: Undecided, Status: Implemented},
		"9.9":  {ControlID: "9.9", Decision: Included, Owner: "?"},
		"C-OLD": {ControlID: "C-OLD", Title: "Old custom control", Decision: Included, Status: NotStarted,
			Justification: Justification{Risks: []string{"R-3"}}},
	}
	for id, w := range want {
		got, ok := st.Entry(id)
		if !ok {
			t.Errorf("no entry for %s", id)
			continue
		}
		if diff := cmp.Diff(w, got, cmpOpts); diff != "" {
			t.Errorf("entry %s (-want +got):\n%s", id, diff)
		}
	}
	if last := st.Entries[len(st.Entries)-1].ControlID; last != "C-VDI" {
		t.Errorf("last entry is %s, want C-VDI (custom controls last)", last)
	}
}

// TestBuildProperty: Build includes exactly the controls the treatments
// chose, justified by exactly the risks that chose them and their
// uncancelled actions, and gives every other catalog control a bare
// undecided entry; it never modifies the register.
func TestBuildProperty(t *testing.T) {
	cat := fixCatalog(t)
	rapid.Check(t, func(t *rapid.T) {
		reg := registerGen(false).Draw(t, "register")
		before := cloneRegister(reg)
		st, err := Build(cat, reg)
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		if diff := cmp.Diff(before, reg, cmpOpts); diff != "" {
			t.Fatalf("register changed:\n%s", diff)
		}
		wantRisks := map[string][]string{}
		wantActions := map[string][]string{}
		for _, r := range reg.Risks {
			if r.Treatment == nil {
				continue
			}
			for _, id := range r.Treatment.Controls {
				c, _ := cat.Control(id)
				wantRisks[c.ID] = appendUnique(wantRisks[c.ID], r.ID)
				for _, a := range r.Treatment.Actions {
					if a.Status != risk.Cancelled {
						wantActions[c.ID] = appendUnique(wantActions[c.ID], a.ID)
					}
				}
			}
		}
		var got []string
		for _, e := range st.Entries {
			got = append(got, e.ControlID)
			risks, chosen := wantRisks[e.ControlID]
			if !chosen {
				if e.Decision != Undecided || !cmp.Equal(e.Justification, Justification{}, cmpOpts) || e.Status != "" {
					t.Fatalf("unchosen control %s: %+v, want a bare undecided entry", e.ControlID, e)
				}
				continue
			}
			if e.Decision != Included || e.Status != NotStarted {
				t.Fatalf("chosen control %s: decision %s, status %s", e.ControlID, e.Decision, e.Status)
			}
			slices.SortFunc(risks, rules.NaturalCompare)
			actions := slices.Clone(wantActions[e.ControlID])
			slices.SortFunc(actions, rules.NaturalCompare)
			if diff := cmp.Diff(Justification{Risks: risks, Actions: actions}, e.Justification, cmpOpts); diff != "" {
				t.Fatalf("control %s justification (-want +got):\n%s", e.ControlID, diff)
			}
		}
		var want []string
		for _, c := range cat.Controls() {
			want = append(want, c.ID)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("entries are not the catalog's controls in order (-want +got):\n%s", diff)
		}
	})
}
