package isms

import (
	"slices"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
)

// LeadershipKind classifies evidence that top management leads the ISMS
// (5.1).
type LeadershipKind string

// Kinds of leadership evidence.
const (
	// LeadResources: top management granted people, budget or tools.
	LeadResources LeadershipKind = "resources-provided"
	// LeadReportRequested: top management asked for a report on the
	// ISMS's performance.
	LeadReportRequested LeadershipKind = "report-requested"
	// LeadCommunicated: top management told the organization why
	// information security and the ISMS matter.
	LeadCommunicated LeadershipKind = "importance-communicated"
	// LeadDirection: top management directed or backed people in their
	// ISMS work.
	LeadDirection LeadershipKind = "direction-given"
	// LeadOther is any other evidence.
	LeadOther LeadershipKind = "other"
)

var leadershipKinds = []LeadershipKind{LeadResources, LeadReportRequested, LeadCommunicated,
	LeadDirection, LeadOther}

// Valid reports whether k is one of the leadership evidence kinds.
func (k LeadershipKind) Valid() bool { return slices.Contains(leadershipKinds, k) }

// LeadershipEvidence is one record of top management's involvement in
// the ISMS (5.1).
type LeadershipEvidence struct {
	ID          string         `json:"id"`
	Kind        LeadershipKind `json:"kind,omitempty"`
	Date        time.Time      `json:"date,omitzero"`
	By          string         `json:"by,omitempty"` // person ID
	Description string         `json:"description,omitempty"`
	Document    string         `json:"document,omitempty"` // document ID
}

// Commitment is a statement of commitment the information security policy
// makes (5.2 c–d).
type Commitment string

// Commitments.
const (
	// CommitRequirements: the organization undertakes to meet the
	// information security requirements that apply to it.
	CommitRequirements Commitment = "satisfy-requirements"
	// CommitImprovement: the organization undertakes to keep improving
	// the ISMS.
	CommitImprovement Commitment = "continual-improvement"
)

// Commitments returns the commitments a top-level policy is expected to
// make.
func Commitments() []Commitment { return []Commitment{CommitRequirements, CommitImprovement} }

// Valid reports whether c is one of the commitments.
func (c Commitment) Valid() bool { return slices.Contains(Commitments(), c) }

// Policy is the information security policy (5.2) or, in
// System.TopicPolicies, a topic-specific policy beneath it. The
// administrative fields follow the policy structure 27003 Annex A
// suggests; Commitments, Objectives and ObjectiveFramework apply to the
// top-level policy.
type Policy struct {
	ID    string `json:"id,omitempty"`
	Title string `json:"title,omitempty"`
	// Topic is the subject of a topic-specific policy, such as "access
	// control"; empty for the top-level policy.
	Topic     string    `json:"topic,omitempty"`
	Version   string    `json:"version,omitempty"`
	Effective time.Time `json:"effective,omitzero"`
	// ReviewInterval is how often the policy is reviewed; zero means the
	// organization's Settings.ReviewPeriod.
	ReviewInterval rules.Period  `json:"reviewInterval,omitzero"`
	LastReviewed   time.Time     `json:"lastReviewed,omitzero"`
	Owner          string        `json:"owner,omitempty"` // person or role ID
	Approval       risk.Approval `json:"approval,omitzero"`
	Classification string        `json:"classification,omitempty"`
	// Audience are the interested parties or roles the policy is meant
	// for.
	Audience []string `json:"audience,omitempty"`
	// Related are the IDs of related policies (the top-level one or
	// topic-specific ones).
	Related     []string     `json:"related,omitempty"`
	Commitments []Commitment `json:"commitments,omitempty"`
	// Objectives are IDs of the information security objectives (6.2) the
	// policy sets; ObjectiveFramework describes how objectives are set
	// instead, when the policy gives a framework rather than a list.
	Objectives         []string `json:"objectives,omitempty"`
	ObjectiveFramework string   `json:"objectiveFramework,omitempty"`
	// CommunicatedTo are the interested parties or roles the policy was
	// communicated to, last on Communicated.
	CommunicatedTo []string  `json:"communicatedTo,omitempty"`
	Communicated   time.Time `json:"communicated,omitzero"`
	// Document is the ID of the document (7.5) that holds the policy.
	Document string `json:"document,omitempty"`
}

// Responsibility is a kind of ISMS responsibility a role can carry
// (5.3).
type Responsibility string

// Responsibilities for running the ISMS.
const (
	// CoordinateISMS: making sure the ISMS is set up, run and kept
	// conforming, across the organization.
	CoordinateISMS Responsibility = "coordinate-isms"
	// ReportPerformance: telling top management how the ISMS performs
	// (27001 5.3 b).
	ReportPerformance Responsibility = "report-performance"
	// AdviseRisk: advising on information security risks and how to
	// assess and treat them.
	AdviseRisk Responsibility = "advise-risk"
	// DesignProcesses: designing the information security processes and
	// procedures.
	DesignProcesses Responsibility = "design-processes"
	// SetControlStandards: setting the standards that controls are
	// acquired, built and run to.
	SetControlStandards Responsibility = "set-control-standards"
	// ManageIncidents: handling information security incidents.
	ManageIncidents Responsibility = "manage-incidents"
	// ReviewAudit: reviewing and auditing the ISMS.
	ReviewAudit Responsibility = "review-audit"
)

// Owner responsibilities: accountability for a particular thing.
const (
	ProcessOwner     Responsibility = "process-owner"
	SystemOwner      Responsibility = "system-owner"
	InformationOwner Responsibility = "information-owner"
	RiskOwner        Responsibility = "risk-owner"
)

// Responsibilities returns every responsibility kind: the ISMS
// responsibilities first, then the owner roles.
func Responsibilities() []Responsibility {
	return []Responsibility{
		CoordinateISMS, ReportPerformance, AdviseRisk, DesignProcesses,
		SetControlStandards, ManageIncidents, ReviewAudit,
		ProcessOwner, SystemOwner, InformationOwner, RiskOwner,
	}
}

// Valid reports whether r is one of the responsibility kinds.
func (r Responsibility) Valid() bool { return slices.Contains(Responsibilities(), r) }

// IsOwner reports whether r is an owner responsibility.
func (r Responsibility) IsOwner() bool {
	switch r {
	case ProcessOwner, SystemOwner, InformationOwner, RiskOwner:
		return true
	}
	return false
}

// Role is an ISMS role with its responsibilities and authority (5.3) and
// the competence it needs (7.2).
type Role struct {
	ID               string           `json:"id"`
	Name             string           `json:"name,omitempty"`
	Description      string           `json:"description,omitempty"`
	Responsibilities []Responsibility `json:"responsibilities,omitempty"`
	Authority        string           `json:"authority,omitempty"`
	// Holders are the IDs of the people assigned the role. Assignments
	// may also be recorded in Person.Roles; see System.HoldersOf.
	Holders []string `json:"holders,omitempty"`
	// Approval records who assigned the role and when.
	Approval   risk.Approval `json:"approval,omitzero"`
	Competence Competence    `json:"competence,omitzero"`
}
