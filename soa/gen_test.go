package soa

import (
	"fmt"
	"strings"
	"time"

	"github.com/isms-go/iso27003/risk"
	"pgregory.net/rapid"
)

// Generators for the property tests.

// textGen draws free text: often plain, sometimes full of the characters
// the justification and CSV formats must escape. Carriage returns are left
// out, since encoding/csv turns "\r\n" into "\n" (documented on WriteCSV).
func textGen() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.SampledFrom([]string{"", "IT", "Head of IT", "POL-7 v2"}),
		rapid.StringMatching(`[A-Za-z0-9 ;,:=\\|"'\n\t-]{0,12}`),
		rapid.Custom(func(t *rapid.T) string {
			return strings.ReplaceAll(rapid.String().Draw(t, "s"), "\r", "")
		}),
	)
}

// itemGen draws a non-empty list item (risk or action ID, reference).
func itemGen() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.StringMatching(`[RA]-[0-9]{1,3}`),
		rapid.Custom(func(t *rapid.T) string {
			s := textGen().Draw(t, "item")
			if s == "" {
				s = "x"
			}
			return s
		}),
	)
}

// justificationGen draws a justification ValidateJustification accepts.
func justificationGen() *rapid.Generator[Justification] {
	return rapid.Custom(func(t *rapid.T) Justification {
		j := Justification{
			Risks:   rapid.SliceOfN(itemGen(), 0, 3).Draw(t, "risks"),
			Actions: rapid.SliceOfN(itemGen(), 0, 3).Draw(t, "actions"),
			Note:    textGen().Draw(t, "note"),
		}
		for range rapid.IntRange(0, 2).Draw(t, "requirements") {
			j.Requirements = append(j.Requirements, Requirement{
				Kind:      rapid.SampledFrom(RequirementKinds()).Draw(t, "kind"),
				Reference: itemGen().Draw(t, "reference"),
			})
		}
		j.Exclusion = rapid.SampledFrom(append([]ExclusionReason{""}, ExclusionReasons()...)).Draw(t, "exclusion")
		j.ObviatedBy = rapid.SampledFrom([]string{"", "C-MDM", "C-VDI", "x;y, z"}).Draw(t, "obviatedBy")
		return j
	})
}

// instantGen draws a review instant: none, a date, or an instant with a
// fraction of a second in some offset.
func instantGen() *rapid.Generator[time.Time] {
	return rapid.Custom(func(t *rapid.T) time.Time {
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			return time.Time{}
		case 1:
			return time.Date(rapid.IntRange(1990, 2040).Draw(t, "y"), time.Month(rapid.IntRange(1, 12).Draw(t, "m")),
				rapid.IntRange(1, 28).Draw(t, "d"), 0, 0, 0, 0, time.UTC)
		}
		zone := time.FixedZone("", rapid.IntRange(-12, 14).Draw(t, "offset")*3600)
		return time.Unix(rapid.Int64Range(0, 2e9).Draw(t, "unix"), rapid.Int64Range(0, 999999999).Draw(t, "nanos")).In(zone)
	})
}

// controlIDFor draws a control ID: mostly real ones of the edition, some
// custom ones, and, when wild, anything.
func controlIDFor(e Edition, wild bool) *rapid.Generator[string] {
	cat, _ := CatalogFor(e)
	var real []string
	for _, c := range cat.Controls() {
		real = append(real, c.ID)
	}
	gens := []*rapid.Generator[string]{
		rapid.SampledFrom(real),
		rapid.SampledFrom(real),
		rapid.SampledFrom([]string{"C-MDM", "C-VDI"}),
		rapid.StringMatching(`C-[A-Z0-9]{1,4}`),
	}
	if wild {
		gens = append(gens, rapid.String(), rapid.SampledFrom([]string{"9.1", "A.5.1", "A.9.1.1", "5.1.1", ""}))
	}
	return rapid.OneOf(gens...)
}

// knownIDGen draws the ID of a control of fixCatalog, in any spelling.
func knownIDGen() *rapid.Generator[string] {
	var ids []string
	for _, c := range Catalog2022().Controls() {
		ids = append(ids, c.ID, "A."+c.ID)
	}
	return rapid.SampledFrom(append(ids, "C-MDM", "C-VDI"))
}

// entryGen draws an entry. With wild set, decisions and statuses may be
// invalid and IDs anything.
func entryGen(e Edition, wild bool) *rapid.Generator[Entry] {
	return rapid.Custom(func(t *rapid.T) Entry {
		decisions := []Decision{Included, Excluded, Undecided}
		statuses := append([]Status{""}, Statuses()...)
		if wild {
			decisions = append(decisions, "", "maybe")
			statuses = append(statuses, "done")
		}
		return Entry{
			ControlID:      controlIDFor(e, wild).Draw(t, "control"),
			Title:          textGen().Draw(t, "title"),
			Decision:       rapid.SampledFrom(decisions).Draw(t, "decision"),
			Justification:  justificationGen().Draw(t, "justification"),
			Status:         rapid.SampledFrom(statuses).Draw(t, "status"),
			Owner:          textGen().Draw(t, "owner"),
			Implementation: textGen().Draw(t, "implementation"),
			Reference:      textGen().Draw(t, "reference"),
			LastReviewed:   instantGen().Draw(t, "reviewed"),
		}
	})
}

// statementGen draws a statement of edition e.
func statementGen(e Edition, wild bool) *rapid.Generator[Statement] {
	return rapid.Custom(func(t *rapid.T) Statement {
		st := Statement{ID: "SOA", Edition: e, Entries: rapid.SliceOfN(entryGen(e, wild), 0, 40).Draw(t, "entries")}
		if rapid.Bool().Draw(t, "custom") {
			st.Custom = []Control{{ID: "C-MDM", Title: "Mobile device management", Custom: true}}
		}
		return st
	})
}

// registerGen draws a register with unique risk IDs whose treatments
// choose 2022 controls, custom controls and, when wild, unknown ones.
func registerGen(wild bool) *rapid.Generator[risk.Register] {
	return rapid.Custom(func(t *rapid.T) risk.Register {
		var reg risk.Register
		n := rapid.IntRange(0, 8).Draw(t, "risks")
		for i := range n {
			r := risk.Risk{ID: fmt.Sprintf("R-%d", i+1), Title: "risk"}
			if rapid.IntRange(0, 4).Draw(t, "treated") > 0 {
				tr := &risk.Treatment{Options: []risk.Option{risk.Modify}}
				ids := knownIDGen()
				if wild {
					ids = controlIDFor(Edition2022, true)
				}
				tr.Controls = rapid.SliceOfN(ids, 0, 4).Draw(t, "controls")
				for j := range rapid.IntRange(0, 3).Draw(t, "actions") {
					tr.Actions = append(tr.Actions, risk.Action{
						ID:     fmt.Sprintf("A-%d-%d", i+1, j+1),
						Status: rapid.SampledFrom([]risk.ActionStatus{risk.Planned, risk.InProgress, risk.Done, risk.Cancelled}).Draw(t, "status"),
					})
				}
				r.Treatment = tr
			}
			reg.Risks = append(reg.Risks, r)
		}
		return reg
	})
}
