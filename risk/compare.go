package risk

import (
	"slices"
	"time"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// ChangeKind names one way a risk changed between two assessments.
type ChangeKind string

// Kinds of change, in the order a Change lists them.
const (
	// ChangeNew: the risk is only in the current assessment.
	ChangeNew ChangeKind = "new"
	// ChangeRemoved: the risk is only in the previous assessment.
	ChangeRemoved ChangeKind = "removed"
	// ChangeStatus: the risk's status changed (for example it was not
	// analysed before and is assessed now).
	ChangeStatus ChangeKind = "status-changed"
	// ChangeLevelUp and ChangeLevelDown: the inherent level's rank rose or fell.
	ChangeLevelUp   ChangeKind = "level-up"
	ChangeLevelDown ChangeKind = "level-down"
	// ChangeScore: the inherent score changed within the same level.
	ChangeScore ChangeKind = "score-changed"
	// ChangeAcceptance: the inherent risk became acceptable or stopped being so.
	ChangeAcceptance ChangeKind = "acceptance-changed"
	// ChangeResidualUp and ChangeResidualDown: the residual level's rank rose or fell.
	ChangeResidualUp   ChangeKind = "residual-level-up"
	ChangeResidualDown ChangeKind = "residual-level-down"
	// ChangeResidualAcceptance: the residual risk became acceptable or
	// stopped being so.
	ChangeResidualAcceptance ChangeKind = "residual-acceptance-changed"
)

// RiskState is what Compare looks at in one assessment of a risk.
type RiskState struct {
	Status             Status          `json:"status"`
	Level              string          `json:"level,omitempty"`
	Rank               int             `json:"rank,omitempty"`
	Score              decimal.Decimal `json:"score,omitzero"`
	Acceptable         bool            `json:"acceptable"`
	ResidualLevel      string          `json:"residualLevel,omitempty"`
	ResidualRank       int             `json:"residualRank,omitempty"`
	ResidualAcceptable bool            `json:"residualAcceptable"`
}

// Change is how one risk changed. Previous is nil for a new risk, Current
// for a removed one.
type Change struct {
	RiskID   string       `json:"riskId"`
	Kinds    []ChangeKind `json:"kinds"`
	Previous *RiskState   `json:"previous,omitempty"`
	Current  *RiskState   `json:"current,omitempty"`
}

// AssessmentRef identifies an assessment: its criteria and instant.
type AssessmentRef struct {
	CriteriaID      string    `json:"criteriaId"`
	CriteriaVersion string    `json:"criteriaVersion"`
	Fingerprint     string    `json:"fingerprint"`
	AsOf            time.Time `json:"asOf"`
}

// Comparison is what changed between two assessments of a register.
type Comparison struct {
	Previous AssessmentRef `json:"previous"`
	Current  AssessmentRef `json:"current"`
	// CriteriaChanged reports that the two assessments were made under
	// different criteria (their fingerprints differ). Levels and ranks are
	// still compared as they are, but a change may then come from the
	// criteria rather than from the risk.
	CriteriaChanged bool `json:"criteriaChanged"`
	// Changes lists the risks that changed, by risk ID (rules.NaturalCompare).
	Changes []Change `json:"changes"`
	// Unchanged counts the risks in both assessments with no change.
	Unchanged int `json:"unchanged"`
}

func refOf(a *Assessment) AssessmentRef {
	return AssessmentRef{CriteriaID: a.CriteriaID, CriteriaVersion: a.CriteriaVersion, Fingerprint: a.Fingerprint, AsOf: a.AsOf}
}

func stateOf(r *RiskResult) *RiskState {
	s := &RiskState{Status: r.Status}
	if r.Inherent != nil {
		s.Level, s.Rank, s.Score, s.Acceptable = r.Inherent.Level, r.Inherent.Rank, r.Inherent.Score, r.Inherent.Acceptable
	}
	if r.Residual != nil {
		s.ResidualLevel, s.ResidualRank, s.ResidualAcceptable = r.Residual.Level, r.Residual.Rank, r.Residual.Acceptable
	}
	return s
}

// Compare reports what changed from the previous assessment to the
// current one, risk by risk: new and removed risks, changes of status,
// inherent level (up or down, by rank), score and acceptability, and the
// same for the residual level. It records both assessments' fingerprints
// and says whether the criteria changed, so that a change of method is
// never mistaken for a change of risk. A nil assessment counts as empty.
// Neither input is changed.
func Compare(prev, cur *Assessment) Comparison {
	if prev == nil {
		prev = &Assessment{}
	}
	if cur == nil {
		cur = &Assessment{}
	}
	c := Comparison{Previous: refOf(prev), Current: refOf(cur), CriteriaChanged: prev.Fingerprint != cur.Fingerprint, Changes: []Change{}}
	before := make(map[string]*RiskResult, len(prev.Results))
	for i := range prev.Results {
		before[prev.Results[i].ID] = &prev.Results[i]
	}
	seen := make(map[string]bool, len(cur.Results))
	for i := range cur.Results {
		r := &cur.Results[i]
		seen[r.ID] = true
		p, ok := before[r.ID]
		if !ok {
			c.Changes = append(c.Changes, Change{RiskID: r.ID, Kinds: []ChangeKind{ChangeNew}, Current: stateOf(r)})
			continue
		}
		ps, cs := stateOf(p), stateOf(r)
		kinds := diffStates(ps, cs)
		if len(kinds) == 0 {
			c.Unchanged++
			continue
		}
		c.Changes = append(c.Changes, Change{RiskID: r.ID, Kinds: kinds, Previous: ps, Current: cs})
	}
	for i := range prev.Results {
		p := &prev.Results[i]
		if !seen[p.ID] {
			c.Changes = append(c.Changes, Change{RiskID: p.ID, Kinds: []ChangeKind{ChangeRemoved}, Previous: stateOf(p)})
		}
	}
	slices.SortFunc(c.Changes, func(a, b Change) int { return rules.NaturalCompare(a.RiskID, b.RiskID) })
	return c
}

func diffStates(p, c *RiskState) []ChangeKind {
	var kinds []ChangeKind
	if p.Status != c.Status {
		kinds = append(kinds, ChangeStatus)
	}
	if p.Status != Assessed || c.Status != Assessed {
		return kinds
	}
	switch {
	case c.Rank > p.Rank:
		kinds = append(kinds, ChangeLevelUp)
	case c.Rank < p.Rank:
		kinds = append(kinds, ChangeLevelDown)
	case !decEqual(c.Score, p.Score):
		kinds = append(kinds, ChangeScore)
	}
	if c.Acceptable != p.Acceptable {
		kinds = append(kinds, ChangeAcceptance)
	}
	switch {
	case c.ResidualRank > p.ResidualRank:
		kinds = append(kinds, ChangeResidualUp)
	case c.ResidualRank < p.ResidualRank:
		kinds = append(kinds, ChangeResidualDown)
	}
	if c.ResidualAcceptable != p.ResidualAcceptable {
		kinds = append(kinds, ChangeResidualAcceptance)
	}
	return kinds
}

// decEqual compares decimals by value, refusing to scale values outside
// the rules layer's bounds (an assessment read from JSON may hold any).
func decEqual(a, b decimal.Decimal) bool {
	if a.Exponent() != b.Exponent() && (!inBounds(a) || !inBounds(b)) {
		return false
	}
	return a.Equal(b)
}
