package soa

import (
	"time"

	"github.com/isms-go/iso27003/risk"
)

// Decision is whether a control is part of the Statement of
// Applicability.
type Decision string

// Decisions. An undecided entry is a gap that Check reports.
const (
	Undecided Decision = "undecided"
	Included  Decision = "included"
	Excluded  Decision = "excluded"
)

// Status is how far an included control is implemented.
type Status string

// Implementation states, in order of progress.
const (
	NotStarted  Status = "not-started"
	InProgress  Status = "in-progress"
	Partial     Status = "partial"
	Implemented Status = "implemented"
)

// ExclusionReason says why a control is excluded.
type ExclusionReason string

// Exclusion reasons.
const (
	// NotNeeded: the chosen risk treatment does not call for the control.
	NotNeeded ExclusionReason = "not-needed"
	// OutOfScope: what the control protects lies outside the ISMS scope.
	OutOfScope ExclusionReason = "out-of-scope"
	// Obviated: a custom control named in ObviatedBy does the job.
	Obviated ExclusionReason = "obviated"
)

// RequirementKind classifies a requirement that justifies a control
// independently of any risk.
type RequirementKind string

// Requirement kinds.
const (
	Legal       RequirementKind = "legal"
	Regulatory  RequirementKind = "regulatory"
	Contractual RequirementKind = "contractual"
	Business    RequirementKind = "business"
)

// Requirement is a legal, regulatory, contractual or business
// requirement, named by a reference the organization uses (a law, a
// contract number, a board decision).
type Requirement struct {
	Kind      RequirementKind `json:"kind"`
	Reference string          `json:"reference"`
}

// Justification explains a decision. An inclusion is justified by the
// risks (and treatment actions) it serves and/or by requirements; an
// exclusion by a reason, with ObviatedBy naming the custom control when
// the reason is Obviated. Note is free text.
type Justification struct {
	Risks        []string        `json:"risks,omitempty"`
	Actions      []string        `json:"actions,omitempty"`
	Requirements []Requirement   `json:"requirements,omitempty"`
	Exclusion    ExclusionReason `json:"exclusion,omitempty"`
	ObviatedBy   string          `json:"obviatedBy,omitempty"`
	Note         string          `json:"note,omitempty"`
}

// Entry is the Statement of Applicability's line for one control.
type Entry struct {
	ControlID     string        `json:"controlId"`
	Title         string        `json:"title,omitempty"`
	Decision      Decision      `json:"decision"`
	Justification Justification `json:"justification,omitzero"`
	Status        Status        `json:"status,omitempty"`
	Owner         string        `json:"owner,omitempty"`
	// Implementation says how the control is implemented, or names the
	// document that says so.
	Implementation string    `json:"implementation,omitempty"`
	Reference      string    `json:"reference,omitempty"`
	LastReviewed   time.Time `json:"lastReviewed,omitzero"`
}

// Statement is a Statement of Applicability (ISO/IEC 27001 6.1.3 d):
// one entry per control of an Annex A edition and per custom control the
// organization added.
type Statement struct {
	ID       string        `json:"id,omitempty"`
	Version  string        `json:"version,omitempty"`
	Edition  Edition       `json:"edition"`
	Approval risk.Approval `json:"approval,omitzero"`
	// Custom are the organization's own controls; their IDs start "C-".
	Custom  []Control `json:"custom,omitempty"`
	Entries []Entry   `json:"entries"`
}
