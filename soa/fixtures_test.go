package soa

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/isms-go/iso27003/risk"
)

// Shared fixtures of the statement tests: the 2022 catalog with two custom
// controls, a register whose treatments choose 6.3, 8.1 and C-MDM, and a
// statement that passes every check.

var (
	fixAsOf     = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	fixReviewed = time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)
)

func fixCatalog(t testing.TB) *Catalog {
	t.Helper()
	mdm, err := NewCustomControl("C-MDM", "Mobile device management", "")
	if err != nil {
		t.Fatal(err)
	}
	vdi, err := NewCustomControl("C-VDI", "Virtual desktops", "")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := Catalog2022().WithCustom(mdm, vdi)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func fixRegister() risk.Register {
	return risk.Register{ID: "REG", Risks: []risk.Risk{
		{ID: "R-1", Title: "Lost laptops", Treatment: &risk.Treatment{
			Options: []risk.Option{risk.Modify}, Controls: []string{"8.1", "C-MDM"},
			Actions: []risk.Action{{ID: "A-1", Status: risk.Planned}, {ID: "A-2", Status: risk.Cancelled}},
		}},
		{ID: "R-2", Title: "Phishing", Treatment: &risk.Treatment{
			Options: []risk.Option{risk.Modify}, Controls: []string{"6.3", "A.8.1"},
			Actions: []risk.Action{{ID: "A-3", Status: risk.Done}},
		}},
		{ID: "R-3", Title: "Retained risk", Treatment: &risk.Treatment{Options: []risk.Option{risk.Retain}}},
		{ID: "R-4", Title: "Not yet treated"},
	}}
}

// fixStatement is a statement that passes every check as of fixAsOf: the
// draft of fixCatalog and fixRegister, with the chosen controls
// implemented and everything else excluded as not needed.
func fixStatement(t testing.TB) Statement {
	t.Helper()
	st, err := Build(fixCatalog(t), fixRegister())
	if err != nil {
		t.Fatal(err)
	}
	st.ID = "SOA-1"
	for i := range st.Entries {
		e := &st.Entries[i]
		if e.Decision == Undecided {
			e.Decision = Excluded
			e.Justification.Exclusion = NotNeeded
		} else {
			e.Status = Implemented
			e.Owner = "CISO"
		}
		e.LastReviewed = fixReviewed
	}
	return st
}

// entryAt returns a pointer to the entry for id, failing the test when
// there is none.
func entryAt(t testing.TB, st *Statement, id string) *Entry {
	t.Helper()
	for i := range st.Entries {
		if st.Entries[i].ControlID == id {
			return &st.Entries[i]
		}
	}
	t.Fatalf("no entry for %s", id)
	return nil
}

func removeEntry(st *Statement, id string) {
	var out []Entry
	for _, e := range st.Entries {
		if e.ControlID != id {
			out = append(out, e)
		}
	}
	st.Entries = out
}

// cmpOpts compares statements and registers: times by instant, empty and
// nil slices alike, risk attributes with their Equal method.
var cmpOpts = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b risk.Attr) bool { return a.Equal(b) }),
}

// cloneRegister deep-copies a register for before/after comparisons.
func cloneRegister(reg risk.Register) risk.Register {
	out := reg
	out.Risks = make([]risk.Risk, len(reg.Risks))
	for i, r := range reg.Risks {
		if r.Treatment != nil {
			tr := *r.Treatment
			tr.Options = append([]risk.Option(nil), tr.Options...)
			tr.Controls = append([]string(nil), tr.Controls...)
			tr.Actions = append([]risk.Action(nil), tr.Actions...)
			r.Treatment = &tr
		}
		out.Risks[i] = r
	}
	return out
}
