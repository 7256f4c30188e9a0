package isms_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/soa"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.golden.json")

func load2013(t testing.TB) *isms.System {
	t.Helper()
	b, err := os.ReadFile("testdata/sample2013.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := isms.DecodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The 2013 sample's report is the expected one in
// testdata/sample2013.report.golden.json (run with -update to rewrite).
func TestSample2013Report(t *testing.T) {
	rep, err := isms.Check(context.Background(), load2013(t), caseAsOf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const path = "testdata/sample2013.report.golden.json"
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("report differs (-want +got):\n%s", diff)
	}
}

// Under 2013, 4.2 c), 6.3 and the 8.1 process criteria are not
// applicable: listed, not counted as passed; 9.2, 9.3 and 10 use the
// 2013 numbering.
func TestEdition2013NotApplicable(t *testing.T) {
	rep, err := isms.Check(context.Background(), load2013(t), caseAsOf)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"4.2-requirements-addressed", "6.3-change-plan", "8.1-process-criteria"}
	if diff := cmp.Diff(want, rep.NotApplicable); diff != "" {
		t.Errorf("NotApplicable (-want +got):\n%s", diff)
	}
	clauses := map[string]string{}
	for _, st := range rep.Rules {
		clauses[st.RuleID] = st.Clause
		if slices.Contains(want, st.RuleID) && st.Passed() {
			t.Errorf("%s counted as passed", st.RuleID)
		}
	}
	for id, c := range map[string]string{"9.2-auditor-independence": "9.2 e)", "9.2-report-top-management": "9.2 f)",
		"9.3-review-inputs": "9.3", "10.2-nc-cause": "10.1 b)", "10.1-improvement-evaluated": "10.2",
		"5.2-policy-review": "A.5.1.2"} {
		if clauses[id] != c {
			t.Errorf("%s cites %q under 2013, want %q", id, clauses[id], c)
		}
	}
	for _, c := range rep.Clauses {
		if c.Clause == "6.3" || c.Clause == "4.2 c)" {
			t.Errorf("clause %s has statistics under 2013: %+v", c.Clause, c)
		}
	}
	// The same rules apply under 2022.
	rep22, err := isms.Check(context.Background(), loadMinimal(t), caseAsOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep22.NotApplicable) != 0 {
		t.Errorf("2022 NotApplicable = %v", rep22.NotApplicable)
	}
}

func TestConvertControls(t *testing.T) {
	s := loadMinimal(t)
	before, _ := json.Marshal(s)
	out, rep, err := isms.ConvertControls(s, soa.Edition2013)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(s); string(after) != string(before) {
		t.Error("ConvertControls changed its input")
	}
	if out.Edition != soa.Edition2013 || rep.From != soa.Edition2022 || rep.To != soa.Edition2013 {
		t.Fatalf("editions: system %q, report %q -> %q", out.Edition, rep.From, rep.To)
	}
	moves := map[string]isms.ControlMove{}
	for _, m := range rep.Moves {
		moves[m.Path] = m
	}
	// 8.8 splits into two 2013 controls: a list gets both, a single
	// field is kept and reported.
	if got := out.Processes[0].Controls; !slices.Equal(got, []string{"A.12.6.1", "A.18.2.3"}) {
		t.Errorf("processes[0].controls = %v", got)
	}
	if m := moves["audits[0].findings[0].control"]; m.Kind != isms.MoveAmbiguous || !m.Kept || out.Audits[0].Findings[0].Control != "8.8" {
		t.Errorf("ambiguous single field: %+v, control %q", m, out.Audits[0].Findings[0].Control)
	}
	// 8.9 is new in 2022: dropped from lists and reported.
	if m := moves["auditProgramme.controls[1]"]; m.Kind != isms.MoveUnmapped || slices.Contains(out.AuditProgramme.Controls, "8.9") {
		t.Errorf("unmapped control: %+v, %v", m, out.AuditProgramme.Controls)
	}
	if rep.Resolved() {
		t.Error("Resolved with a kept reference")
	}
	if err := out.Validate(); err == nil {
		t.Error("the kept 2022 reference should not validate under 2013")
	}
	// Resolving by hand gives a valid 2013 system, and converting it back
	// brings 2022 IDs again.
	out.Audits[0].Findings[0].Control = "A.12.6.1"
	if err := out.Validate(); err != nil {
		t.Fatalf("resolved system invalid: %v", err)
	}
	back, rep2, err := isms.ConvertControls(out, soa.Edition2022)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Errorf("converted back, invalid: %v", err)
	}
	if back.Audits[0].Findings[0].Control != "8.8" || !rep2.Resolved() {
		t.Errorf("back: finding control %q, resolved %v", back.Audits[0].Findings[0].Control, rep2.Resolved())
	}
	if _, _, err := isms.ConvertControls(back, soa.Edition2022); err == nil {
		t.Error("converting to the same edition should fail")
	}
}

// ExampleConvertControls moves a 2022 system's control references to
// 2013 and shows what did not map one to one.
func ExampleConvertControls() {
	sys := &isms.System{Edition: soa.Edition2022,
		Processes: []isms.Process{{ID: "PR-1", Controls: []string{"5.15", "8.9"}}}}
	out, rep, err := isms.ConvertControls(sys, soa.Edition2013)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Edition, out.Processes[0].Controls)
	for _, m := range rep.Moves {
		fmt.Println(m.Path, m.From, m.Kind, m.To)
	}
	fmt.Println("resolved:", rep.Resolved())
	// Output:
	// 2013 [A.9.1.1 A.9.1.2]
	// processes[0].controls[0] 5.15 split [A.9.1.1 A.9.1.2]
	// processes[0].controls[1] 8.9 unmapped []
	// resolved: true
}
