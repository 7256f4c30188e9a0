package soa

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/risk"
	"pgregory.net/rapid"
)

func TestMigrateErrors(t *testing.T) {
	_, _, err := Migrate(Statement{Edition: Edition2022})
	if !errors.Is(err, ErrEditionMismatch) {
		t.Errorf("Migrate(2022 statement) error = %v, want ErrEditionMismatch", err)
	}
	_, _, err = Migrate(Statement{Edition: Edition2013}, MigrateTo(Catalog2013()))
	if !errors.Is(err, ErrEditionMismatch) {
		t.Errorf("Migrate to a 2013 catalog: error = %v, want ErrEditionMismatch", err)
	}
	_, _, err = Migrate(Statement{Edition: Edition2013}, MigrateTo(nil))
	if err == nil {
		t.Error("Migrate to a nil catalog succeeded")
	}
}

// TestMigrateEverythingIncluded migrates a 2013 statement that includes
// all 114 controls.
func TestMigrateEverythingIncluded(t *testing.T) {
	old := Statement{ID: "S", Version: "7", Edition: Edition2013, Approval: risk.Approval{By: "CEO"}}
	for _, c := range Catalog2013().Controls() {
		old.Entries = append(old.Entries, Entry{ControlID: c.ID, Decision: Included, Status: Implemented,
			Justification: Justification{Risks: []string{"R-" + c.ID}}})
	}
	st, rep, err := Migrate(old)
	if err != nil {
		t.Fatal(err)
	}
	if st.ID != "S" || st.Version != "7" || !st.Approval.IsZero() || rep.PreviousApproval.By != "CEO" {
		t.Errorf("statement ID/version/approval: %q %q %v, report approval %v", st.ID, st.Version, st.Approval, rep.PreviousApproval)
	}
	if len(st.Entries) != 93 || len(rep.Entries) != 114 || len(rep.Conflicts) != 0 || len(rep.Uncovered) != 0 {
		t.Fatalf("%d entries, %d fates, %d conflicts, %d uncovered; want 93, 114, 0, 0",
			len(st.Entries), len(rep.Entries), len(rep.Conflicts), len(rep.Uncovered))
	}
	if diff := cmp.Diff(Mapping2013To2022().NewIn2022(), rep.New); diff != "" {
		t.Errorf("new controls (-want +got):\n%s", diff)
	}
	included := 0
	for _, e := range st.Entries {
		if e.Decision == Included {
			included++
		}
	}
	if included != 82 {
		t.Errorf("%d included, want the 82 controls with a predecessor", included)
	}
	e, _ := st.Entry("5.36") // from A.18.2.2 and A.18.2.3
	if want := []string{"R-A.18.2.2", "R-A.18.2.3"}; !slices.Equal(e.Justification.Risks, want) {
		t.Errorf("5.36 risks = %v, want %v", e.Justification.Risks, want)
	}
	e, _ = st.Entry("8.8") // A.12.6.1 and A.18.2.3
	if want := []string{"R-A.12.6.1", "R-A.18.2.3"}; !slices.Equal(e.Justification.Risks, want) {
		t.Errorf("8.8 risks = %v, want %v", e.Justification.Risks, want)
	}
	if f := rep.Entries[len(rep.Entries)-1]; f.ControlID != "A.18.2.3" || !slices.Equal(f.CarriedTo, []string{"5.36", "8.8"}) {
		t.Errorf("fate of A.18.2.3 = %+v", f)
	}
}

func TestMigrateMerge(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	old := Statement{Edition: Edition2013,
		Custom: []Control{{ID: "C-MDM", Title: "MDM", Edition: Edition2013, Custom: true}},
		Entries: []Entry{
			// 8.15 from A.12.4.1, A.12.4.2, A.12.4.3: agree on inclusion
			{ControlID: "A.12.4.1", Decision: Included, Status: Implemented, Owner: "SOC", Implementation: "SIEM", Reference: "DOC-1",
				LastReviewed: day(5), Justification: Justification{Risks: []string{"R-1", "R-2"}, Note: "first"}},
			{ControlID: "12.4.2", Decision: Included, Status: Partial, Owner: "SOC", Implementation: "SIEM", Reference: "DOC-2",
				LastReviewed: day(3), Justification: Justification{Risks: []string{"R-2"}, Actions: []string{"A-1"}}},
			{ControlID: "A.12.4.3", Decision: Included, Status: InProgress, Owner: "",
				LastReviewed: day(9), Justification: Justification{Requirements: []Requirement{{Regulatory, "NIS2"}}}},
			// 5.15 from A.9.1.1, A.9.1.2: owners differ
			{ControlID: "A.9.1.1", Decision: Excluded, Owner: "IT", LastReviewed: day(1), Justification: Justification{Exclusion: OutOfScope}},
			{ControlID: "A.9.1.2", Decision: Excluded, Owner: "Network", Justification: Justification{Exclusion: OutOfScope, Note: "no network"}},
			// 5.17 from A.9.2.4, A.9.3.1, A.9.4.3: same decision, different exclusion reasons
			{ControlID: "A.9.2.4", Decision: Excluded, Justification: Justification{Exclusion: NotNeeded}},
			{ControlID: "A.9.3.1", Decision: Excluded, Justification: Justification{Exclusion: Obviated, ObviatedBy: "C-MDM"}},
			// custom entry carried unchanged, unknown entry reported
			{ControlID: "C-MDM", Decision: Included, Status: Partial, Title: "MDM", Justification: Justification{Risks: []string{"R-1"}}},
			{ControlID: "A.99.1.1", Decision: Included},
		}}
	before := old.Clone()
	st, rep, err := Migrate(old)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, old, cmpOpts); diff != "" {
		t.Errorf("Migrate changed its input (-before +after):\n%s", diff)
	}
	want := map[string]Entry{
		"8.15": {ControlID: "8.15", Title: "Logging", Decision: Included, Status: InProgress, Owner: "SOC",
			Implementation: "SIEM", Reference: "DOC-1; DOC-2", LastReviewed: day(3),
			Justification: Justification{Risks: []string{"R-1", "R-2"}, Actions: []string{"A-1"},
				Requirements: []Requirement{{Regulatory, "NIS2"}}, Note: "from 2013 A.12.4.1, 12.4.2, A.12.4.3\nA.12.4.1: first"}},
		"5.15": {ControlID: "5.15", Title: "Access control", Decision: Excluded,
			Justification: Justification{Exclusion: OutOfScope, Note: "from 2013 A.9.1.1, A.9.1.2\nA.9.1.2: no network"}},
		"5.17": {ControlID: "5.17", Title: "Authentication information", Decision: Undecided,
			Justification: Justification{Note: "from 2013 A.9.2.4 (excluded: not-needed), A.9.3.1 (excluded: obviated by C-MDM)"}},
		"C-MDM": {ControlID: "C-MDM", Title: "MDM", Decision: Included, Status: Partial, Justification: Justification{Risks: []string{"R-1"}}},
		"5.1":   {ControlID: "5.1", Title: "Policies for information security", Decision: Undecided},
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
	wantConflicts := []MigrationConflict{
		{ControlID: "5.15", Field: ConflictOwner, Sources: []MigrationSource{{3, "A.9.1.1", "IT"}, {4, "A.9.1.2", "Network"}}},
		{ControlID: "5.17", Field: ConflictDecision, Sources: []MigrationSource{{5, "A.9.2.4", "excluded: not-needed"}, {6, "A.9.3.1", "excluded: obviated by C-MDM"}}},
	}
	if diff := cmp.Diff(wantConflicts, rep.Conflicts); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	var fates []string
	for _, f := range rep.Entries {
		fates = append(fates, f.String())
	}
	wantFates := []string{
		"A.12.4.1 (included): carried to 8.15",
		"12.4.2 (included): carried to 8.15",
		"A.12.4.3 (included): carried to 8.15",
		"A.9.1.1 (excluded): carried to 5.15",
		"A.9.1.2 (excluded): carried to 5.15",
		"A.9.2.4 (excluded): carried to 5.17 (conflict)",
		"A.9.3.1 (excluded): carried to 5.17 (conflict)",
		"C-MDM (included): carried to C-MDM",
		"A.99.1.1 (included): not carried: not a control of the 2013 catalog, nor a custom control",
	}
	if diff := cmp.Diff(wantFates, fates); diff != "" {
		t.Errorf("fates (-want +got):\n%s", diff)
	}
	if len(st.Custom) != 1 || st.Custom[0].Edition != Edition2022 || old.Custom[0].Edition != Edition2013 {
		t.Errorf("custom controls = %+v, want C-MDM moved to 2022", st.Custom)
	}
	if last := st.Entries[len(st.Entries)-1]; last.ControlID != "C-MDM" || len(st.Entries) != 94 {
		t.Errorf("%d entries ending with %s; want 94 ending with C-MDM", len(st.Entries), last.ControlID)
	}
	text := rep.String()
	for _, line := range []string{
		"conflict at 5.17 decision: A.9.2.4 excluded: not-needed, A.9.3.1 excluded: obviated by C-MDM\n",
		"conflict at 5.15 owner: A.9.1.1 IT, A.9.1.2 Network\n",
		"new in 2022, undecided: 5.7, 5.23, 5.30, 7.4, 8.9, 8.10, 8.11, 8.12, 8.16, 8.23, 8.28\n",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("report text lacks %q:\n%s", line, text)
		}
	}
}

// TestMigrateTargetCatalog: custom controls of the target catalog get an
// undecided entry unless the 2013 statement carries one.
func TestMigrateTargetCatalog(t *testing.T) {
	old := Statement{Edition: Edition2013, Entries: []Entry{{ControlID: "C-MDM", Decision: Included}}}
	st, _, err := Migrate(old, MigrateTo(fixCatalog(t)))
	if err != nil {
		t.Fatal(err)
	}
	var custom []string
	for _, c := range st.Custom {
		custom = append(custom, c.ID)
	}
	if !slices.Equal(custom, []string{"C-MDM", "C-VDI"}) {
		t.Errorf("custom controls = %v", custom)
	}
	if e, _ := st.Entry("C-MDM"); e.Decision != Included {
		t.Errorf("C-MDM = %+v, want the carried entry", e)
	}
	if e, _ := st.Entry("C-VDI"); e.Decision != Undecided || e.Title != "Virtual desktops" {
		t.Errorf("C-VDI = %+v, want an undecided entry", e)
	}
	if len(st.Entries) != 95 {
		t.Errorf("%d entries, want 95", len(st.Entries))
	}
}

// TestMigrateProperty: Migrate loses no decision. Every 2013 entry has a
// fate; for each control it is carried to, the 2022 entry has the same
// decision, or the conflict report lists the entry with its decision; its
// risks, actions and requirements are in the 2022 entry, and so are its
// exclusion reason when decided, its owner or an owner conflict naming it,
// and its note. Entries that are not carried say why.
func TestMigrateProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		old := statementGen(Edition2013, true).Draw(t, "statement")
		for i := range old.Entries { // some spelled without "A."
			if rapid.IntRange(0, 9).Draw(t, "spelling") == 0 {
				old.Entries[i].ControlID = strings.TrimPrefix(old.Entries[i].ControlID, "A.")
			}
		}
		before := old.Clone()
		st, rep, err := Migrate(old)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, old, cmpOpts); diff != "" {
			t.Fatalf("input changed:\n%s", diff)
		}
		if len(rep.Entries) != len(old.Entries) {
			t.Fatalf("%d fates for %d entries", len(rep.Entries), len(old.Entries))
		}
		byID := map[string][]Entry{}
		for _, e := range st.Entries {
			byID[e.ControlID] = append(byID[e.ControlID], e)
		}
		conflictHas := func(to, field string, i int, value string) bool {
			for _, c := range rep.Conflicts {
				if c.ControlID == to && c.Field == field {
					return slices.Contains(c.Sources, MigrationSource{Index: i, ControlID: old.Entries[i].ControlID, Value: value})
				}
			}
			return false
		}
		for i, src := range old.Entries {
			f := rep.Entries[i]
			if f.Index != i || f.ControlID != src.ControlID || f.Decision != src.Decision {
				t.Fatalf("fate %d = %+v does not describe entry %+v", i, f, src)
			}
			if len(f.CarriedTo) == 0 {
				if f.Dropped == "" {
					t.Fatalf("entry %d (%s) neither carried nor explained", i, src.ControlID)
				}
				if _, ok := Catalog2013().Control(src.ControlID); ok || IsCustomID(src.ControlID) {
					t.Fatalf("entry %d (%s) dropped although it is a known control", i, src.ControlID)
				}
				continue
			}
			for _, to := range f.CarriedTo {
				targets := byID[to]
				if len(targets) == 0 {
					t.Fatalf("entry %d carried to %s, which has no entry", i, to)
				}
				if IsCustomID(src.ControlID) {
					if !slices.ContainsFunc(targets, func(e Entry) bool { return cmp.Equal(e, src, cmpOpts) }) {
						t.Fatalf("custom entry %d not carried unchanged", i)
					}
					continue
				}
				dst := targets[0]
				if slices.Contains(f.Conflicts, to) {
					if dst.Decision != Undecided || !conflictHas(to, ConflictDecision, i, decisionLabel(src)) {
						t.Fatalf("entry %d: conflict at %s not reported with its decision", i, to)
					}
				} else if !sameDecision(dst, src) {
					t.Fatalf("entry %d (%s): decision %q not carried to %s (%q)", i, src.ControlID, decisionLabel(src), to, decisionLabel(dst))
				}
				j := dst.Justification
				for _, r := range src.Justification.Risks {
					if !slices.Contains(j.Risks, r) {
						t.Fatalf("entry %d: risk %q lost at %s", i, r, to)
					}
				}
				for _, a := range src.Justification.Actions {
					if !slices.Contains(j.Actions, a) {
						t.Fatalf("entry %d: action %q lost at %s", i, a, to)
					}
				}
				for _, r := range src.Justification.Requirements {
					if !slices.Contains(j.Requirements, r) {
						t.Fatalf("entry %d: requirement %v lost at %s", i, r, to)
					}
				}
				if !strings.Contains(j.Note, src.Justification.Note) {
					t.Fatalf("entry %d: note %q lost at %s (%q)", i, src.Justification.Note, to, j.Note)
				}
				if src.Owner != "" && dst.Owner != src.Owner && !conflictHas(to, ConflictOwner, i, src.Owner) {
					t.Fatalf("entry %d: owner %q lost at %s", i, src.Owner, to)
				}
				if src.Status.rank() < dst.Status.rank() {
					t.Fatalf("entry %d: status %q, but %s claims %q", i, src.Status, to, dst.Status)
				}
				if src.LastReviewed.IsZero() && !dst.LastReviewed.IsZero() || dst.LastReviewed.After(src.LastReviewed) {
					t.Fatalf("entry %d: reviewed %v, but %s claims %v", i, src.LastReviewed, to, dst.LastReviewed)
				}
			}
		}
		// Every 2022 control of the catalog has exactly one entry.
		for _, c := range Catalog2022().Controls() {
			if n := len(byID[c.ID]); n != 1 {
				t.Fatalf("control %s has %d entries", c.ID, n)
			}
		}
	})
}
