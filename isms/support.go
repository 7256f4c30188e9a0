package isms

import (
	"slices"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

// ResourceKind classifies a resource provided for the ISMS (7.1).
type ResourceKind string

// Resource kinds.
const (
	ResourceStaff    ResourceKind = "staff"    // people and their time
	ResourceBudget   ResourceKind = "budget"   // money
	ResourceTooling  ResourceKind = "tooling"  // software and equipment
	ResourceFacility ResourceKind = "facility" // premises and physical infrastructure
	ResourceService  ResourceKind = "service"  // services bought in
	ResourceOther    ResourceKind = "other"
)

var resourceKinds = []ResourceKind{ResourceStaff, ResourceBudget, ResourceTooling,
	ResourceFacility, ResourceService, ResourceOther}

// Valid reports whether k is a resource kind.
func (k ResourceKind) Valid() bool { return slices.Contains(resourceKinds, k) }

// Resource is something the organization provides to establish, run and
// improve the ISMS (7.1). Amount is in Unit (such as "FTE" or "EUR").
type Resource struct {
	ID          string          `json:"id"`
	Kind        ResourceKind    `json:"kind,omitempty"`
	Description string          `json:"description,omitempty"`
	Amount      decimal.Decimal `json:"amount,omitzero"`
	Unit        string          `json:"unit,omitempty"`
	// Purpose is what the resource is for.
	Purpose  string        `json:"purpose,omitempty"`
	Owner    string        `json:"owner,omitempty"` // person or role ID
	Approval risk.Approval `json:"approval,omitzero"`
}

// Competence is what a role requires of its holders and how each holder
// meets it (7.2).
type Competence struct {
	// Required lists the education, training or experience the role
	// needs, one item per entry.
	Required []string `json:"required,omitempty"`
	// Holders records, per person, the evidence of competence and the
	// actions taken to close gaps.
	Holders []HolderCompetence `json:"holders,omitempty"`
}

// HolderCompetence is one person's competence for a role: evidence, the
// actions taken where they fell short (training, mentoring,
// reassignment, hiring) and the evaluation of those actions.
type HolderCompetence struct {
	Person     string              `json:"person"` // person ID
	Evidence   []Evidence          `json:"evidence,omitempty"`
	Actions    []risk.Action       `json:"actions,omitempty"`
	Evaluation EffectivenessReview `json:"evaluation,omitzero"`
}

// Evidence is a piece of evidence, optionally kept as a document.
type Evidence struct {
	Description string    `json:"description,omitempty"`
	Date        time.Time `json:"date,omitzero"`
	Document    string    `json:"document,omitempty"` // document ID
}

// Awareness is the awareness programme (7.3). Completion is counted in
// people: Completed of Required had completed it on CountedOn. The
// organization's target share is Settings.AwarenessTarget.
type Awareness struct {
	Description string   `json:"description,omitempty"`
	Owner       string   `json:"owner,omitempty"` // person or role ID
	Topics      []string `json:"topics,omitempty"`
	// Audience are the interested parties or roles the programme is for.
	Audience  []string        `json:"audience,omitempty"`
	Required  decimal.Decimal `json:"required,omitzero"`
	Completed decimal.Decimal `json:"completed,omitzero"`
	CountedOn time.Time       `json:"countedOn,omitzero"`
	Sessions  []Session       `json:"sessions,omitempty"`
}

// Completion returns Completed / Required rounded to four decimal
// places, and false when Required is not positive. Call it on validated
// values.
func (a Awareness) Completion() (decimal.Decimal, bool) {
	if a.Required.Sign() <= 0 {
		return decimal.Decimal{}, false
	}
	return a.Completed.DivRound(a.Required, 4), true
}

// Session is one awareness event: a course, a briefing, a campaign.
type Session struct {
	ID       string          `json:"id"`
	Title    string          `json:"title,omitempty"`
	Date     time.Time       `json:"date,omitzero"`
	Topics   []string        `json:"topics,omitempty"`
	Audience []string        `json:"audience,omitempty"` // interested party or role IDs
	Invited  decimal.Decimal `json:"invited,omitzero"`
	Attended decimal.Decimal `json:"attended,omitzero"`
}

// CommunicationPlan is what the ISMS communicates, and who may speak for
// the organization outside it (7.4).
type CommunicationPlan struct {
	Items []Communication `json:"items,omitempty"`
	// Spokespeople are the people or roles allowed to speak about
	// information security to outsiders.
	Spokespeople []string `json:"spokespeople,omitempty"`
}

// Communication is one line of the communication plan: what is
// communicated, when (as text, and optionally as a period), by whom, to
// whom and through which channel. External marks communication leaving
// the organization.
type Communication struct {
	ID      string       `json:"id"`
	Subject string       `json:"subject,omitempty"`
	When    string       `json:"when,omitempty"` // such as "quarterly" or "after each incident"
	Every   rules.Period `json:"every,omitzero"`
	By      string       `json:"by,omitempty"` // person or role ID
	To      []string     `json:"to,omitempty"` // interested party or role IDs
	Channel string       `json:"channel,omitempty"`
	// External marks communication with people outside the organization.
	External bool `json:"external,omitempty"`
}

// DocType is the kind of a piece of documented information.
type DocType string

// Document types.
const (
	DocPolicy    DocType = "policy"
	DocProcedure DocType = "procedure"
	DocProcess   DocType = "process" // a process description
	DocPlan      DocType = "plan"
	DocStandard  DocType = "standard" // an internal standard or baseline
	DocGuideline DocType = "guideline"
	DocRecord    DocType = "record" // evidence of something done
	DocReport    DocType = "report"
	DocRegister  DocType = "register" // a list kept up to date, such as the risk register
	DocContract  DocType = "contract"
	DocOther     DocType = "other"
)

var docTypes = []DocType{DocPolicy, DocProcedure, DocProcess, DocPlan, DocStandard,
	DocGuideline, DocRecord, DocReport, DocRegister, DocContract, DocOther}

// Valid reports whether t is a document type.
func (t DocType) Valid() bool { return slices.Contains(docTypes, t) }

// MandatoryItem is a piece of documented information that ISO/IEC 27001
// requires the organization to keep. Documents declare which ones they
// cover in Document.Covers.
type MandatoryItem string

// Mandatory items, in clause order.
const (
	ItemScope                  MandatoryItem = "scope"                     // 4.3
	ItemPolicy                 MandatoryItem = "policy"                    // 5.2
	ItemRiskAssessmentProcess  MandatoryItem = "risk-assessment-process"   // 6.1.2
	ItemRiskTreatmentProcess   MandatoryItem = "risk-treatment-process"    // 6.1.3
	ItemSoA                    MandatoryItem = "soa"                       // 6.1.3 d
	ItemObjectives             MandatoryItem = "objectives"                // 6.2
	ItemCompetenceEvidence     MandatoryItem = "competence-evidence"       // 7.2
	ItemOperationalPlanning    MandatoryItem = "operational-planning"      // 8.1
	ItemRiskAssessmentResults  MandatoryItem = "risk-assessment-results"   // 8.2
	ItemRiskTreatmentResults   MandatoryItem = "risk-treatment-results"    // 8.3
	ItemMonitoringResults      MandatoryItem = "monitoring-results"        // 9.1
	ItemAuditProgramme         MandatoryItem = "audit-programme"           // 9.2
	ItemAuditResults           MandatoryItem = "audit-results"             // 9.2
	ItemManagementReviewResult MandatoryItem = "management-review-results" // 9.3
	ItemNonconformities        MandatoryItem = "nonconformities"           // 10.1 (2013), 10.2 (2022): nonconformities, actions and their results
)

// MandatoryItems returns every mandatory item, in clause order. Both
// editions require the same items; only their clause numbers differ.
func MandatoryItems() []MandatoryItem {
	return []MandatoryItem{
		ItemScope, ItemPolicy, ItemRiskAssessmentProcess, ItemRiskTreatmentProcess,
		ItemSoA, ItemObjectives, ItemCompetenceEvidence, ItemOperationalPlanning,
		ItemRiskAssessmentResults, ItemRiskTreatmentResults, ItemMonitoringResults,
		ItemAuditProgramme, ItemAuditResults, ItemManagementReviewResult, ItemNonconformities,
	}
}

// Valid reports whether m is a mandatory item.
func (m MandatoryItem) Valid() bool { return m.Clause(soa.Edition2022) != "" }

// Clause returns the clause of edition e that requires the item, or ""
// for an unknown item.
func (m MandatoryItem) Clause(e soa.Edition) string {
	switch m {
	case ItemScope:
		return "4.3"
	case ItemPolicy:
		return "5.2"
	case ItemRiskAssessmentProcess:
		return "6.1.2"
	case ItemRiskTreatmentProcess:
		return "6.1.3"
	case ItemSoA:
		return "6.1.3 d)"
	case ItemObjectives:
		return "6.2"
	case ItemCompetenceEvidence:
		return "7.2"
	case ItemOperationalPlanning:
		return "8.1"
	case ItemRiskAssessmentResults:
		return "8.2"
	case ItemRiskTreatmentResults:
		return "8.3"
	case ItemMonitoringResults:
		return "9.1"
	case ItemAuditProgramme, ItemAuditResults:
		return "9.2"
	case ItemManagementReviewResult:
		return "9.3"
	case ItemNonconformities:
		if e == soa.Edition2013 {
			return "10.1"
		}
		return "10.2"
	}
	return ""
}

// Document is a piece of documented information (7.5): a document or a
// record, of internal or external origin.
type Document struct {
	ID       string        `json:"id"`
	Type     DocType       `json:"type,omitempty"`
	Title    string        `json:"title,omitempty"`
	Version  string        `json:"version,omitempty"`
	Owner    string        `json:"owner,omitempty"` // person or role ID
	Approval risk.Approval `json:"approval,omitzero"`
	// Classification is the document's label in the organization's
	// classification scheme.
	Classification string `json:"classification,omitempty"`
	// ReviewInterval is how often the document is reviewed; zero means
	// Settings.ReviewPeriod.
	ReviewInterval rules.Period `json:"reviewInterval,omitzero"`
	LastReviewed   time.Time    `json:"lastReviewed,omitzero"`
	// Retention is how long the document is kept; zero means not stated.
	Retention rules.Period `json:"retention,omitzero"`
	Origin    Origin       `json:"origin,omitempty"`
	// Covers lists the mandatory items the document provides.
	Covers []MandatoryItem `json:"covers,omitempty"`
}
