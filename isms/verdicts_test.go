package isms_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"pgregory.net/rapid"
)

// sampleAsOf is the instant the shipped sample is checked at in the
// examples.
var sampleAsOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func loadSample(t testing.TB) *isms.System {
	t.Helper()
	b, err := os.ReadFile("../examples/sample/system.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := isms.DecodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func checkCase(t *testing.T, name string) *isms.Report {
	t.Helper()
	c := loadCases(t)[name]
	if c.Rule == "" {
		t.Fatalf("no case %s", name)
	}
	rep, err := isms.Check(context.Background(), patchedSystem(t, c.Patch), caseAsOf)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The shipped sample's only major finding is the unhandled major audit
// finding behind NC-2; in particular P-DEV, who audited PR-INC only, is
// not reported for owning PR-DEV.
func TestSampleMajors(t *testing.T) {
	rep, err := isms.Check(context.Background(), loadSample(t), sampleAsOf)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Details {
		if f.RuleID == "9.2-auditor-independence" {
			t.Errorf("false finding: %s", f.Message)
		}
		if f.Severity == rules.Major {
			got = append(got, f.RuleID+" "+f.Subject.String())
		}
	}
	want := []string{"10.2-nc-correction nonconformity NC-2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("major findings (-want +got):\n%s", diff)
	}
	if !rep.HasMajor() {
		t.Error("HasMajor = false")
	}
}

// An unacceptable risk without treatment is one major finding, not also
// a residual-risk one.
func TestUntreatedRiskOneMajor(t *testing.T) {
	rep := checkCase(t, "6.1.3-unacceptable-untreated.fires")
	n := 0
	for _, f := range rep.Details {
		if f.Subject == (rules.Subject{Kind: "risk", ID: "R-1"}) && f.Severity == rules.Major {
			n++
		}
		if f.RuleID == "6.1.3-residual-concession" {
			t.Errorf("residual finding beside the untreated one: %s", f.Message)
		}
	}
	if n != 1 {
		t.Errorf("%d major findings about R-1, want 1", n)
	}
}

// The first handling finding of a nonconformity takes the grade of the
// audit finding it was raised from; the others keep their own.
func TestNonconformityGradeFromAuditFinding(t *testing.T) {
	s := patchedSystem(t, json.RawMessage(`{"nonconformities": [{"id": "NC-1", "source": "internal-audit",
		"audit": "AU-1", "finding": "F-1", "description": "x", "detected": "2024-04-10T00:00:00Z"}]}`))
	s.Audits[0].Findings[0].Severity = rules.Major
	rep, err := isms.Check(context.Background(), s, caseAsOf)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]rules.Severity{}
	for _, f := range rep.Details {
		if f.Subject.Kind == "nonconformity" {
			got[f.RuleID] = f.Severity
		}
	}
	want := map[string]rules.Severity{"10.2-nc-correction": rules.Major, "10.2-nc-cause": rules.Minor, "10.2-nc-action": rules.Minor}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("severities (-want +got):\n%s", diff)
	}
	// A Regrade of the rule wins over the audit finding.
	rep, err = isms.Check(context.Background(), s, caseAsOf, isms.Regrade("10.2-nc-correction", rules.Observation))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Details {
		if f.RuleID == "10.2-nc-correction" && f.Severity != rules.Observation {
			t.Errorf("regraded rule reported as %v", f.Severity)
		}
	}
}

// Findings group per rule, clause and severity; Details keep every
// subject; counts and HasMajor follow the grouped findings.
func TestGrouping(t *testing.T) {
	rep, err := isms.Check(context.Background(), loadSample(t), sampleAsOf)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		rule, clause string
		sev          rules.Severity
	}
	groups := map[key]int{}
	subjects := map[key][]rules.Subject{}
	for _, f := range rep.Details {
		k := key{f.RuleID, f.Clause, f.Severity}
		groups[k]++
		subjects[k] = append(subjects[k], f.Subject)
	}
	if len(rep.Findings) != len(groups) {
		t.Errorf("%d grouped findings, want %d", len(rep.Findings), len(groups))
	}
	for _, f := range rep.Findings {
		n := groups[key{f.RuleID, f.Clause, f.Severity}]
		if n == 0 {
			t.Errorf("grouped finding %s has no details", f.RuleID)
		}
		if n > 1 && f.Subject.ID != "" {
			t.Errorf("%s: %d instances but subject %q", f.RuleID, n, f.Subject)
		}
		want := subjects[key{f.RuleID, f.Clause, f.Severity}]
		if n == 1 {
			want = nil
		}
		if diff := cmp.Diff(want, f.Instances); diff != "" {
			t.Errorf("%s: instances (-want +got):\n%s", f.RuleID, diff)
		}
	}
	total := 0
	for _, c := range rep.Counts {
		total += c.Count
	}
	if total != len(rep.Findings) {
		t.Errorf("counts sum to %d, want %d grouped findings", total, len(rep.Findings))
	}
	if len(rep.Details) <= len(rep.Findings) {
		t.Errorf("sample should have grouped findings: %d details, %d findings", len(rep.Details), len(rep.Findings))
	}
}

// Whole-system findings carry subject kind "system", and a waiver can
// name it so.
func TestSystemSubjectKind(t *testing.T) {
	s := loadMinimal(t)
	rep, err := isms.Check(context.Background(), s, caseAsOf)
	if err != nil {
		t.Fatal(err)
	}
	var sys *rules.Finding
	for i, f := range rep.Details {
		if f.Subject.Kind == "" {
			t.Errorf("finding %s has an empty subject kind", f.RuleID)
		}
		if f.RuleID == "7.3-awareness-completion" {
			sys = &rep.Details[i]
		}
	}
	if sys == nil || sys.Subject != (rules.Subject{Kind: isms.SubjectSystem}) {
		t.Fatalf("7.3 finding subject = %+v", sys)
	}
	rep, err = isms.Check(context.Background(), s, caseAsOf, isms.Waive(rules.Waiver{RuleID: sys.RuleID,
		Subject: sys.Subject, Justification: "campaign running", Expires: caseAsOf.AddDate(0, 1, 0)}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Details {
		if f.RuleID == sys.RuleID {
			t.Error("waiver naming the system subject did not apply")
		}
	}
}

// shuffleAll shuffles every slice reachable from v except those inside
// risk criteria, whose scales are ordered on purpose.
func shuffleAll(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			shuffleAll(r, v.Elem())
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[risk.Criteria]() || v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				shuffleAll(r, v.Field(i))
			}
		}
	case reflect.Slice:
		n := v.Len()
		swap := reflect.Swapper(v.Interface())
		r.Shuffle(n, swap)
		for i := range n {
			shuffleAll(r, v.Index(i))
		}
	}
}

// Property (issue 10): shuffling every collection of the sample, nested
// ones included, gives a byte-identical report.
func TestPropShuffleEverything(t *testing.T) {
	want, err := isms.Check(context.Background(), loadSample(t), sampleAsOf)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	rapid.Check(t, func(rt *rapid.T) {
		s := loadSample(t)
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(rt, "seed"), 2))
		shuffleAll(r, reflect.ValueOf(s))
		got, err := isms.Check(context.Background(), s, sampleAsOf)
		if err != nil {
			rt.Fatal(err)
		}
		gotJSON, _ := json.Marshal(got)
		if string(gotJSON) != string(wantJSON) {
			rt.Fatalf("report changed when collections were shuffled:\n%s", cmp.Diff(string(wantJSON), string(gotJSON)))
		}
	})
}

// Property: swapping the scope units does not change the 4.3 message.
func TestExclusionReasonOrder(t *testing.T) {
	rep := checkCase(t, "4.3-exclusion-reason.fires")
	s := patchedSystem(t, loadCases(t)["4.3-exclusion-reason.fires"].Patch)
	for i, j := 0, len(s.Scope.Units)-1; i < j; i, j = i+1, j-1 {
		s.Scope.Units[i], s.Scope.Units[j] = s.Scope.Units[j], s.Scope.Units[i]
	}
	rep2, err := isms.Check(context.Background(), s, caseAsOf)
	if err != nil {
		t.Fatal(err)
	}
	msg := func(r *isms.Report) string {
		for _, f := range r.Findings {
			if f.RuleID == "4.3-exclusion-reason" {
				return f.Message
			}
		}
		return ""
	}
	if msg(rep) == "" || msg(rep) != msg(rep2) {
		t.Errorf("message %q became %q", msg(rep), msg(rep2))
	}
}

// The fields added for the verdicts round-trip through JSON.
func TestNewFieldsRoundTrip(t *testing.T) {
	s := loadMinimal(t)
	s.Nonconformities[0].Actions = nil
	s.Nonconformities[0].NoAction = isms.NoActionDecision{Reason: "tool retired", By: "P-2", On: caseAsOf}
	s.OperationalChanges[0].Significant = true
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := isms.DecodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.Nonconformities, back.Nonconformities, cmpOpts...); diff != "" {
		t.Errorf("nonconformities (-want +got):\n%s", diff)
	}
	if !back.OperationalChanges[0].Significant {
		t.Error("Change.Significant lost")
	}
}

// A grouped finding over many subjects names a few of them in its
// message and counts the rest; Instances lists every one.
func TestGroupingCapsNamedInstances(t *testing.T) {
	s := loadMinimal(t)
	base := s.Register.Risks[0]
	const n = 40
	for i := range n {
		r := base
		r.ID, r.Inherent, r.Residual, r.Treatment, r.Decision = fmt.Sprintf("R-X%02d", i), nil, nil, nil, risk.OwnerDecision{}
		s.Register.Risks = append(s.Register.Risks, r)
	}
	rep, err := isms.Check(context.Background(), s, caseAsOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.RuleID != "6.1.2-risk-analysed" {
			continue
		}
		if len(f.Instances) != n {
			t.Fatalf("%d instances, want %d", len(f.Instances), n)
		}
		if !strings.Contains(f.Message, fmt.Sprintf("; and %d more: ", n-3)) || !strings.HasSuffix(f.Message, fmt.Sprintf(" and %d others", n-3-20)) {
			t.Errorf("message does not name 20 more and count the rest: %q", f.Message)
		}
		if strings.Contains(f.Message, "R-X39") {
			t.Errorf("message names an instance past the cap: %q", f.Message)
		}
		return
	}
	t.Fatal("no grouped 6.1.2-risk-analysed finding")
}
