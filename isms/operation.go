package isms

import (
	"slices"
	"time"

	"github.com/isms-go/iso27003/rules"
)

// Process is an ISMS process or an operational process that carries out
// the risk treatment (8.1). Controls are the controls the process
// implements; an outsourced process names the Supplier that runs it.
type Process struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Owner       string `json:"owner,omitempty"` // person or role ID
	// Criteria are the criteria the process is run to.
	Criteria  string   `json:"criteria,omitempty"`
	Controls  []string `json:"controls,omitempty"`  // control IDs
	Documents []string `json:"documents,omitempty"` // document IDs
	// Outsourced marks a process another organization runs for this one.
	Outsourced bool   `json:"outsourced,omitempty"`
	Supplier   string `json:"supplier,omitempty"` // supplier ID
}

// Supplier is an organization that provides products or services
// relevant to the ISMS, including outsourced processes (8.1).
type Supplier struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Services string `json:"services,omitempty"`
	// Party is the ID of the interested party (4.2) that stands for the
	// supplier, if it is listed there.
	Party     string    `json:"party,omitempty"`
	Agreement Agreement `json:"agreement,omitzero"`
	// ReviewInterval is how often the supplier is reviewed; zero means
	// Settings.ReviewPeriod.
	ReviewInterval rules.Period `json:"reviewInterval,omitzero"`
	LastReviewed   time.Time    `json:"lastReviewed,omitzero"`
}

// Agreement is the contract with a supplier. CoversSecurity records that
// it sets out information security requirements.
type Agreement struct {
	Reference      string    `json:"reference,omitempty"`
	Document       string    `json:"document,omitempty"` // document ID
	CoversSecurity bool      `json:"coversSecurity,omitempty"`
	Signed         time.Time `json:"signed,omitzero"`
	Expires        time.Time `json:"expires,omitzero"`
}

// AssessmentKind says why a risk assessment took place.
type AssessmentKind string

// Assessment kinds.
const (
	// Scheduled assessments run at the planned intervals.
	Scheduled AssessmentKind = "scheduled"
	// Triggered assessments respond to a significant change or event,
	// named in Assessment.Trigger.
	Triggered AssessmentKind = "triggered"
)

var assessmentKinds = []AssessmentKind{Scheduled, Triggered}

// Valid reports whether k is an assessment kind.
func (k AssessmentKind) Valid() bool { return slices.Contains(assessmentKinds, k) }

// Coverage says how much of the ISMS scope an assessment covered.
type Coverage string

// Coverages.
const (
	Broad   Coverage = "broad"   // the whole scope
	Partial Coverage = "partial" // part of it, such as one changed system
)

var coverages = []Coverage{Broad, Partial}

// Valid reports whether c is Broad or Partial.
func (c Coverage) Valid() bool { return slices.Contains(coverages, c) }

// Assessment is one risk assessment carried out (8.2).
type Assessment struct {
	ID       string         `json:"id"`
	Date     time.Time      `json:"date,omitzero"`
	Kind     AssessmentKind `json:"kind,omitempty"`
	Trigger  string         `json:"trigger,omitempty"` // what set off a triggered assessment
	Coverage Coverage       `json:"coverage,omitempty"`
	// Risks are the IDs of the risks assessed.
	Risks     []string `json:"risks,omitempty"`
	Assessors []string `json:"assessors,omitempty"` // person IDs
	// Criteria is the ID and version of the criteria used, as
	// "id@version" or in the organization's own notation.
	Criteria string `json:"criteria,omitempty"`
	Document string `json:"document,omitempty"` // document ID of the results
}

// TreatmentResult records the outcome of implementing the risk treatment
// plan at one point in time (8.3).
type TreatmentResult struct {
	ID       string    `json:"id"`
	Date     time.Time `json:"date,omitzero"`
	Risks    []string  `json:"risks,omitempty"`   // risk IDs
	Actions  []string  `json:"actions,omitempty"` // action IDs
	Summary  string    `json:"summary,omitempty"`
	Document string    `json:"document,omitempty"` // document ID
}
