package risk

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/isms-go/iso27003/rules"
)

// LevelState is a risk level and whether it is acceptable.
type LevelState struct {
	Level      string `json:"level"`
	Rank       int    `json:"rank"`
	Acceptable bool   `json:"acceptable"`
}

// PlanAction is a treatment action as the plan shows it.
type PlanAction struct {
	Action
	// Overdue is set when the action is open past its due date as of the
	// plan's instant; DaysOverdue says by how many whole days.
	Overdue     bool `json:"overdue,omitempty"`
	DaysOverdue int  `json:"daysOverdue,omitempty"`
}

// PlanItem is the treatment of one risk (ISO/IEC 27001 6.1.3 e).
type PlanItem struct {
	RiskID        string   `json:"riskId"`
	Title         string   `json:"title,omitempty"`
	Owner         string   `json:"owner,omitempty"`
	Options       []Option `json:"options"`
	Controls      []string `json:"controls,omitempty"`
	Justification string   `json:"justification,omitempty"`
	// Actions are ordered by due date (undated last), then ID.
	Actions []PlanAction `json:"actions,omitempty"`
	// Inherent and ExpectedResidual come from the assessment; they are
	// nil when it has no evaluation of the risk.
	Inherent             *LevelState `json:"inherent,omitempty"`
	ExpectedResidual     *LevelState `json:"expectedResidual,omitempty"`
	ResidualFromInherent bool        `json:"residualFromInherent,omitempty"`
	PlanApproved         Approval    `json:"planApproved,omitzero"`
	ResidualAccepted     Approval    `json:"residualAccepted,omitzero"`
	Concession           string      `json:"concession,omitempty"`
	OpenActions          int         `json:"openActions"`
	OverdueActions       int         `json:"overdueActions"`
	// Attention lists what a reviewer should look at, in fixed wording:
	// a plan the owner has not approved, a residual risk not accepted, an
	// unacceptable residual risk without a concession, overdue actions.
	Attention []string `json:"attention,omitempty"`
}

// OverdueAction is an open action past its due date.
type OverdueAction struct {
	RiskID      string    `json:"riskId"`
	ActionID    string    `json:"actionId,omitempty"`
	Description string    `json:"description"`
	Owner       string    `json:"owner,omitempty"`
	Due         time.Time `json:"due"`
	DaysOverdue int       `json:"daysOverdue"`
}

// Plan is the risk treatment plan of a register as of an instant.
type Plan struct {
	CriteriaID      string    `json:"criteriaId"`
	CriteriaVersion string    `json:"criteriaVersion"`
	Fingerprint     string    `json:"fingerprint"`
	AsOf            time.Time `json:"asOf"`
	// CriteriaMismatch is set when the assessment given was made under
	// other criteria than the engine's; its levels are shown as they are.
	CriteriaMismatch bool `json:"criteriaMismatch,omitempty"`
	// Items are the treated risks, in the assessment's priority order
	// (risks the assessment does not list follow, by ID).
	Items []PlanItem `json:"items"`
	// Untreated lists, in priority order, the assessed risks whose
	// inherent level is not acceptable and that have no treatment.
	Untreated []string `json:"untreated"`
	// Overdue lists every overdue action, by due date, then risk and
	// action ID.
	Overdue []OverdueAction `json:"overdue"`
}

// Attention notes of plan items.
const (
	notePlanNotApproved    = "the risk owner has not approved the treatment plan"
	noteResidualNotAccept  = "the risk owner has not accepted the residual risk"
	noteResidualConcession = "the expected residual risk is not acceptable under the criteria and no concession is recorded"
)

// Plan builds the treatment plan view of the register: for every risk
// with a treatment, the options, controls and actions (with owners, due
// dates and status), the expected residual level from the assessment a
// (which may be nil), the owner's decisions, and the actions overdue as of
// asOf. Neither the register nor the assessment is changed.
//
// Plan needs no rule, so it also works on an Engine not made by Compile
// (the zero Engine or a nil *Engine): the plan then names no criteria,
// and CriteriaMismatch is set whenever an assessment is given, since no
// assessment can have been made under no criteria.
func (e *Engine) Plan(reg Register, a *Assessment, asOf time.Time) Plan {
	if e == nil {
		e = &Engine{}
	}
	pl := Plan{CriteriaID: e.c.ID, CriteriaVersion: e.c.Version, Fingerprint: e.fp, AsOf: asOf.UTC(),
		Items: []PlanItem{}, Untreated: []string{}, Overdue: []OverdueAction{}}
	pos := map[string]int{}
	byID := map[string]*RiskResult{}
	if a != nil {
		pl.CriteriaMismatch = a.Fingerprint != e.fp
		for i := range a.Results {
			pos[a.Results[i].ID] = i
			byID[a.Results[i].ID] = &a.Results[i]
		}
	}
	type ranked struct {
		pos  int
		item PlanItem
	}
	var items []ranked
	for i := range reg.Risks {
		r := &reg.Risks[i]
		res := byID[r.ID]
		if r.Treatment == nil {
			if res != nil && res.Status == Assessed && !res.Inherent.Acceptable {
				pl.Untreated = append(pl.Untreated, r.ID)
			}
			continue
		}
		t := r.Treatment
		it := PlanItem{
			RiskID: r.ID, Title: r.Title, Owner: r.Owner,
			Options: slices.Clone(t.Options), Controls: slices.Clone(t.Controls), Justification: t.Justification,
			PlanApproved: r.Decision.PlanApproved, ResidualAccepted: r.Decision.ResidualAccepted, Concession: r.Decision.Concession,
		}
		if it.Options == nil {
			it.Options = []Option{}
		}
		if res != nil && res.Inherent != nil {
			it.Inherent = &LevelState{res.Inherent.Level, res.Inherent.Rank, res.Inherent.Acceptable}
		}
		if res != nil && res.Residual != nil {
			it.ExpectedResidual = &LevelState{res.Residual.Level, res.Residual.Rank, res.Residual.Acceptable}
			it.ResidualFromInherent = res.ResidualFromInherent
		}
		for _, act := range t.Actions {
			pa := PlanAction{Action: act}
			if act.Open() {
				it.OpenActions++
			}
			if act.Overdue(asOf) {
				pa.Overdue = true
				pa.DaysOverdue = int(rules.DaysBetween(act.Due, asOf))
				it.OverdueActions++
				pl.Overdue = append(pl.Overdue, OverdueAction{
					RiskID: r.ID, ActionID: act.ID, Description: act.Description, Owner: act.Owner,
					Due: act.Due, DaysOverdue: pa.DaysOverdue,
				})
			}
			it.Actions = append(it.Actions, pa)
		}
		slices.SortStableFunc(it.Actions, func(x, y PlanAction) int {
			if c := compareDue(x.Due, y.Due); c != 0 {
				return c
			}
			return rules.NaturalCompare(x.ID, y.ID)
		})
		if r.Decision.PlanApproved.IsZero() {
			it.Attention = append(it.Attention, notePlanNotApproved)
		}
		if r.Decision.ResidualAccepted.IsZero() {
			it.Attention = append(it.Attention, noteResidualNotAccept)
		}
		if it.ExpectedResidual != nil && !it.ExpectedResidual.Acceptable && r.Decision.Concession == "" {
			it.Attention = append(it.Attention, noteResidualConcession)
		}
		if it.OverdueActions > 0 {
			it.Attention = append(it.Attention, fmt.Sprintf("%d of %d actions are overdue", it.OverdueActions, len(it.Actions)))
		}
		p, ok := pos[r.ID]
		if !ok {
			p = len(pos) + len(reg.Risks) // after every listed risk
		}
		items = append(items, ranked{p, it})
	}
	slices.SortStableFunc(items, func(x, y ranked) int {
		if c := cmp.Compare(x.pos, y.pos); c != 0 {
			return c
		}
		return rules.NaturalCompare(x.item.RiskID, y.item.RiskID)
	})
	for _, it := range items {
		pl.Items = append(pl.Items, it.item)
	}
	slices.SortStableFunc(pl.Untreated, func(x, y string) int {
		if c := cmp.Compare(pos[x], pos[y]); c != 0 {
			return c
		}
		return rules.NaturalCompare(x, y)
	})
	slices.SortStableFunc(pl.Overdue, func(x, y OverdueAction) int {
		if c := x.Due.Compare(y.Due); c != 0 {
			return c
		}
		if c := rules.NaturalCompare(x.RiskID, y.RiskID); c != 0 {
			return c
		}
		return rules.NaturalCompare(x.ActionID, y.ActionID)
	})
	return pl
}

// compareDue orders due dates ascending with undated ones last.
func compareDue(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}
