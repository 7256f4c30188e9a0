package isms_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

// loadMinimal decodes testdata/minimal.json afresh, so that each test may
// change its copy.
func loadMinimal(t testing.TB) *isms.System {
	t.Helper()
	b, err := os.ReadFile("testdata/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := isms.DecodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// messages returns the lines of a joined error, in order.
func messages(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

var cmpOpts = []cmp.Option{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmpopts.EquateEmpty(),
}

func TestMinimalIsValid(t *testing.T) {
	s := loadMinimal(t)
	if err := s.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	if err := new(isms.System).Validate(); err != nil {
		t.Errorf("zero System: Validate() = %v, want nil", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *isms.System)
		want   []string
	}{
		{
			name: "no-action decision without reason, beside actions",
			change: func(s *isms.System) {
				s.Nonconformities[0].NoAction = isms.NoActionDecision{By: "P-9"}
			},
			want: []string{
				`nonconformities[0].noAction: the nonconformity records corrective actions and also that none is needed`,
				`nonconformities[0].noAction.by: unknown person "P-9"`,
				`nonconformities[0].noAction.reason: a decision that no corrective action is needed must give its reason`,
			},
		},
		{
			name:   "unknown person",
			change: func(s *isms.System) { s.Roles[0].Holders = append(s.Roles[0].Holders, "P-9") },
			want:   []string{`roles[0].holders[1]: unknown person "P-9"`},
		},
		{
			name:   "empty reference in a list",
			change: func(s *isms.System) { s.Roles[0].Holders = append(s.Roles[0].Holders, "") },
			want:   []string{`roles[0].holders[1]: empty person reference`},
		},
		{
			name:   "unknown role",
			change: func(s *isms.System) { s.People[0].Roles = []string{"R-X"} },
			want:   []string{`people[0].roles[0]: unknown role "R-X"`},
		},
		{
			name: "unknown person or role",
			change: func(s *isms.System) {
				s.Documents[1].Owner = "nobody"
				s.Register.Risks[0].Treatment.Actions[0].Owner = "ghost"
			},
			want: []string{
				`documents[1].owner: unknown person or role "nobody"`,
				`register.risks[0].treatment.actions[0].owner: unknown person or role "ghost"`,
			},
		},
		{
			name: "approvals are by people",
			change: func(s *isms.System) {
				s.Scope.Approval.By = "R-ISM"
				s.TopicPolicies[0].Approval.Role = "P-2"
			},
			want: []string{
				`scope.approval.by: unknown person "R-ISM"`,
				`topicPolicies[0].approval.role: unknown role "P-2"`,
			},
		},
		{
			name: "unknown interested party or role",
			change: func(s *isms.System) {
				s.Policy.Audience = append(s.Policy.Audience, "everyone")
				s.Communication.Items[0].To = []string{"IP-1", "IP-3"}
			},
			want: []string{
				`communication.items[0].to[1]: unknown interested party or role "IP-3"`,
				`policy.audience[1]: unknown interested party or role "everyone"`,
			},
		},
		{
			name: "unknown issue and party",
			change: func(s *isms.System) {
				s.ISMSRisks[0].Issues = []string{"I-1", "I-7"}
				s.ISMSRisks[0].Parties = []string{"IP-9"}
			},
			want: []string{
				`ismsRisks[0].issues[1]: unknown issue "I-7"`,
				`ismsRisks[0].parties[0]: unknown interested party "IP-9"`,
			},
		},
		{
			name: "unknown risk",
			change: func(s *isms.System) {
				s.Objectives[0].Risks = append(s.Objectives[0].Risks, "R-404")
				s.SoA.Entries[0].Justification.Risks = []string{"IR-1", "R-5"}
			},
			want: []string{
				`objectives[0].risks[1]: unknown risk "R-404"`,
				`soa.entries[0].justification.risks[1]: unknown risk "R-5"`,
			},
		},
		{
			name: "unknown action",
			change: func(s *isms.System) {
				s.SoA.Entries[0].Justification.Actions = []string{"A-1", "A-99"}
				s.TreatmentResults[0].Actions = []string{"A-98"}
			},
			want: []string{
				`soa.entries[0].justification.actions[1]: unknown action "A-99"`,
				`treatmentResults[0].actions[0]: unknown action "A-98"`,
			},
		},
		{
			name: "unknown control",
			change: func(s *isms.System) {
				s.Register.Risks[0].Treatment.Controls = []string{"8.9", "A.8.9", "9.99", "C-XYZ", "A.12.6.1"}
				s.AuditProgramme.KeyControls = []string{"5.37", "5.38"}
			},
			want: []string{
				`auditProgramme.keyControls[1]: unknown control "5.38" (neither in Annex A 2022 nor among the SoA's custom controls)`,
				`register.risks[0].treatment.controls[2]: unknown control "9.99" (neither in Annex A 2022 nor among the SoA's custom controls)`,
				`register.risks[0].treatment.controls[3]: unknown control "C-XYZ" (neither in Annex A 2022 nor among the SoA's custom controls)`,
				`register.risks[0].treatment.controls[4]: unknown control "A.12.6.1" (neither in Annex A 2022 nor among the SoA's custom controls)`,
			},
		},
		{
			name: "2013 edition resolves 2013 controls",
			change: func(s *isms.System) {
				s.Edition = soa.Edition2013
				s.SoA.Edition = soa.Edition2013
				s.SoA.Entries = s.SoA.Entries[2:] // keep the custom control
				s.Register.Risks[0].Treatment.Controls = []string{"C-MDM"}
				s.Processes[0].Controls = []string{"A.12.6.1", "12.6.1", "8.8"}
				s.Measures[0].Controls = nil
				s.AuditProgramme.Controls = nil
				s.AuditProgramme.KeyControls = nil
				s.Audits[0].Scope.Controls = nil
				s.Audits[0].Findings[0].Control = ""
			},
			want: []string{
				`processes[0].controls[2]: unknown control "8.8" (neither in Annex A 2013 nor among the SoA's custom controls)`,
			},
		},
		{
			name: "custom controls",
			change: func(s *isms.System) {
				s.SoA.Custom = append(s.SoA.Custom, soa.Control{ID: "MDM", Title: "x"}, soa.Control{ID: "C-MDM", Title: "again"})
				s.SoA.Entries[1].Justification.ObviatedBy = "8.9"
			},
			want: []string{
				`soa.custom[1].id: custom control ID "MDM" must be "C-" followed by letters, digits, '.', '_' or '-'`,
				`soa.custom[2].id: duplicate custom control ID "C-MDM" (first at soa.custom[0])`,
				`soa.entries[1].justification.obviatedBy: unknown custom control "8.9"`,
			},
		},
		{
			name: "SoA entries",
			change: func(s *isms.System) {
				s.SoA.Entries = append(s.SoA.Entries,
					soa.Entry{ControlID: "A.8.9", Decision: soa.Included},
					soa.Entry{Decision: soa.Undecided})
			},
			want: []string{
				`soa.entries[3].controlId: duplicate entry for control "A.8.9" (first at soa.entries[0])`,
				`soa.entries[4].controlId: missing control`,
			},
		},
		{
			name:   "SoA of another edition",
			change: func(s *isms.System) { s.SoA.Edition = soa.Edition2013 },
			want:   []string{`soa.edition: the SoA is for edition "2013" but the system follows edition "2022"`},
		},
		{
			name: "unknown edition skips Annex A lookups",
			change: func(s *isms.System) {
				s.Edition = "2005"
				s.Processes[0].Controls = append(s.Processes[0].Controls, "C-NOPE")
			},
			want: []string{
				`edition: unknown edition "2005" (want 2022 or 2013)`,
				`processes[0].controls[1]: unknown control "C-NOPE"`,
			},
		},
		{
			name: "unknown document",
			change: func(s *isms.System) {
				s.Scope.Document = "D-X"
				s.Roles[0].Competence.Holders[0].Evidence[0].Document = "D-Y"
				s.ISMSChanges[0].Evidence = []string{"D-Z"}
			},
			want: []string{
				`ismsChanges[0].evidence[0]: unknown document "D-Z"`,
				`roles[0].competence.holders[0].evidence[0].document: unknown document "D-Y"`,
				`scope.document: unknown document "D-X"`,
			},
		},
		{
			name: "unknown process, supplier, unit and area",
			change: func(s *isms.System) {
				s.AuditProgramme.Processes = append(s.AuditProgramme.Processes, "PR-9")
				s.Processes[1].Supplier = "S-9"
				s.Audits[0].Scope.Units = []string{"U-X"}
				s.Audits[0].Auditors[0].OwnAreas = []string{"U-HR", "PR-2", "HQ"}
			},
			want: []string{
				`auditProgramme.processes[2]: unknown process "PR-9"`,
				`audits[0].auditors[0].ownAreas[2]: unknown process or scope unit "HQ"`,
				`audits[0].scope.units[0]: unknown scope unit "U-X"`,
				`processes[1].supplier: unknown supplier "S-9"`,
			},
		},
		{
			name: "unknown policy, objective and measure",
			change: func(s *isms.System) {
				s.Policy.Related = []string{"POL-AC", "POL-9"}
				s.Policy.Objectives = []string{"O-2"}
				s.Objectives[0].Measure.Measure = "M-2"
				s.Objectives[0].Policy = "POL-2"
			},
			want: []string{
				`objectives[0].measure.measure: unknown measure "M-2"`,
				`objectives[0].policy: unknown policy "POL-2"`,
				`policy.objectives[0]: unknown objective "O-2"`,
				`policy.related[1]: unknown policy "POL-9"`,
			},
		},
		{
			name: "audits, findings and nonconformities",
			change: func(s *isms.System) {
				s.Audits[0].Findings = append(s.Audits[0].Findings,
					isms.AuditFinding{ID: "F-1"},
					isms.AuditFinding{Severity: rules.Severity(9), Nonconformity: "NC-7"})
				s.Nonconformities = append(s.Nonconformities,
					isms.Nonconformity{ID: "NC-2", Audit: "AU-1", Finding: "F-3", Similar: []string{"NC-1", "NC-2"}},
					isms.Nonconformity{ID: "NC-3", Finding: "F-1"},
					isms.Nonconformity{ID: "NC-4", Audit: "AU-2", Finding: "F-1"})
			},
			want: []string{
				`audits[0].findings[1].id: duplicate finding ID "F-1" in this audit (first at audits[0].findings[0])`,
				`audits[0].findings[2].id: missing ID`,
				`audits[0].findings[2].nonconformity: unknown nonconformity "NC-7"`,
				`audits[0].findings[2].severity: unknown severity 9 (want major, minor, observation or opportunity)`,
				`nonconformities[1].finding: unknown finding "F-3" of audit "AU-1"`,
				`nonconformities[1].similar[1]: a nonconformity cannot be similar to itself`,
				`nonconformities[2].finding: a finding needs the audit it belongs to`,
				`nonconformities[3].audit: unknown audit "AU-2"`,
			},
		},
		{
			name: "missing and duplicate IDs",
			change: func(s *isms.System) {
				s.Issues = append(s.Issues, isms.Issue{Description: "no id"})
				s.People = append(s.People, isms.Person{ID: "P-2"})
				s.TopicPolicies = append(s.TopicPolicies, isms.Policy{ID: "POL-1"})
				s.OperationalChanges = append(s.OperationalChanges, isms.Change{ID: "CH-1"})
				s.Nonconformities[0].Actions = append(s.Nonconformities[0].Actions, risk.Action{ID: "A-1"})
				s.Roles[0].Competence.Holders = append(s.Roles[0].Competence.Holders, isms.HolderCompetence{})
				s.Parties[0].Requirements = append(s.Parties[0].Requirements, isms.Requirement{ID: "REQ-1"})
				s.Audits[0].Auditors = append(s.Audits[0].Auditors, isms.Auditor{})
			},
			want: []string{
				`audits[0].auditors[1].person: missing person`,
				`issues[2].id: missing ID`,
				`nonconformities[0].actions[1].id: duplicate action ID "A-1" (first at register.risks[0].treatment.actions[0])`,
				`operationalChanges[1].id: duplicate change ID "CH-1" (first at ismsChanges[0])`,
				`parties[0].requirements[1].id: duplicate requirement ID "REQ-1" (first at parties[0].requirements[0])`,
				`people[3].id: duplicate person ID "P-2" (first at people[1])`,
				`roles[0].competence.holders[1].person: missing person`,
				`topicPolicies[1].id: duplicate policy ID "POL-1" (first at policy)`,
			},
		},
		{
			name: "risks in the wrong list",
			change: func(s *isms.System) {
				s.Register.Risks[0].Kind = risk.ISMSOpportunity
				s.ISMSRisks[0].Kind = risk.InformationSecurity
				s.ISMSRisks = append(s.ISMSRisks, isms.ISMSRisk{ID: "R-1", Kind: "threat"})
			},
			want: []string{
				`ismsRisks[0].kind: an information security risk belongs in the register, not in ismsRisks`,
				`ismsRisks[1].kind: unknown kind "threat" (want isms-risk or isms-opportunity)`,
				`register.risks[0].id: duplicate risk ID "R-1" (first at ismsRisks[1])`,
				`register.risks[0].kind: a risk or opportunity of kind "isms-opportunity" belongs in ismsRisks, not in the register`,
			},
		},
		{
			name: "enumerations",
			change: func(s *isms.System) {
				s.Issues[0].Origin = "outside"
				s.Issues[1].Aspect = isms.AspectNatural
				s.Parties[0].Category = isms.CategoryEmployeeUser
				s.Scope.Status = "done"
				s.Scope.Units[0].Inclusion = "in"
				s.Documents[0].Covers = append(s.Documents[0].Covers, "x")
				s.Documents[0].Type = "memo"
				s.Roles[1].Responsibilities = append(s.Roles[1].Responsibilities, "make-coffee")
				s.ManagementReviews[0].Inputs = append(s.ManagementReviews[0].Inputs, "gossip")
				s.Objectives[0].Measure.Direction = "exactly"
				s.Register.Risks[0].Treatment.Actions[0].Status = "stalled"
				s.Policy.Commitments = []isms.Commitment{"be-nice"}
			},
			want: []string{
				`documents[0].covers[1]: unknown mandatory item "x"`,
				`documents[0].type: unknown document type "memo" (want policy, procedure, process, plan, standard, guideline, record, report, register, contract or other)`,
				`issues[0].origin: unknown origin "outside" (want internal or external)`,
				`issues[1].aspect: aspect "natural" is external, but the issue is internal`,
				`managementReviews[0].inputs[7]: unknown review input "gossip"`,
				`objectives[0].measure.direction: unknown direction "exactly" (want at-least or at-most)`,
				`parties[0].category: category "employee-user" is internal, but the party is external`,
				`policy.commitments[0]: unknown commitment "be-nice"`,
				`register.risks[0].treatment.actions[0].status: unknown action status "stalled" (want planned, in-progress, done or cancelled)`,
				`roles[1].responsibilities[1]: unknown responsibility "make-coffee"`,
				`scope.status: unknown scope status "done" (want preliminary, refined, final or approved)`,
				`scope.units[0].inclusion: unknown inclusion "in" (want included or excluded)`,
			},
		},
		{
			name: "numbers and periods",
			change: func(s *isms.System) {
				s.Settings.AwarenessTarget = decimal.NewFromInt(95)
				s.Awareness.Completed = decimal.NewFromInt(-1)
				s.Measures[0].Results[0].Value = decimal.New(1, 999999999)
				s.Objectives[0].Measure.Target = decimal.RequireFromString("1" + strings.Repeat("0", 70))
				s.Documents[0].ReviewInterval = rules.Period{Days: -3}
			},
			want: []string{
				`awareness.completed: must not be negative`,
				`documents[0].reviewInterval: invalid period "P-3D": want a form such as P12M or P90D`,
				`measures[0].results[0].value: number out of range: the exponent must lie within ±64`,
				`objectives[0].measure.target: number out of range: at most 64 digits`,
				`settings.awarenessTarget: must be a fraction between 0 and 1, such as 0.95 for 95 %`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadMinimal(t)
			tt.change(s)
			err := s.Validate()
			if diff := cmp.Diff(tt.want, messages(err)); diff != "" {
				t.Errorf("Validate() mismatch (-want +got):\n%s", diff)
			}
			if err != nil && !errors.Is(err, isms.ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) = false for %v", err)
			}
		})
	}
}

func TestValidateErrorsAreFieldErrors(t *testing.T) {
	s := loadMinimal(t)
	for i := range 12 {
		s.Issues = append(s.Issues, isms.Issue{ID: "I-1", Origin: isms.Origin("o" + string(rune('a'+i)))})
	}
	err := s.Validate()
	var fe *isms.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("errors.As(*FieldError) failed for %v", err)
	}
	if fe.Path != "issues[2].id" {
		t.Errorf("first error path = %q, want issues[2].id", fe.Path)
	}
	// Paths compare digits as numbers: issues[2] … issues[9], then issues[10].
	msgs := messages(err)
	if len(msgs) != 24 {
		t.Fatalf("got %d errors, want 24:\n%s", len(msgs), strings.Join(msgs, "\n"))
	}
	if !strings.HasPrefix(msgs[16], "issues[10].id:") || !strings.HasPrefix(msgs[22], "issues[13].id:") {
		t.Errorf("errors not in natural path order:\n%s", strings.Join(msgs, "\n"))
	}
}

func TestValidateNilSystem(t *testing.T) {
	var s *isms.System
	err := s.Validate()
	if !errors.Is(err, isms.ErrInvalid) {
		t.Fatalf("nil System: Validate() = %v, want ErrInvalid", err)
	}
}

// TestValidateDoesNotMutate compares a broken system before and after
// Validate.
func TestValidateDoesNotMutate(t *testing.T) {
	s := loadMinimal(t)
	s.Edition = "2013"
	s.Roles[0].Holders = append(s.Roles[0].Holders, "P-9", "")
	s.SoA.Entries = append(s.SoA.Entries, soa.Entry{ControlID: "A.8.9"})
	before, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	first := s.Validate()
	after, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(before), string(after)); diff != "" {
		t.Errorf("Validate changed the system (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(messages(first), messages(s.Validate())); diff != "" {
		t.Errorf("Validate is not repeatable (-first +second):\n%s", diff)
	}
}
