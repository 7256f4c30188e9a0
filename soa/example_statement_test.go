package soa_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/soa"
)

// exampleCatalog is the 2022 catalog plus one custom control.
func exampleCatalog() *soa.Catalog {
	mdm, err := soa.NewCustomControl("C-MDM", "Mobile device management", "Enrolment and remote wipe of company phones")
	if err != nil {
		panic(err)
	}
	cat, err := soa.Catalog2022().WithCustom(mdm)
	if err != nil {
		panic(err)
	}
	return cat
}

// exampleRegister is a small register with three treated risks.
func exampleRegister() risk.Register {
	return risk.Register{Risks: []risk.Risk{
		{ID: "R-1", Title: "Lost or stolen laptops and phones", Treatment: &risk.Treatment{
			Options:  []risk.Option{risk.Modify},
			Controls: []string{"8.1", "C-MDM"},
			Actions: []risk.Action{
				{ID: "A-1", Description: "Encrypt every disk", Status: risk.InProgress},
				{ID: "A-2", Description: "Buy laptop locks", Status: risk.Cancelled},
			},
		}},
		{ID: "R-2", Title: "Phishing", Treatment: &risk.Treatment{
			Options:  []risk.Option{risk.Modify},
			Controls: []string{"6.3", "A.8.23"}, // the "A." spelling is accepted
			Actions:  []risk.Action{{ID: "A-3", Description: "Quarterly phishing drills", Status: risk.Planned}},
		}},
		{ID: "R-10", Title: "Cloud provider outage", Treatment: &risk.Treatment{
			Options:  []risk.Option{risk.Share},
			Controls: []string{"5.23", "8.1"},
		}},
	}}
}

func ExampleBuild() {
	st, err := soa.Build(exampleCatalog(), exampleRegister())
	if err != nil {
		fmt.Println(err)
		return
	}
	undecided := 0
	for _, e := range st.Entries {
		if e.Decision == soa.Undecided {
			undecided++
			continue
		}
		fmt.Printf("%-5s %s, %s: %s\n", e.ControlID, e.Decision, e.Status, soa.FormatJustification(e.Justification))
	}
	fmt.Println(len(st.Entries), "entries,", undecided, "undecided")

	// A treatment naming a control that the catalog lacks is an error.
	_, err = soa.Build(soa.Catalog2022(), exampleRegister())
	fmt.Println(err)
	// Output:
	// 5.23  included, not-started: risks=R-10
	// 6.3   included, not-started: risks=R-2; actions=A-3
	// 8.1   included, not-started: risks=R-1,R-10; actions=A-1
	// 8.23  included, not-started: risks=R-2; actions=A-3
	// C-MDM included, not-started: risks=R-1; actions=A-1
	// 94 entries, 89 undecided
	// risks[0].treatment.controls[1]: treatment of risk R-1 names control "C-MDM", which is not in the 2022 catalog (add the custom control to the catalog with Catalog.WithCustom): soa: unknown control
}

// decideAll completes a draft the way a person would: everything still
// undecided is excluded as not needed, included controls are implemented,
// and every entry was reviewed in January 2025.
func decideAll(st soa.Statement) soa.Statement {
	for i := range st.Entries {
		e := &st.Entries[i]
		if e.Decision == soa.Undecided {
			e.Decision = soa.Excluded
			e.Justification.Exclusion = soa.NotNeeded
		} else {
			e.Status = soa.Implemented
			e.Owner = "CISO"
		}
		e.LastReviewed = time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)
	}
	return st
}

func ExampleCheck() {
	cat, reg := exampleCatalog(), exampleRegister()
	draft, _ := soa.Build(cat, reg)
	st := decideAll(draft)
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	fmt.Println("complete statement:", len(soa.Check(st, cat, reg, asOf, soa.CheckOptions{})), "findings")

	// Three mistakes: 5.23 is excluded although R-10's treatment chose it,
	// 5.7 has lost its entry, and 7.9 is excluded as obviated by a
	// control nobody declared.
	for i := range st.Entries {
		e := &st.Entries[i]
		switch e.ControlID {
		case "5.23":
			e.Decision, e.Justification = soa.Excluded, soa.Justification{Exclusion: soa.OutOfScope}
		case "7.9":
			e.Justification = soa.Justification{Exclusion: soa.Obviated, ObviatedBy: "C-VDI"}
		}
	}
	st.Entries = deleteEntry(st.Entries, "5.7")

	for _, f := range soa.Check(st, cat, reg, asOf, soa.CheckOptions{}) {
		fmt.Printf("%s %s [%s] %s: %s\n", f.Clause, f.Severity, f.RuleID, f.Subject, f.Message)
	}
	// Output:
	// complete statement: 0 findings
	// 6.1.3 b) minor [soa.excluded-control-in-plan] risk R-10: the treatment of risk R-10 relies on control 5.23, which the statement excludes
	// 6.1.3 c) minor [soa.missing-control] control 5.7: control 5.7 (Threat intelligence) has no entry in the statement
	// 6.1.3 d) minor [soa.chosen-control-excluded] control 5.23: control 5.23 is excluded, but the treatment of risk R-10 relies on it
	// 6.1.3 d) minor [soa.obviated-by] control 7.9: control 7.9 is excluded as obviated by "C-VDI", which is not a control of the catalog or the statement
}

func deleteEntry(es []soa.Entry, id string) []soa.Entry {
	var out []soa.Entry
	for _, e := range es {
		if e.ControlID != id {
			out = append(out, e)
		}
	}
	return out
}

func ExampleChecks() {
	for _, c := range soa.Checks()[:3] {
		fmt.Printf("%-9s %-12s %-30s %s\n", c.Clause, c.Severity, c.ID, c.Title)
	}
	// Output:
	// 6.1.3 b)  observation  soa.custom-unlinked            Custom control serves no risk or requirement
	// 6.1.3 b)  minor        soa.excluded-control-in-plan   Risk treatment relies on controls the statement excludes
	// 6.1.3 b)  minor        soa.treatment-unknown-control  Risk treatment names controls the catalog does not have
}

func ExampleMigrate() {
	reviewed := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	old := soa.Statement{Edition: soa.Edition2013, Entries: []soa.Entry{
		// A.9.1.1 and A.9.1.2 both became 5.15, but were decided differently.
		{ControlID: "A.9.1.1", Decision: soa.Included, Status: soa.Implemented, Owner: "IT",
			Justification: soa.Justification{Risks: []string{"R-4"}}, LastReviewed: reviewed},
		{ControlID: "A.9.1.2", Decision: soa.Excluded, Owner: "Network team",
			Justification: soa.Justification{Exclusion: soa.NotNeeded, Note: "no network services"}, LastReviewed: reviewed},
		// The three logging controls became 8.15 and agree.
		{ControlID: "A.12.4.1", Decision: soa.Included, Status: soa.Implemented,
			Justification: soa.Justification{Risks: []string{"R-7"}}, LastReviewed: reviewed},
		{ControlID: "A.12.4.3", Decision: soa.Included, Status: soa.InProgress,
			Justification: soa.Justification{Requirements: []soa.Requirement{{Kind: soa.Regulatory, Reference: "NIS2"}}}},
		{ControlID: "C-MDM", Decision: soa.Included, Status: soa.Partial,
			Justification: soa.Justification{Risks: []string{"R-1"}}},
		{ControlID: "A.99.1.1", Decision: soa.Included},
	}}
	st, report, err := soa.Migrate(old)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range report.Entries {
		fmt.Println(f)
	}
	for _, c := range report.Conflicts {
		fmt.Println("conflict:", c)
	}
	fmt.Println("new in 2022:", strings.Join(report.New, " "))
	fmt.Println("no 2013 entry:", len(report.Uncovered), "controls")
	for _, id := range []string{"5.15", "8.15", "C-MDM"} {
		e, _ := st.Entry(id)
		fmt.Printf("%s %s, status %q, owner %q, risks %v\n", e.ControlID, e.Decision, e.Status, e.Owner, e.Justification.Risks)
	}
	e, _ := st.Entry("5.15")
	fmt.Println(e.Justification.Note)

	_, _, err = soa.Migrate(st)
	fmt.Println(err)
	// Output:
	// A.9.1.1 (included): carried to 5.15 (conflict)
	// A.9.1.2 (excluded): carried to 5.15 (conflict)
	// A.12.4.1 (included): carried to 8.15
	// A.12.4.3 (included): carried to 8.15
	// C-MDM (included): carried to C-MDM
	// A.99.1.1 (included): not carried: not a control of the 2013 catalog, nor a custom control
	// conflict: 5.15 decision: A.9.1.1 included, A.9.1.2 excluded: not-needed
	// conflict: 5.15 owner: A.9.1.1 IT, A.9.1.2 Network team
	// new in 2022: 5.7 5.23 5.30 7.4 8.9 8.10 8.11 8.12 8.16 8.23 8.28
	// no 2013 entry: 80 controls
	// 5.15 undecided, status "", owner "", risks [R-4]
	// 8.15 included, status "in-progress", owner "", risks [R-7]
	// C-MDM included, status "partial", owner "", risks [R-1]
	// from 2013 A.9.1.1 (included), A.9.1.2 (excluded: not-needed)
	// A.9.1.2: no network services
	// soa: migrate: the statement is of edition "2022", want "2013": soa: wrong Annex A edition
}

func ExampleSummarize() {
	cat, reg := exampleCatalog(), exampleRegister()
	draft, _ := soa.Build(cat, reg)
	st := decideAll(draft)
	for i := range st.Entries {
		if st.Entries[i].ControlID == "8.1" {
			st.Entries[i].Status = soa.InProgress
		}
	}
	sum := soa.Summarize(st, cat)
	fmt.Println("included:", sum.Included, "implemented:", sum.Implemented, "share:", sum.ImplementedShare)
	for _, g := range sum.ByGroup {
		fmt.Printf("%-15s %2d controls, %d included\n", g.ID, g.Controls, g.Included)
	}
	for _, a := range sum.Attribute(soa.DimensionControlTypes) {
		fmt.Printf("%-10s %d included\n", a.Value, a.Included)
	}
	// Output:
	// included: 5 implemented: 4 share: 0.8
	// Organizational  37 controls, 1 included
	// People           8 controls, 1 included
	// Physical        14 controls, 0 included
	// Technological   34 controls, 2 included
	// custom           1 controls, 1 included
	// Preventive 4 included
	// Detective  0 included
	// Corrective 0 included
}

// exampleStatement is a short statement for the export examples.
func exampleStatement() soa.Statement {
	return soa.Statement{Edition: soa.Edition2022, Entries: []soa.Entry{
		{ControlID: "5.23", Title: "Information security for use of cloud services", Decision: soa.Included,
			Status: soa.InProgress, Owner: "Head of IT", Reference: "POL-CLOUD v2",
			Justification: soa.Justification{Risks: []string{"R-10"}, Requirements: []soa.Requirement{{Kind: soa.Contractual, Reference: "MSA-7, annex 2"}}}},
		{ControlID: "7.5", Title: "Protecting against physical and environmental threats", Decision: soa.Excluded,
			Justification: soa.Justification{Exclusion: soa.OutOfScope, Note: "no premises; staff | contractors work <remote>"}},
		{ControlID: "8.1", Title: "User endpoint devices", Decision: soa.Undecided},
	}}
}

func ExampleWriteCSV() {
	if err := soa.WriteCSV(os.Stdout, exampleStatement()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// control,title,included,inclusion justification,exclusion justification,status,owner,reference,implementation,last reviewed
	// A.5.23,Information security for use of cloud services,yes,"risks=R-10; requirements=contractual:MSA-7\, annex 2",,in-progress,Head of IT,POL-CLOUD v2,,
	// A.7.5,Protecting against physical and environmental threats,no,,exclusion=out-of-scope; note=no premises\; staff | contractors work <remote>,,,,,
	// A.8.1,User endpoint devices,undecided,,,,,,,
}

func ExampleWriteMarkdown() {
	if err := soa.WriteMarkdown(os.Stdout, exampleStatement()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// | Control | Title | Included | Justification | Status | Owner | Reference |
	// | --- | --- | --- | --- | --- | --- | --- |
	// | 5.23 | Information security for use of cloud services | yes | risks=R-10; requirements=contractual:MSA-7\, annex 2 | in-progress | Head of IT | POL-CLOUD v2 |
	// | 7.5 | Protecting against physical and environmental threats | no | exclusion=out-of-scope; note=no premises\; staff \| contractors work &lt;remote&gt; |  |  |  |
	// | 8.1 | User endpoint devices | undecided |  |  |  |  |
}

func ExampleReadCSV() {
	in := `control,title,included,justification,status,owner,reference
8.7,Protection against malware,yes,risks=R-3; requirements=legal:GDPR Art. 32,implemented,IT,
8.8,Management of technical vulnerabilities,maybe,risk=R-3,done,IT,
`
	_, err := soa.ReadCSV(strings.NewReader(in), soa.Edition2022)
	fmt.Println(err)
	// Output:
	// soa: statement CSV row 3 (line 3, control 8.8) column "included": "maybe" is not yes, no or undecided
	// soa: statement CSV row 3 (line 3, control 8.8) column "status": "done" is not one of not-started, in-progress, partial, implemented (or empty)
	// soa: statement CSV row 3 (line 3, control 8.8) column "justification": unknown key "risk" (want one of risks, actions, requirements, exclusion, obviatedBy, note)
}

func ExampleFormatJustification() {
	j := soa.Justification{
		Risks:        []string{"R-1", "R-2"},
		Requirements: []soa.Requirement{{Kind: soa.Legal, Reference: "GDPR Art. 32"}},
		Note:         "see the ISMS manual; section 4",
	}
	s := soa.FormatJustification(j)
	fmt.Println(s)
	back, err := soa.ParseJustification(s)
	fmt.Println(back.Note, err)
	// Output:
	// risks=R-1,R-2; requirements=legal:GDPR Art. 32; note=see the ISMS manual\; section 4
	// see the ISMS manual; section 4 <nil>
}
