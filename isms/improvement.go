package isms

import (
	"slices"
	"time"

	"github.com/isms-go/iso27003/risk"
)

// NCSource says where a nonconformity was found.
type NCSource string

// Sources of nonconformities.
const (
	SourceInternalAudit    NCSource = "internal-audit"
	SourceExternalAudit    NCSource = "external-audit"
	SourceManagementReview NCSource = "management-review"
	SourceMonitoring       NCSource = "monitoring" // monitoring and measurement results
	SourceIncident         NCSource = "incident"
	SourceComplaint        NCSource = "complaint" // from an interested party
	SourceSelfIdentified   NCSource = "self-identified"
	SourceOther            NCSource = "other"
)

var ncSources = []NCSource{SourceInternalAudit, SourceExternalAudit, SourceManagementReview,
	SourceMonitoring, SourceIncident, SourceComplaint, SourceSelfIdentified, SourceOther}

// Valid reports whether s is a nonconformity source.
func (s NCSource) Valid() bool { return slices.Contains(ncSources, s) }

// Nonconformity is a requirement not met, and what was done about it
// (27001:2013 10.1, 27001:2022 10.2): the immediate correction, the
// analysis of its cause, corrective actions and the review of their
// effectiveness.
type Nonconformity struct {
	ID     string   `json:"id"`
	Source NCSource `json:"source,omitempty"`
	// Audit and Finding name the audit finding it was raised from.
	Audit       string `json:"audit,omitempty"`   // audit ID
	Finding     string `json:"finding,omitempty"` // finding ID within Audit
	Description string `json:"description,omitempty"`
	// Requirement is the clause, control or internal rule not met.
	Requirement string        `json:"requirement,omitempty"`
	Detected    time.Time     `json:"detected,omitzero"`
	Correction  Correction    `json:"correction,omitzero"`
	Cause       CauseAnalysis `json:"cause,omitzero"`
	Actions     []risk.Action `json:"actions,omitempty"`
	// NoAction records the decision, taken after the cause analysis, that
	// the nonconformity needs no corrective action; it then has no
	// Actions. The zero value means no such decision.
	NoAction NoActionDecision `json:"noAction,omitzero"`
	// Review is the evaluation of whether the corrective actions worked.
	Review EffectivenessReview `json:"review,omitzero"`
	// Similar are the IDs of earlier nonconformities like this one, so
	// that recurrences can be spotted.
	Similar []string  `json:"similar,omitempty"`
	Closed  time.Time `json:"closed,omitzero"`
}

// NoActionDecision is the decision that a nonconformity needs no
// corrective action, for instance because its cause cannot recur. Reason
// is required once any field is set; By is a person ID.
type NoActionDecision struct {
	Reason string    `json:"reason,omitempty"`
	By     string    `json:"by,omitempty"`
	On     time.Time `json:"on,omitzero"`
}

// IsZero reports whether no decision is recorded.
func (d NoActionDecision) IsZero() bool { return d.Reason == "" && d.By == "" && d.On.IsZero() }

// Correction is what was done straight away to contain a nonconformity
// and deal with its consequences.
type Correction struct {
	Description string    `json:"description,omitempty"`
	Done        time.Time `json:"done,omitzero"`
}

// CauseAnalysis is the search for why a nonconformity happened and
// whether it could happen again or elsewhere.
type CauseAnalysis struct {
	Method      string    `json:"method,omitempty"`
	Description string    `json:"description,omitempty"`
	By          string    `json:"by,omitempty"` // person ID
	Done        time.Time `json:"done,omitzero"`
}

// ImprovementDecision is the outcome of evaluating an improvement
// opportunity.
type ImprovementDecision string

// Improvement decisions.
const (
	Adopt   ImprovementDecision = "adopt"   // take it up
	Defer   ImprovementDecision = "defer"   // take it up later
	Decline ImprovementDecision = "decline" // do not take it up
	Pending ImprovementDecision = "pending" // being weighed, no decision yet
)

var improvementDecisions = []ImprovementDecision{Adopt, Defer, Decline, Pending}

// Valid reports whether d is an improvement decision.
func (d ImprovementDecision) Valid() bool { return slices.Contains(improvementDecisions, d) }

// Improvement is an opportunity for continual improvement (27001:2013
// 10.2, 27001:2022 10.1). Evaluated is zero until someone has weighed
// it; Decision and Rationale record the outcome.
type Improvement struct {
	ID          string              `json:"id"`
	Description string              `json:"description,omitempty"`
	Source      string              `json:"source,omitempty"` // where the idea came from
	Raised      time.Time           `json:"raised,omitzero"`
	Evaluated   time.Time           `json:"evaluated,omitzero"`
	EvaluatedBy string              `json:"evaluatedBy,omitempty"` // person or role ID
	Decision    ImprovementDecision `json:"decision,omitempty"`
	Rationale   string              `json:"rationale,omitempty"`
	Actions     []risk.Action       `json:"actions,omitempty"`
}
