package isms

import (
	"errors"
	"slices"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

// System is one snapshot of an organization's ISMS. It is plain data:
// build it in Go or decode it from JSON, validate it with
// [System.Validate], and hand it to the conformance checks.
//
// Cross references are IDs. Where a field says "person or role", the ID
// is looked up among People first and Roles second; "interested party or
// role" likewise among Parties and Roles; an "area" is a process or a
// scope unit. Control IDs are Annex A controls of the system's edition
// (either spelling, "5.1" or "A.5.1" for 2022) or custom controls
// declared in SoA.Custom.
type System struct {
	// Organization is the name of the organization that runs the ISMS.
	Organization string `json:"organization,omitempty"`
	// Edition is the edition of ISO/IEC 27001 the ISMS follows; empty
	// means 2022. See EffectiveEdition.
	Edition soa.Edition `json:"edition,omitempty"`
	// Settings are the organization's own periods and targets.
	Settings Settings `json:"settings,omitzero"`
	// People is the directory every person reference resolves against.
	People []Person `json:"people,omitempty"`

	Issues  []Issue `json:"issues,omitempty"`  // 4.1
	Parties []Party `json:"parties,omitempty"` // 4.2
	Scope   Scope   `json:"scope,omitzero"`    // 4.3

	Leadership    []LeadershipEvidence `json:"leadership,omitempty"`    // 5.1
	Policy        Policy               `json:"policy,omitzero"`         // 5.2
	TopicPolicies []Policy             `json:"topicPolicies,omitempty"` // 5.2, Annex A 5.1
	Roles         []Role               `json:"roles,omitempty"`         // 5.3 and 7.2

	// ISMSRisks are the risks and opportunities for the ISMS itself
	// (6.1.1). They are kept apart from Register: see ISMSRisk.
	ISMSRisks []ISMSRisk `json:"ismsRisks,omitempty"`
	// Criteria is the risk methodology (6.1.2 a–b).
	Criteria risk.Criteria `json:"criteria,omitzero"`
	// Register holds the information security risks (6.1.2 c–e, 6.1.3).
	Register risk.Register `json:"register,omitzero"`
	// SoA is the Statement of Applicability (6.1.3 d).
	SoA         soa.Statement `json:"soa,omitzero"`
	Objectives  []Objective   `json:"objectives,omitempty"`  // 6.2
	ISMSChanges []Change      `json:"ismsChanges,omitempty"` // 6.3 (2022)

	Resources     []Resource        `json:"resources,omitempty"`    // 7.1
	Awareness     Awareness         `json:"awareness,omitzero"`     // 7.3
	Communication CommunicationPlan `json:"communication,omitzero"` // 7.4
	Documents     []Document        `json:"documents,omitempty"`    // 7.5

	Processes          []Process         `json:"processes,omitempty"`          // 8.1
	Suppliers          []Supplier        `json:"suppliers,omitempty"`          // 8.1
	OperationalChanges []Change          `json:"operationalChanges,omitempty"` // 8.1
	Assessments        []Assessment      `json:"assessments,omitempty"`        // 8.2
	TreatmentResults   []TreatmentResult `json:"treatmentResults,omitempty"`   // 8.3

	Measures          []Measure          `json:"measures,omitempty"`          // 9.1
	AuditProgramme    AuditProgramme     `json:"auditProgramme,omitzero"`     // 9.2
	Audits            []Audit            `json:"audits,omitempty"`            // 9.2
	ManagementReviews []ManagementReview `json:"managementReviews,omitempty"` // 9.3

	// Nonconformities and their corrective actions: 10.1 in 27001:2013,
	// 10.2 in 27001:2022.
	Nonconformities []Nonconformity `json:"nonconformities,omitempty"`
	// Improvements are opportunities for continual improvement: 10.2 in
	// 27001:2013, 10.1 in 27001:2022.
	Improvements []Improvement `json:"improvements,omitempty"`
}

// EffectiveEdition returns the edition the system follows: Edition, or
// 2022 when Edition is empty. An unknown edition is returned as is, and
// Validate reports it.
func (s *System) EffectiveEdition() soa.Edition {
	if s == nil || s.Edition == "" {
		return soa.Edition2022
	}
	return s.Edition
}

// HoldersOf returns the IDs of the people who hold role roleID, sorted
// and without duplicates. A person holds a role when the role lists them
// in Holders or when they list the role in their Roles: GRC products
// usually record the assignment on one side only, and either is enough.
func (s *System) HoldersOf(roleID string) []string {
	if s == nil {
		return nil
	}
	var out []string
	for i := range s.Roles {
		if s.Roles[i].ID == roleID {
			out = append(out, s.Roles[i].Holders...)
		}
	}
	for i := range s.People {
		if slices.Contains(s.People[i].Roles, roleID) {
			out = append(out, s.People[i].ID)
		}
	}
	slices.SortFunc(out, rules.NaturalCompare)
	return slices.Compact(out)
}

// Person is an entry of the people directory.
type Person struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Position string `json:"position,omitempty"`
	// Roles are the IDs of the ISMS roles (5.3) the person holds.
	Roles []string `json:"roles,omitempty"`
	// TopManagement marks the people who direct and control the
	// organization at the highest level; approvals, reviews and audit
	// reports that must involve top management look for this flag.
	TopManagement bool `json:"topManagement,omitempty"`
}

// Settings are the periods and targets an organization has chosen for
// its ISMS. The conformance checks read them through the Effective
// methods, which fill in the defaults for unset values. A record's own
// interval (such as Document.ReviewInterval) takes precedence over
// ReviewPeriod.
type Settings struct {
	// ReviewPeriod is how often issues, interested parties, the scope,
	// policies, documents and suppliers are reviewed when the record does
	// not set its own interval. Default P12M.
	ReviewPeriod rules.Period `json:"reviewPeriod,omitzero"`
	// RiskAssessmentPeriod is the longest time between two broad risk
	// assessments (8.2). Default P12M.
	RiskAssessmentPeriod rules.Period `json:"riskAssessmentPeriod,omitzero"`
	// ManagementReviewPeriod is the longest time between two management
	// reviews (9.3). Default P12M.
	ManagementReviewPeriod rules.Period `json:"managementReviewPeriod,omitzero"`
	// AwarenessTarget is the share of the people in the awareness
	// programme's audience who must have completed it, as a fraction
	// between 0 and 1 (0.95 for 95 %). Default 0.9.
	AwarenessTarget decimal.Decimal `json:"awarenessTarget,omitzero"`
}

// EffectiveReviewPeriod returns ReviewPeriod, or P12M when unset.
func (s Settings) EffectiveReviewPeriod() rules.Period {
	return orDefault(s.ReviewPeriod)
}

// EffectiveRiskAssessmentPeriod returns RiskAssessmentPeriod, or P12M
// when unset.
func (s Settings) EffectiveRiskAssessmentPeriod() rules.Period {
	return orDefault(s.RiskAssessmentPeriod)
}

// EffectiveManagementReviewPeriod returns ManagementReviewPeriod, or P12M
// when unset.
func (s Settings) EffectiveManagementReviewPeriod() rules.Period {
	return orDefault(s.ManagementReviewPeriod)
}

// EffectiveAwarenessTarget returns AwarenessTarget, or 0.9 when unset
// (zero).
func (s Settings) EffectiveAwarenessTarget() decimal.Decimal {
	if s.AwarenessTarget.IsZero() {
		return decimal.New(9, -1)
	}
	return s.AwarenessTarget
}

func orDefault(p rules.Period) rules.Period {
	if p.IsZero() {
		return rules.Months(12)
	}
	return p
}

// Origin says whether something comes from inside or outside the
// organization: an issue (4.1), an interested party (4.2) or a document
// (7.5).
type Origin string

// Origins.
const (
	Internal Origin = "internal"
	External Origin = "external"
)

var origins = []Origin{Internal, External}

// Valid reports whether o is Internal or External.
func (o Origin) Valid() bool { return slices.Contains(origins, o) }

// ErrDecode is wrapped by the errors of DecodeJSON; use errors.Is.
var ErrDecode = errors.New("isms: cannot decode system")

// DecodeJSON decodes one System from data strictly: unknown fields and
// trailing data are errors, so that a misspelt field name does not go
// unnoticed. It does not validate; call Validate on the result.
//
// An instant may be given as RFC 3339 ("2026-06-30T09:00:00+02:00") or
// as a date alone ("2026-06-30"), which means midnight UTC of that day;
// encoding writes it back as "2026-06-30T00:00:00Z", the same instant, so
// a decoded system round-trips unchanged. A number, or a string where a
// decimal is expected, may have at most 100 characters.
//
// On failure it returns no system and an error that wraps ErrDecode and
// joins one *DecodeError per problem, in document order: every value of
// the wrong type, unknown field and over-long number, each named by its
// path such as "register.risks[3].inherent.likelihood", or a syntax error
// with its line and column. The time it takes is linear in len(data).
func DecodeJSON(data []byte) (*System, error) {
	var s System
	if err := decodeStrict(data, &s, "the system"); err != nil {
		return nil, err
	}
	return &s, nil
}
