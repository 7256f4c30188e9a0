package isms

import (
	"slices"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

// Evaluates says what a measure tells the organization about (9.1).
type Evaluates string

// What measures evaluate.
const (
	// Performance: how well information security is doing, such as the
	// share of patched systems.
	Performance Evaluates = "performance"
	// Effectiveness: whether the ISMS achieves what it is meant to, such
	// as whether objectives are met.
	Effectiveness Evaluates = "effectiveness"
)

var evaluatesValues = []Evaluates{Performance, Effectiveness}

// Valid reports whether e is Performance or Effectiveness.
func (e Evaluates) Valid() bool { return slices.Contains(evaluatesValues, e) }

// Measure is one thing the organization monitors or measures (9.1): the
// information need it serves, what is measured and how, who measures and
// how often, who analyses and evaluates the results, and the results.
type Measure struct {
	ID     string `json:"id"`
	Need   string `json:"need,omitempty"`
	What   string `json:"what,omitempty"`
	Method string `json:"method,omitempty"`
	// MeasuredBy and AnalysedBy are person or role IDs.
	MeasuredBy string `json:"measuredBy,omitempty"`
	// Every is how often the measure is taken.
	Every      rules.Period `json:"every,omitzero"`
	AnalysedBy string       `json:"analysedBy,omitempty"`
	Evaluates  Evaluates    `json:"evaluates,omitempty"`
	// Objectives, Controls and Processes link the measure to what it
	// tells about (objective, control and process IDs).
	Objectives []string        `json:"objectives,omitempty"`
	Controls   []string        `json:"controls,omitempty"`
	Processes  []string        `json:"processes,omitempty"`
	Unit       string          `json:"unit,omitempty"` // unit of the result values
	Results    []MeasureResult `json:"results,omitempty"`
}

// MeasureResult is one value of a measure. EvaluatedOn is zero until the
// result has been analysed and evaluated; Conclusion is what was found.
type MeasureResult struct {
	Date        time.Time       `json:"date,omitzero"`
	Value       decimal.Decimal `json:"value"`
	EvaluatedOn time.Time       `json:"evaluatedOn,omitzero"`
	Conclusion  string          `json:"conclusion,omitempty"`
}

// AuditProgramme plans the internal audits (9.2): every Cycle, the audits
// together cover Processes and Controls; KeyControls are the controls
// audited in every cycle.
type AuditProgramme struct {
	Cycle       rules.Period  `json:"cycle,omitzero"`
	Processes   []string      `json:"processes,omitempty"`   // process IDs
	Controls    []string      `json:"controls,omitempty"`    // control IDs
	KeyControls []string      `json:"keyControls,omitempty"` // control IDs
	Owner       string        `json:"owner,omitempty"`       // person or role ID
	Approval    risk.Approval `json:"approval,omitzero"`
	Document    string        `json:"document,omitempty"` // document ID
}

// Audit is one internal audit (9.2).
type Audit struct {
	ID    string     `json:"id"`
	Date  time.Time  `json:"date,omitzero"`
	Scope AuditScope `json:"scope,omitzero"`
	// Criteria are what the audit checks against, such as "ISO/IEC
	// 27001:2022" or the IDs of the organization's policies.
	Criteria []string       `json:"criteria,omitempty"`
	Auditors []Auditor      `json:"auditors,omitempty"`
	Findings []AuditFinding `json:"findings,omitempty"`
	Report   AuditReport    `json:"report,omitzero"`
}

// AuditScope is what an audit covers: processes, scope units, controls,
// and a description.
type AuditScope struct {
	Description string   `json:"description,omitempty"`
	Processes   []string `json:"processes,omitempty"` // process IDs
	Units       []string `json:"units,omitempty"`     // scope unit IDs
	Controls    []string `json:"controls,omitempty"`  // control IDs
}

// Auditor is a person auditing in one audit. Areas are the areas
// (process or scope unit IDs) this auditor covers, empty for the whole
// audit scope; OwnAreas are the areas the auditor works in or is
// responsible for, which they should not audit themselves.
type Auditor struct {
	Person   string   `json:"person"` // person ID
	Lead     bool     `json:"lead,omitempty"`
	Areas    []string `json:"areas,omitempty"`
	OwnAreas []string `json:"ownAreas,omitempty"`
}

// AuditFinding is one finding of an audit, graded like the library's own
// findings. Clause and Control say which requirement it concerns;
// Nonconformity names the nonconformity raised from it. ID is unique
// within the audit.
type AuditFinding struct {
	ID            string         `json:"id"`
	Severity      rules.Severity `json:"severity,omitzero"`
	Description   string         `json:"description,omitempty"`
	Clause        string         `json:"clause,omitempty"`
	Control       string         `json:"control,omitempty"`       // control ID
	Nonconformity string         `json:"nonconformity,omitempty"` // nonconformity ID
}

// AuditReport is the audit report and whom it reached: SentTo are person
// IDs, SentOn the date it was sent. The results must reach the relevant
// management, top management among them.
type AuditReport struct {
	Document string    `json:"document,omitempty"` // document ID
	SentTo   []string  `json:"sentTo,omitempty"`
	SentOn   time.Time `json:"sentOn,omitzero"`
}

// ReviewInput is a topic a management review must consider (9.3).
type ReviewInput string

// Review inputs, in the order of 27001:2022 9.3.2.
const (
	// InputPreviousActions: where the actions from earlier reviews stand.
	InputPreviousActions ReviewInput = "previous-actions"
	// InputContextChanges: changes in the internal and external issues.
	InputContextChanges ReviewInput = "context-changes"
	// InputPartyNeedsChanges: changes in what interested parties need
	// and expect (a separate input since 27001:2022).
	InputPartyNeedsChanges ReviewInput = "party-needs-changes"
	// InputPerformance: how information security performs, including
	// trends in nonconformities and corrective actions, measurement
	// results, audit results and the fulfilment of objectives.
	InputPerformance ReviewInput = "performance-feedback"
	// InputPartyFeedback: what interested parties report back.
	InputPartyFeedback ReviewInput = "party-feedback"
	// InputRiskResults: risk assessment results and where the treatment
	// plan stands.
	InputRiskResults ReviewInput = "risk-results"
	// InputImprovement: opportunities to improve.
	InputImprovement ReviewInput = "improvement-opportunities"
)

// ReviewInputs returns the inputs edition e requires, in clause order:
// six for 2013 (a–f), seven for 2022 (a–g). An unknown edition gets the
// 2022 list.
func ReviewInputs(e soa.Edition) []ReviewInput {
	if e == soa.Edition2013 {
		return []ReviewInput{InputPreviousActions, InputContextChanges, InputPerformance,
			InputPartyFeedback, InputRiskResults, InputImprovement}
	}
	return []ReviewInput{InputPreviousActions, InputContextChanges, InputPartyNeedsChanges,
		InputPerformance, InputPartyFeedback, InputRiskResults, InputImprovement}
}

// Valid reports whether r is a review input of either edition.
func (r ReviewInput) Valid() bool { return slices.Contains(ReviewInputs(soa.Edition2022), r) }

// Clause returns the clause reference of the input in edition e, such as
// "9.3 c)" (2013) or "9.3.2 d)" (2022), or "" when e does not require
// the input.
func (r ReviewInput) Clause(e soa.Edition) string {
	prefix := "9.3.2 "
	if e == soa.Edition2013 {
		prefix = "9.3 "
	}
	for i, in := range ReviewInputs(e) {
		if in == r {
			return prefix + string(rune('a'+i)) + ")"
		}
	}
	return ""
}

// DecisionKind classifies a management review decision (9.3 outputs).
type DecisionKind string

// Decision kinds.
const (
	DecideImprovement DecisionKind = "improvement" // an opportunity to improve is taken up
	DecideChange      DecisionKind = "change"      // the ISMS needs to change
	DecideResources   DecisionKind = "resources"   // resources are granted or moved
	DecideOther       DecisionKind = "other"
)

var decisionKinds = []DecisionKind{DecideImprovement, DecideChange, DecideResources, DecideOther}

// Valid reports whether k is a decision kind.
func (k DecisionKind) Valid() bool { return slices.Contains(decisionKinds, k) }

// ManagementReview is one review of the ISMS by top management (9.3).
// Attendees are person IDs; whether top management attended follows from
// Person.TopManagement.
type ManagementReview struct {
	ID        string           `json:"id"`
	Date      time.Time        `json:"date,omitzero"`
	Attendees []string         `json:"attendees,omitempty"`
	Inputs    []ReviewInput    `json:"inputs,omitempty"`
	Decisions []ReviewDecision `json:"decisions,omitempty"`
	Document  string           `json:"document,omitempty"` // document ID of the minutes
}

// ReviewDecision is a decision taken in a management review, with the
// actions that carry it out.
type ReviewDecision struct {
	ID          string        `json:"id"`
	Kind        DecisionKind  `json:"kind,omitempty"`
	Description string        `json:"description,omitempty"`
	Actions     []risk.Action `json:"actions,omitempty"`
}
