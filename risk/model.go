package risk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// ScaleKind says how a scale's values are meant.
type ScaleKind string

// Scale kinds.
const (
	// Qualitative scales order named levels; their values are ranks.
	Qualitative ScaleKind = "qualitative"
	// Quantitative scales carry measured values (events per year, money).
	Quantitative ScaleKind = "quantitative"
	// SemiQuantitative scales give named levels numbers that are combined
	// arithmetically (the classic 1–5 scales).
	SemiQuantitative ScaleKind = "semi-quantitative"
)

// ScaleLevel is one step of a scale, such as likelihood 1 "rare".
type ScaleLevel struct {
	Value       decimal.Decimal `json:"value"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
}

// Scale is an ordered list of levels, ascending by value. A scale with no
// levels is continuous: any non-negative value is accepted (quantitative
// scales only).
type Scale struct {
	Name   string       `json:"name"`
	Kind   ScaleKind    `json:"kind"`
	Unit   string       `json:"unit,omitempty"`
	Levels []ScaleLevel `json:"levels,omitempty"`
}

// Discrete reports whether the scale has levels.
func (s Scale) Discrete() bool { return len(s.Levels) > 0 }

// Level returns the level whose value equals v.
func (s Scale) Level(v decimal.Decimal) (ScaleLevel, bool) {
	for _, l := range s.Levels {
		if l.Value.Equal(v) {
			return l, true
		}
	}
	return ScaleLevel{}, false
}

// Well-known consequence dimension IDs. Organizations may use others.
const (
	DimFinancial       = "financial"
	DimReputational    = "reputational"
	DimOperational     = "operational"
	DimLegal           = "legal" // legal and regulatory
	DimConfidentiality = "confidentiality"
	DimIntegrity       = "integrity"
	DimAvailability    = "availability"
)

// Dimension is one consequence dimension with its own scale.
type Dimension struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Scale Scale  `json:"scale"`
}

// Level is a risk level such as "high". Rank orders levels: a higher
// rank is more serious. Color is a display colour "#rrggbb".
type Level struct {
	Name        string `json:"name"`
	Rank        int    `json:"rank"`
	Color       string `json:"color,omitempty"`
	Description string `json:"description,omitempty"`
}

// Approval records who approved something and when.
type Approval struct {
	By   string    `json:"by"`
	Role string    `json:"role,omitempty"`
	On   time.Time `json:"on"`
}

// IsZero reports whether nothing was approved.
func (a Approval) IsZero() bool { return a.By == "" && a.Role == "" && a.On.IsZero() }

// Criteria is an organization's risk methodology (ISO/IEC 27001 6.1.2 a):
// the scales, the risk levels, and the CEL rules that give a risk its
// level, decide whether it is acceptable, and order treatment.
//
// The rules see these variables:
//
//	likelihood    decimal            the likelihood value
//	consequences  map(string, decimal) the value per consequence dimension
//	consequence   decimal            the combined consequence (CombineRule)
//	score         decimal            likelihood * consequence
//	frequency     decimal            quantitative: loss events per year (0 when absent)
//	magnitude     decimal            quantitative: loss per event (0 when absent)
//	ale           decimal            frequency * magnitude
//	attributes    map(string, dyn)   the risk's organization-defined attributes
//	asOf          timestamp          the evaluation instant
//	level, rank   string, int        the risk level and its rank (AcceptanceRule, PriorityRule)
//
// CombineRule defaults to the largest dimension value; PriorityRule
// defaults to rank, then score.
type Criteria struct {
	ID          string   `json:"id"`
	Version     string   `json:"version"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Approval    Approval `json:"approval"`

	Likelihood Scale `json:"likelihood"`
	// Consequence is the scale of the combined consequence: the axis of
	// heat maps, and the cells the level rule is tabulated over.
	Consequence Scale       `json:"consequence"`
	Dimensions  []Dimension `json:"dimensions"`
	Levels      []Level     `json:"levels"`

	CombineRule    string `json:"combineRule,omitempty"`
	LevelRule      string `json:"levelRule"`
	AcceptanceRule string `json:"acceptanceRule"`
	PriorityRule   string `json:"priorityRule,omitempty"`
}

// Kind separates the risks of 27001 6.1.2 from the risks and
// opportunities for the ISMS itself (6.1.1).
type Kind string

// Risk kinds.
const (
	InformationSecurity Kind = "information-security"
	ISMSRisk            Kind = "isms-risk"
	ISMSOpportunity     Kind = "isms-opportunity"
)

// Approach is how a risk was identified.
type Approach string

// Identification approaches.
const (
	EventBased Approach = "event"
	AssetBased Approach = "asset" // asset, threat and vulnerability
)

// Property is a security property a risk affects.
type Property string

// Security properties.
const (
	Confidentiality Property = "confidentiality"
	Integrity       Property = "integrity"
	Availability    Property = "availability"
)

// Rating is a risk's analysis: a likelihood, a consequence per dimension,
// and optional quantitative inputs.
type Rating struct {
	Likelihood   decimal.Decimal            `json:"likelihood"`
	Consequences map[string]decimal.Decimal `json:"consequences"`
	Quantitative *QuantInputs               `json:"quantitative,omitempty"`
}

// QuantInputs are point estimates for quantitative criteria: loss events
// per year and loss per event, in Currency.
type QuantInputs struct {
	Frequency decimal.Decimal `json:"frequency"`
	Magnitude decimal.Decimal `json:"magnitude"`
	Currency  string          `json:"currency,omitempty"`
}

// Option is a risk treatment option.
type Option string

// Treatment options.
const (
	Avoid  Option = "avoid"
	Take   Option = "take" // take or increase the risk to pursue an opportunity
	Modify Option = "modify"
	Share  Option = "share"
	Retain Option = "retain"
)

// ActionStatus is the state of a treatment action.
type ActionStatus string

// Action states.
const (
	Planned    ActionStatus = "planned"
	InProgress ActionStatus = "in-progress"
	Done       ActionStatus = "done"
	Cancelled  ActionStatus = "cancelled"
)

// Action is one step of a treatment plan.
type Action struct {
	ID          string       `json:"id"`
	Description string       `json:"description"`
	Owner       string       `json:"owner,omitempty"`
	Due         time.Time    `json:"due,omitzero"`
	Status      ActionStatus `json:"status"`
	Completed   time.Time    `json:"completed,omitzero"`
}

// Open reports whether the action still has to be done.
func (a Action) Open() bool { return a.Status == Planned || a.Status == InProgress }

// Overdue reports whether the action is open past its due date as of asOf.
func (a Action) Overdue(asOf time.Time) bool {
	return a.Open() && !a.Due.IsZero() && a.Due.Before(asOf)
}

// Treatment is the plan for one risk (27001 6.1.3): the options chosen,
// the controls by ID (Annex A such as "8.7", or custom such as "C-MDM"),
// and the actions.
type Treatment struct {
	Options       []Option `json:"options"`
	Controls      []string `json:"controls,omitempty"`
	Actions       []Action `json:"actions,omitempty"`
	Justification string   `json:"justification,omitempty"`
}

// OwnerDecision records the risk owner's approval of the treatment plan
// and acceptance of the residual risk (27001 6.1.3 f). Concession is the
// justification where the residual risk falls outside the criteria.
type OwnerDecision struct {
	PlanApproved     Approval `json:"planApproved,omitzero"`
	ResidualAccepted Approval `json:"residualAccepted,omitzero"`
	Concession       string   `json:"concession,omitempty"`
}

// Risk is one entry of the risk register.
type Risk struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Kind        Kind     `json:"kind,omitempty"` // empty means InformationSecurity
	Approach    Approach `json:"approach,omitempty"`
	// Event describes an event-based risk.
	Event string `json:"event,omitempty"`
	// Asset, Threat and Vulnerability describe an asset-based risk.
	Asset         string     `json:"asset,omitempty"`
	Threat        string     `json:"threat,omitempty"`
	Vulnerability string     `json:"vulnerability,omitempty"`
	Properties    []Property `json:"properties,omitempty"`
	Owner         string     `json:"owner,omitempty"`

	// Inherent is the analysis before treatment; nil means not analysed.
	Inherent         *Rating    `json:"inherent,omitempty"`
	ExistingControls []string   `json:"existingControls,omitempty"`
	Treatment        *Treatment `json:"treatment,omitempty"`
	// Residual is the expected rating after treatment; nil means the
	// inherent rating stands.
	Residual *Rating       `json:"residual,omitempty"`
	Decision OwnerDecision `json:"decision,omitzero"`

	Identified   time.Time `json:"identified,omitzero"`
	LastReviewed time.Time `json:"lastReviewed,omitzero"`

	// Attributes are organization-defined values the criteria's rules
	// read as attributes["name"].
	Attributes map[string]Attr `json:"attributes,omitempty"`
}

// EffectiveKind returns the kind, InformationSecurity when unset.
func (r *Risk) EffectiveKind() Kind {
	if r.Kind == "" {
		return InformationSecurity
	}
	return r.Kind
}

// Register is a risk register.
type Register struct {
	ID    string `json:"id,omitempty"`
	Risks []Risk `json:"risks"`
}

// Attr is an organization-defined attribute value: a string, a decimal
// number or a bool. The zero Attr is the empty string. In JSON it is the
// plain value ("x", 12.5, true); numbers decode exactly.
type Attr struct {
	kind attrKind
	s    string
	d    decimal.Decimal
	b    bool
}

type attrKind uint8

const (
	attrString attrKind = iota
	attrNumber
	attrBool
)

// String returns a string attribute.
func String(s string) Attr { return Attr{kind: attrString, s: s} }

// Number returns a decimal attribute.
func Number(d decimal.Decimal) Attr { return Attr{kind: attrNumber, d: d} }

// Bool returns a bool attribute.
func Bool(b bool) Attr { return Attr{kind: attrBool, b: b} }

// Value returns the attribute as a Go value: string, decimal.Decimal or bool.
func (a Attr) Value() any {
	switch a.kind {
	case attrNumber:
		return a.d
	case attrBool:
		return a.b
	}
	return a.s
}

// Equal reports whether two attributes have the same kind and value.
func (a Attr) Equal(b Attr) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case attrNumber:
		return a.d.Equal(b.d)
	case attrBool:
		return a.b == b.b
	}
	return a.s == b.s
}

// MarshalJSON encodes the plain value; numbers keep their digits.
func (a Attr) MarshalJSON() ([]byte, error) {
	switch a.kind {
	case attrNumber:
		return []byte(rules.FormatDecimal(a.d)), nil
	case attrBool:
		return json.Marshal(a.b)
	}
	return json.Marshal(a.s)
}

// UnmarshalJSON decodes a string, a number (exactly) or a bool.
func (a *Attr) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = String(s)
	case bytes.Equal(b, []byte("true")) || bytes.Equal(b, []byte("false")):
		*a = Bool(b[0] == 't')
	default:
		if len(b) > maxAttrNumberLength && (b[0] == '-' || '0' <= b[0] && b[0] <= '9') {
			return fmt.Errorf("attribute number of %d characters is too long (at most %d)", len(b), maxAttrNumberLength)
		}
		d, err := decimal.NewFromString(string(b))
		if err != nil {
			if len(b) > 40 {
				b = append(b[:40:40], "…"...)
			}
			return fmt.Errorf("attribute %s: want a string, a number or a bool", b)
		}
		*a = Number(d)
	}
	return nil
}

// maxAttrNumberLength bounds the text of a number attribute: parsing
// digits into a decimal costs more than linear time. It is the
// module-wide rules.MaxNumberLength.
const maxAttrNumberLength = rules.MaxNumberLength
