package isms

import (
	"slices"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/shopspring/decimal"
)

// ISMSRisk is a risk or an opportunity for the ISMS itself (6.1.1): that
// it might miss its intended outcomes, or could do better. Kind is
// risk.ISMSRisk or risk.ISMSOpportunity.
//
// These are kept out of System.Register on purpose. They arise from the
// context (the issues of 4.1 and the requirements of 4.2, linked by
// Issues and Parties), are not rated on the information security
// criteria, and need an evaluation of how well the actions worked, which
// register entries do not carry. Keeping the register to information
// security risks also keeps its assessment, heat maps and criteria
// fingerprint about those risks only; Validate rejects register entries
// of the two ISMS kinds. ISMS risks share the risk ID namespace with the
// register, so a reference to a risk (from an objective, say) may name
// either.
type ISMSRisk struct {
	ID          string    `json:"id"`
	Kind        risk.Kind `json:"kind,omitempty"`
	Title       string    `json:"title,omitempty"`
	Description string    `json:"description,omitempty"`
	// Issues and Parties are the IDs of the issues and interested parties
	// the risk or opportunity comes from.
	Issues  []string `json:"issues,omitempty"`
	Parties []string `json:"parties,omitempty"`
	Owner   string   `json:"owner,omitempty"` // person or role ID
	// Actions are what the organization does about it.
	Actions []risk.Action `json:"actions,omitempty"`
	// Integration says how the actions are built into the ISMS's
	// processes.
	Integration string `json:"integration,omitempty"`
	// Effectiveness is how, and with what result, the actions were
	// evaluated.
	Effectiveness EffectivenessReview `json:"effectiveness,omitzero"`
	LastReviewed  time.Time           `json:"lastReviewed,omitzero"`
}

// EffectivenessReview records an evaluation of whether actions worked:
// the actions on an ISMS risk (6.1.1), competence actions (7.2) or
// corrective actions (10.1/10.2). On is zero until the evaluation is
// done; Effective is its verdict.
type EffectivenessReview struct {
	// Method is how effectiveness is (to be) evaluated.
	Method    string    `json:"method,omitempty"`
	On        time.Time `json:"on,omitzero"`
	By        string    `json:"by,omitempty"` // person ID
	Effective bool      `json:"effective,omitempty"`
	Notes     string    `json:"notes,omitempty"`
}

// Done reports whether the evaluation has taken place.
func (r EffectivenessReview) Done() bool { return !r.On.IsZero() }

// Direction says which side of an objective's target counts as success.
type Direction string

// Directions.
const (
	AtLeast Direction = "at-least" // the value must reach the target or exceed it
	AtMost  Direction = "at-most"  // the value must stay at or below the target
)

var directions = []Direction{AtLeast, AtMost}

// Valid reports whether d is AtLeast or AtMost.
func (d Direction) Valid() bool { return slices.Contains(directions, d) }

// Met reports whether value meets target in direction d. It is false for
// an unknown direction. Call it on validated values: Validate bounds
// every decimal of a System so that comparisons stay cheap.
func (d Direction) Met(value, target decimal.Decimal) bool {
	switch d {
	case AtLeast:
		return value.GreaterThanOrEqual(target)
	case AtMost:
		return value.LessThanOrEqual(target)
	}
	return false
}

// Objective is an information security objective and the plan to
// achieve it (6.2).
type Objective struct {
	ID        string `json:"id"`
	Statement string `json:"statement,omitempty"`
	// Function is the function or level of the organization the
	// objective is set for.
	Function string           `json:"function,omitempty"`
	Measure  ObjectiveMeasure `json:"measure,omitzero"`
	// Unmeasurable explains why the objective cannot be measured, for an
	// objective without a Measure.
	Unmeasurable string `json:"unmeasurable,omitempty"`
	// Policy is the ID of the policy the objective serves; Risks are the
	// IDs of the risks (register or ISMS) it addresses.
	Policy         string        `json:"policy,omitempty"`
	Risks          []string      `json:"risks,omitempty"`
	Plan           ObjectivePlan `json:"plan,omitzero"`
	CommunicatedTo []string      `json:"communicatedTo,omitempty"` // interested party or role IDs
	LastUpdated    time.Time     `json:"lastUpdated,omitzero"`
}

// ObjectiveMeasure says how achievement of an objective is measured: the
// Metric, compared against Target in Direction, in Unit. Measure
// optionally names the 9.1 measure that produces the values.
type ObjectiveMeasure struct {
	Metric    string          `json:"metric,omitempty"`
	Target    decimal.Decimal `json:"target"`
	Direction Direction       `json:"direction,omitempty"`
	Unit      string          `json:"unit,omitempty"`
	Measure   string          `json:"measure,omitempty"` // measure ID
}

// IsZero reports whether no measure is recorded. A zero target alone
// (an objective of "at most 0 incidents" needs a metric and direction
// too) does not count as a measure.
func (m ObjectiveMeasure) IsZero() bool {
	return m.Metric == "" && m.Direction == "" && m.Unit == "" && m.Measure == "" && m.Target.IsZero()
}

// ObjectivePlan is how an objective will be achieved: the planning part
// of 6.2.
type ObjectivePlan struct {
	What        string    `json:"what,omitempty"`
	Resources   string    `json:"resources,omitempty"`
	Responsible string    `json:"responsible,omitempty"` // person or role ID
	Due         time.Time `json:"due,omitzero"`
	// Evaluation says how the results will be evaluated.
	Evaluation string `json:"evaluation,omitempty"`
}

// ChangeKind separates changes made on purpose from those that just
// happened.
type ChangeKind string

// Change kinds.
const (
	PlannedChange    ChangeKind = "planned"
	UnintendedChange ChangeKind = "unintended"
)

var changeKinds = []ChangeKind{PlannedChange, UnintendedChange}

// Valid reports whether k is a change kind.
func (k ChangeKind) Valid() bool { return slices.Contains(changeKinds, k) }

// Change is a change to the ISMS (6.3, System.ISMSChanges) or to its
// operation (8.1, System.OperationalChanges). A planned change carries
// its purpose, consequences, plan, resources, who is responsible, the
// deadline and evidence that it was carried out; an unintended change
// records when its consequences were reviewed and what was done to
// limit harm. Both lists share the change ID namespace.
type Change struct {
	ID          string     `json:"id"`
	Kind        ChangeKind `json:"kind,omitempty"`
	Description string     `json:"description,omitempty"`
	// Purpose is why the change is made; Consequences are its possible
	// effects, as considered beforehand.
	Purpose      string            `json:"purpose,omitempty"`
	Consequences string            `json:"consequences,omitempty"`
	Plan         string            `json:"plan,omitempty"`
	Resources    string            `json:"resources,omitempty"`
	Responsible  string            `json:"responsible,omitempty"` // person or role ID
	Deadline     time.Time         `json:"deadline,omitzero"`
	Status       risk.ActionStatus `json:"status,omitempty"` // the same life cycle as actions
	Completed    time.Time         `json:"completed,omitzero"`
	// Evidence are the IDs of documents showing the change was carried
	// out as planned.
	Evidence []string `json:"evidence,omitempty"`
	// ConsequencesReviewed is when the consequences of an unintended
	// change were reviewed; Mitigation is what was done about them.
	ConsequencesReviewed time.Time `json:"consequencesReviewed,omitzero"`
	Mitigation           string    `json:"mitigation,omitempty"`
	// Significant marks a change large enough that the risks need to be
	// assessed again (8.2); rule 8.2-change-assessment looks for that
	// assessment once the change is completed.
	Significant bool `json:"significant,omitempty"`
}
