package soa

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
)

// Rule IDs of the checks [Check] runs. [Checks] describes each one.
const (
	CheckEditionMismatch         = "soa.edition-mismatch"
	CheckMissingControl          = "soa.missing-control"
	CheckUndecided               = "soa.undecided"
	CheckUnknownControl          = "soa.unknown-control"
	CheckDuplicateEntry          = "soa.duplicate-entry"
	CheckInclusionUnjustified    = "soa.inclusion-unjustified"
	CheckExclusionUnjustified    = "soa.exclusion-unjustified"
	CheckObviatedBy              = "soa.obviated-by"
	CheckStatusMissing           = "soa.status-missing"
	CheckReviewOverdue           = "soa.review-overdue"
	CheckChosenControlMissing    = "soa.chosen-control-missing"
	CheckChosenControlExcluded   = "soa.chosen-control-excluded"
	CheckExcludedControlInPlan   = "soa.excluded-control-in-plan"
	CheckTreatmentUnknownControl = "soa.treatment-unknown-control"
	CheckCustomUnlinked          = "soa.custom-unlinked"
	CheckJustificationUnbacked   = "soa.justification-unbacked"
)

// defaultReviewPeriod is the review period when CheckOptions leaves it zero.
func defaultReviewPeriod() rules.Period { return rules.Months(12) }

// Subject kinds of the findings Check returns.
const (
	SubjectControl   = "control"   // ID is the control ID, such as "8.7" or "C-MDM"
	SubjectRisk      = "risk"      // ID is the risk ID, or "risks[3]" for a risk without one
	SubjectStatement = "statement" // ID is the statement's ID (may be empty)
)

// CheckInfo describes one check of [Check]: the rule ID its findings
// carry, the ISO/IEC 27001 clause it cites, the default severity, the kind
// of subject its findings are about, a title and the guidance its
// findings repeat. A check reports at most one finding per subject, so
// rule ID and subject identify a finding (for waivers, say).
type CheckInfo struct {
	ID       string         `json:"id"`       // rule ID, such as "soa.missing-control"
	Clause   string         `json:"clause"`   // ISO/IEC 27001 clause, such as "6.1.3 d)"
	Severity rules.Severity `json:"severity"` // default severity of its findings
	Subject  string         `json:"subject"`  // SubjectControl, SubjectRisk or SubjectStatement
	Title    string         `json:"title"`    // one-line description
	Guidance string         `json:"guidance"` // what to do about a finding
}

// checks is the catalog of checks. Clauses of ISO/IEC 27001:
//
//   - 6.1.3 b): the controls a treatment needs are determined; used where a
//     risk's own treatment plan is at fault.
//   - 6.1.3 c): the determined controls are compared with Annex A, so every
//     Annex A control is considered; used for controls not considered
//     (missing, undecided) and for comparing against the wrong edition.
//   - 6.1.3 d): the statement's content: each control's decision, its
//     justification and whether it is implemented; used for defects of
//     individual entries.
//     Contradictions between statement and register (a chosen control
//     excluded, a justification the register does not back) are defects
//     of the statement's content too, so they cite 6.1.3 d) as well.
//
// Severities follow certification practice: Major when the statement as
// a whole is unusable (edition mismatch); Minor for a defect of one
// entry or one risk, even where the treatment relies on the control.
var checks = []CheckInfo{
	{CheckEditionMismatch, "6.1.3 c)", rules.Major, SubjectStatement,
		"Statement and catalog are of different Annex A editions",
		"Check the statement against the catalog of its own edition, or migrate the statement to the catalog's edition first. No other check runs until the editions agree."},
	{CheckMissingControl, "6.1.3 c)", rules.Minor, SubjectControl,
		"Catalog control has no entry",
		"Give every control of the catalog, custom controls included, an entry that says whether it applies and why."},
	{CheckUndecided, "6.1.3 c)", rules.Minor, SubjectControl,
		"Entry has no decision",
		"Decide whether the control is included or excluded and record the reason; a draft's undecided entries are the open work."},
	{CheckChosenControlMissing, "6.1.3 d)", rules.Minor, SubjectControl,
		"Control chosen by a risk treatment has no entry",
		"Add an included entry for the control, justified by the risks whose treatment relies on it."},
	{CheckDuplicateEntry, "6.1.3 d)", rules.Minor, SubjectControl,
		"Control has more than one entry",
		"Keep a single entry per control; merge the decisions and justifications of the others into it."},
	{CheckExclusionUnjustified, "6.1.3 d)", rules.Minor, SubjectControl,
		"Exclusion gives no valid reason",
		"State why the control is excluded: not needed by the chosen treatment, outside the ISMS scope, or obviated by a named custom control."},
	{CheckInclusionUnjustified, "6.1.3 d)", rules.Minor, SubjectControl,
		"Inclusion names no risk, action or requirement",
		"Name the risks or treatment actions the control serves, or the legal, regulatory, contractual or business requirement that calls for it."},
	{CheckObviatedBy, "6.1.3 d)", rules.Minor, SubjectControl,
		"Obviating control is missing, unknown or not included",
		"An exclusion for reason obviated must name, in ObviatedBy, a custom control of the statement that is itself included; leave ObviatedBy empty otherwise."},
	{CheckReviewOverdue, "6.1.3 d)", rules.Observation, SubjectControl,
		"Entry not reviewed within the review period",
		"Review the decision, its justification and the implementation status, and record the review date."},
	{CheckStatusMissing, "6.1.3 d)", rules.Minor, SubjectControl,
		"Included control has no implementation status",
		"Record whether the control is not started, in progress, partially implemented or implemented."},
	{CheckUnknownControl, "6.1.3 d)", rules.Minor, SubjectControl,
		"Entry for a control the catalog does not have",
		"Correct the control ID, declare the custom control in the statement's custom list, or remove the entry."},
	{CheckCustomUnlinked, "6.1.3 b)", rules.Observation, SubjectControl,
		"Custom control serves no risk or requirement",
		"Link the custom control to a risk treatment or a requirement, or exclude or retire it; a custom control earns its place by treating a risk or meeting a requirement."},
	{CheckExcludedControlInPlan, "6.1.3 b)", rules.Minor, SubjectRisk,
		"Risk treatment relies on controls the statement excludes",
		"Either revise the treatment plan so it no longer relies on the excluded controls, or revisit the exclusion. This is the risk-side view of soa.chosen-control-excluded."},
	{CheckTreatmentUnknownControl, "6.1.3 b)", rules.Minor, SubjectRisk,
		"Risk treatment names controls the catalog does not have",
		"Correct the control IDs in the treatment plan, or declare the custom controls the treatment relies on."},
	{CheckChosenControlExcluded, "6.1.3 d)", rules.Minor, SubjectControl,
		"Control chosen by a risk treatment is excluded",
		"Statement and treatment plan disagree: include the control, or change the treatments that rely on it and then keep the exclusion."},
	{CheckJustificationUnbacked, "6.1.3 d)", rules.Minor, SubjectControl,
		"Justification cites risks or actions the register does not back",
		"Bring the justification in line with the register: cite only risks whose treatment chooses the control and actions of those treatments."},
}

// Checks returns a description of every check [Check] runs, ordered by
// clause and then rule ID, the order of its findings.
func Checks() []CheckInfo { return slices.Clone(checks) }

var checkIndex = func() map[string]CheckInfo {
	slices.SortFunc(checks, func(a, b CheckInfo) int {
		if c := rules.CompareClauses(a.Clause, b.Clause); c != 0 {
			return c
		}
		return rules.NaturalCompare(a.ID, b.ID)
	})
	m := make(map[string]CheckInfo, len(checks))
	for _, c := range checks {
		m[c.ID] = c
	}
	return m
}()

// CheckOptions adjusts Check. The zero value gives the defaults.
type CheckOptions struct {
	// ReviewPeriod is how long a decided entry may go without review
	// before soa.review-overdue reports it. The zero period means P12M.
	ReviewPeriod rules.Period `json:"reviewPeriod,omitzero"`
}

// Check compares a Statement of Applicability with its catalog and the risk
// register and returns what is wrong, as findings citing the ISO/IEC 27001
// clause each check comes from. [Checks] lists the checks with their rule
// IDs, clauses and severities. Findings are sorted with
// [rules.CompareFindings]; the same input always gives the same findings.
//
// The catalog may be nil: the built-in catalog of the statement's edition
// is used then. Pass a catalog made with [Catalog.WithCustom] when the
// organization keeps its custom controls there; custom controls listed in
// the statement's Custom (with IDs in the custom namespace) are known
// too. When the statement's edition differs from the catalog's, Check
// reports only soa.edition-mismatch: every other check would compare
// against the wrong list of controls.
//
// Entries are matched to controls by any spelling [Catalog.Control]
// accepts, so "A.8.7" and "8.7" are one control in 2022. Only the first
// entry for a control is checked; later ones are reported as duplicates.
// An entry for an unknown control is reported as such and not checked
// further. A decision other than included, excluded or undecided counts as
// undecided; a status or exclusion reason outside the defined values
// counts as missing.
//
// An entry counts as reviewed in time when its LastReviewed plus the
// review period is not before asOf; an entry never reviewed is overdue.
// Only decided entries are due for review. Check reads no clock: asOf is
// the evaluation instant.
func Check(st Statement, cat *Catalog, reg risk.Register, asOf time.Time, opts CheckOptions) []rules.Finding {
	fs, _ := CheckContext(context.Background(), st, cat, reg, asOf, opts)
	return fs
}

// CheckContext is Check under ctx, for large statements and registers: it
// looks at ctx between entries, controls and risks, and once ctx is done
// returns no findings and an error matching rules.ErrLimit and the
// context's own error (use errors.Is). A nil ctx is an error.
func CheckContext(ctx context.Context, st Statement, cat *Catalog, reg risk.Register, asOf time.Time, opts CheckOptions) ([]rules.Finding, error) {
	if ctx == nil {
		return nil, errors.New("soa: check: nil context")
	}
	c := &checker{ctx: ctx, st: st, reg: reg, asOf: asOf, period: opts.ReviewPeriod}
	if c.period.IsZero() {
		c.period = defaultReviewPeriod()
	}
	if cat == nil {
		var err error
		if cat, err = CatalogFor(st.Edition); err != nil {
			c.add(CheckEditionMismatch, SubjectStatement, st.ID,
				fmt.Sprintf("the statement's edition %q is not an Annex A edition this package knows (2022 or 2013)", st.Edition))
			return c.findings, nil
		}
	}
	if st.Edition != cat.Edition() {
		c.add(CheckEditionMismatch, SubjectStatement, st.ID,
			fmt.Sprintf("the statement is of edition %q but is checked against the %s catalog", st.Edition, cat.Edition()))
		return c.findings, nil
	}
	c.cat = cat
	c.run()
	if c.stopped {
		return nil, &rules.LimitError{Limit: rules.LimitContext, Cause: context.Cause(ctx)}
	}
	slices.SortFunc(c.findings, rules.CompareFindings)
	return c.findings, nil
}

type checker struct {
	st     Statement
	cat    *Catalog
	reg    risk.Register
	asOf   time.Time
	period rules.Period

	ctx     context.Context
	stopped bool // ctx was done: the findings are incomplete

	findings []rules.Finding

	canon     map[string]string  // memo of canonical
	known     map[string]Control // canonical ID → control: the catalog and the statement's custom controls
	order     []string           // known IDs in standard order
	badCustom map[string]bool    // IDs in st.Custom outside the custom namespace
	first     map[string]int     // canonical control ID → index of its first entry
	chosenBy  map[string][]string
	// riskByID and actionRisks hold only the risk and action IDs the
	// statement's justifications cite, the only ones looked up: a
	// statement cites a handful, the register may hold a million.
	riskByID    map[string]*risk.Risk   // risk ID → its first risk, nil when the register has none
	actionRisks map[string][]*risk.Risk // action ID → risks whose treatment has it
	// treated memoizes, per control ID as a treatment spells it, its
	// canonical ID, whether it is known, and its chosenBy list.
	treated map[string]*treatedControl
}

// treatedControl is what indexRegister needs to know about a control ID
// a treatment names.
type treatedControl struct {
	canon  string
	known  bool
	chosen []int32 // indexes of the risks choosing it, in register order
	// excluded: known and excluded by its first entry; set by
	// checkTreatments once the entries are indexed.
	excluded, judged bool
}

// done reports whether the check should stop because ctx is done. It
// asks ctx on every 64th item i only: checking an item is cheap.
func (c *checker) done(i int) bool {
	if !c.stopped && i%64 == 0 && c.ctx.Err() != nil {
		c.stopped = true
	}
	return c.stopped
}

func (c *checker) add(rule, kind, id, msg string) {
	info := checkIndex[rule]
	c.findings = append(c.findings, rules.Finding{
		RuleID:   rule,
		Clause:   info.Clause,
		Severity: info.Severity,
		Subject:  rules.Subject{Kind: kind, ID: id},
		Message:  msg,
		Guidance: info.Guidance,
	})
}

// canonical maps an ID to the catalog's canonical spelling when the
// catalog knows it. Results are memoized: Catalog.Control copies the
// control on every call.
func (c *checker) canonical(id string) string {
	if canon, ok := c.canon[id]; ok {
		return canon
	}
	canon := id
	if ctl, ok := c.cat.Control(id); ok {
		canon = ctl.ID
	}
	c.canon[id] = canon
	return canon
}

// riskLabel names a risk in messages and subjects.
func riskLabel(i int, r *risk.Risk) string {
	if r.ID != "" {
		return r.ID
	}
	return fmt.Sprintf("risks[%d]", i)
}

func (c *checker) run() {
	c.canon = map[string]string{}
	c.known = map[string]Control{}
	c.badCustom = map[string]bool{}
	for _, ctl := range c.cat.Controls() {
		c.known[ctl.ID] = ctl
		c.order = append(c.order, ctl.ID)
	}
	var extra []string
	for _, ctl := range c.st.Custom {
		if !IsCustomID(ctl.ID) {
			c.badCustom[ctl.ID] = true
			continue
		}
		if _, ok := c.known[ctl.ID]; !ok {
			ctl.Custom = true
			c.known[ctl.ID] = ctl
			extra = append(extra, ctl.ID)
		}
	}
	slices.SortFunc(extra, CompareControlIDs)
	c.order = append(c.order, extra...)

	for _, step := range []func(){c.indexRegister, c.checkEntries, c.checkCoverage, c.checkTreatments, c.checkCustom} {
		if c.done(0) {
			return
		}
		step()
	}
}

// indexRegister records which risks choose which controls and which
// actions belong to which risks, and reports treatments naming unknown
// controls.
func (c *checker) indexRegister() {
	c.chosenBy = map[string][]string{}
	c.riskByID = map[string]*risk.Risk{}
	c.actionRisks = map[string][]*risk.Risk{}
	c.treated = map[string]*treatedControl{}
	for _, e := range c.st.Entries {
		for _, rid := range e.Justification.Risks {
			c.riskByID[rid] = nil
		}
		for _, aid := range e.Justification.Actions {
			c.actionRisks[aid] = nil
		}
	}
	var order []*treatedControl // in order of first use, for a deterministic fold
	for i := range c.reg.Risks {
		if c.done(i) {
			return
		}
		r := &c.reg.Risks[i]
		if r.ID != "" && len(c.riskByID) > 0 {
			if first, cited := c.riskByID[r.ID]; cited && first == nil {
				c.riskByID[r.ID] = r
			}
		}
		if r.Treatment == nil {
			continue
		}
		if len(c.actionRisks) > 0 {
			for _, a := range r.Treatment.Actions {
				if rs, cited := c.actionRisks[a.ID]; cited && a.ID != "" {
					c.actionRisks[a.ID] = append(rs, r)
				}
			}
		}
		var unknown []string
		for _, id := range r.Treatment.Controls {
			t := c.treated[id]
			if t == nil {
				canon := c.canonical(id)
				_, known := c.known[canon]
				t = &treatedControl{canon: canon, known: known}
				c.treated[id] = t
				order = append(order, t)
			}
			if !t.known {
				unknown = appendUnique(unknown, id)
				continue
			}
			t.chosen = append(t.chosen, int32(i)) // labelled and deduplicated below
		}
		if len(unknown) > 0 {
			c.add(CheckTreatmentUnknownControl, SubjectRisk, riskLabel(i, r),
				fmt.Sprintf("the treatment of risk %s names %s, which the %s catalog and the statement's custom controls do not have",
					riskLabel(i, r), quoteIDs(unknown), c.cat.Edition()))
		}
	}
	// Spellings of one control ("A.5.1", "5.1") share its list, which
	// is made once at its full size.
	size := map[string]int{}
	for _, t := range order {
		if t.known {
			size[t.canon] += len(t.chosen)
		}
	}
	for _, t := range order {
		if !t.known || len(t.chosen) == 0 {
			continue
		}
		labels := c.chosenBy[t.canon]
		if labels == nil {
			labels = make([]string, 0, size[t.canon])
		}
		for _, i := range t.chosen {
			labels = append(labels, riskLabel(int(i), &c.reg.Risks[i]))
		}
		c.chosenBy[t.canon] = labels
	}
	for id, rs := range c.chosenBy {
		slices.SortFunc(rs, rules.NaturalCompare) // the list is ours: sort it in place
		c.chosenBy[id] = slices.Compact(rs)
	}
}

// chooses reports whether the treatment of r names control id (canonical).
func (c *checker) chooses(r *risk.Risk, id string) bool {
	if r.Treatment == nil {
		return false
	}
	for _, cid := range r.Treatment.Controls {
		if c.canonical(cid) == id {
			return true
		}
	}
	return false
}

func (c *checker) checkEntries() {
	// First pass: where each control's first entry is, so that an entry can
	// look at another control's decision (ObviatedBy) in any order.
	c.first = map[string]int{}
	dups := map[string][]int{}
	var dupOrder []string
	for i, e := range c.st.Entries {
		if c.done(i) {
			return
		}
		id := c.canonical(e.ControlID)
		if f, dup := c.first[id]; dup {
			if dups[id] == nil {
				dups[id] = []int{f}
				dupOrder = append(dupOrder, id)
			}
			dups[id] = append(dups[id], i)
			continue
		}
		c.first[id] = i
	}
	for i, e := range c.st.Entries {
		if c.done(i) {
			return
		}
		id := c.canonical(e.ControlID)
		if c.first[id] != i {
			continue
		}
		if _, ok := c.known[id]; !ok {
			msg := fmt.Sprintf("entries[%d] is for control %q, which the %s catalog does not have", i, e.ControlID, c.cat.Edition())
			if c.badCustom[e.ControlID] {
				msg += `; the statement lists it as a custom control, but custom IDs must start with "C-"`
			}
			c.add(CheckUnknownControl, SubjectControl, id, msg)
			continue
		}
		c.checkEntry(id, e)
	}
	for _, id := range dupOrder {
		var where []string
		for _, i := range dups[id] {
			where = append(where, fmt.Sprintf("entries[%d]", i))
		}
		c.add(CheckDuplicateEntry, SubjectControl, id,
			fmt.Sprintf("control %s has %d entries (%s); only the first is checked", id, len(where), strings.Join(where, ", ")))
	}
}

func (c *checker) checkEntry(id string, e Entry) {
	j := e.Justification
	chosen := c.chosenBy[id]
	switch e.Decision {
	case Included:
		if !j.justifiesInclusion() {
			c.add(CheckInclusionUnjustified, SubjectControl, id,
				fmt.Sprintf("control %s is included, but its justification names no risk, treatment action or requirement", id))
		}
		switch {
		case e.Status == "":
			c.add(CheckStatusMissing, SubjectControl, id, fmt.Sprintf("control %s is included, but its implementation status is not recorded", id))
		case !e.Status.Valid():
			c.add(CheckStatusMissing, SubjectControl, id, fmt.Sprintf("control %s is included, but its status %q is not a known implementation status", id, e.Status))
		}
		if j.ObviatedBy != "" {
			c.add(CheckObviatedBy, SubjectControl, id,
				fmt.Sprintf("control %s is included, yet its justification says %s obviates it", id, j.ObviatedBy))
		}
	case Excluded:
		switch {
		case j.Exclusion == "":
			c.add(CheckExclusionUnjustified, SubjectControl, id, fmt.Sprintf("control %s is excluded without a reason", id))
		case !j.Exclusion.Valid():
			c.add(CheckExclusionUnjustified, SubjectControl, id, fmt.Sprintf("control %s is excluded for %q, which is not a known exclusion reason", id, j.Exclusion))
		}
		c.checkObviatedBy(id, j)
		if len(chosen) > 0 {
			c.add(CheckChosenControlExcluded, SubjectControl, id,
				fmt.Sprintf("control %s is excluded, but the treatment of %s relies on it", id, risksPhrase(chosen)))
		}
	default:
		msg := fmt.Sprintf("control %s is not yet decided", id)
		if e.Decision != Undecided {
			msg = fmt.Sprintf("control %s has decision %q, which is neither included, excluded nor undecided", id, e.Decision)
		}
		if len(chosen) > 0 {
			msg += fmt.Sprintf("; the treatment of %s chooses it", risksPhrase(chosen))
		}
		c.add(CheckUndecided, SubjectControl, id, msg)
	}
	if e.Decision == Included || e.Decision == Excluded {
		c.checkReview(id, e)
	}
	c.checkReferences(id, j)
}

func (c *checker) checkObviatedBy(id string, j Justification) {
	ob := j.ObviatedBy
	var problem string
	switch {
	case j.Exclusion != Obviated && ob != "":
		problem = fmt.Sprintf("control %s names %s as obviating it, but its exclusion reason is %q, not %q", id, ob, j.Exclusion, Obviated)
	case j.Exclusion != Obviated:
		return
	case ob == "":
		problem = fmt.Sprintf("control %s is excluded as obviated, but does not name the custom control that obviates it", id)
	case c.canonical(ob) == id:
		problem = fmt.Sprintf("control %s is excluded as obviated by itself", id)
	default:
		ctl, ok := c.known[c.canonical(ob)]
		switch {
		case !ok:
			problem = fmt.Sprintf("control %s is excluded as obviated by %q, which is not a control of the catalog or the statement", id, ob)
		case !ctl.Custom:
			problem = fmt.Sprintf("control %s is excluded as obviated by %s, which is an Annex A control rather than a custom control", id, ob)
		default:
			if i, has := c.first[ctl.ID]; !has {
				problem = fmt.Sprintf("control %s is excluded as obviated by %s, which has no entry in the statement", id, ob)
			} else if c.st.Entries[i].Decision != Included {
				problem = fmt.Sprintf("control %s is excluded as obviated by %s, which the statement does not include", id, ob)
			}
		}
	}
	if problem != "" {
		c.add(CheckObviatedBy, SubjectControl, id, problem)
	}
}

func (c *checker) checkReview(id string, e Entry) {
	switch {
	case e.LastReviewed.IsZero():
		c.add(CheckReviewOverdue, SubjectControl, id, fmt.Sprintf("the entry for control %s has never been reviewed", id))
	case c.period.AddTo(e.LastReviewed).Before(c.asOf):
		c.add(CheckReviewOverdue, SubjectControl, id,
			fmt.Sprintf("the entry for control %s was last reviewed on %s, longer ago than the review period %s as of %s",
				id, e.LastReviewed.Format(time.DateOnly), c.period, c.asOf.Format(time.DateOnly)))
	}
}

// checkReferences reports risks and actions a justification cites that the
// register does not back.
func (c *checker) checkReferences(id string, j Justification) {
	var problems []string
	var unknownRisks, notChoosing, unknownActions, otherActions []string
	for _, rid := range j.Risks {
		r := c.riskByID[rid]
		switch {
		case r == nil:
			unknownRisks = appendUnique(unknownRisks, rid)
		case !c.chooses(r, id):
			notChoosing = appendUnique(notChoosing, rid)
		}
	}
	for _, aid := range j.Actions {
		rs := c.actionRisks[aid]
		switch {
		case len(rs) == 0:
			unknownActions = appendUnique(unknownActions, aid)
		case !slices.ContainsFunc(rs, func(r *risk.Risk) bool { return c.chooses(r, id) }):
			otherActions = appendUnique(otherActions, aid)
		}
	}
	if len(unknownRisks) > 0 {
		problems = append(problems, "risks not in the register: "+joinIDs(unknownRisks))
	}
	if len(notChoosing) > 0 {
		problems = append(problems, "risks whose treatment does not choose it: "+joinIDs(notChoosing))
	}
	if len(unknownActions) > 0 {
		problems = append(problems, "actions no treatment in the register has: "+joinIDs(unknownActions))
	}
	if len(otherActions) > 0 {
		problems = append(problems, "actions of treatments that do not choose it: "+joinIDs(otherActions))
	}
	if len(problems) > 0 {
		c.add(CheckJustificationUnbacked, SubjectControl, id,
			fmt.Sprintf("the justification of control %s cites %s", id, strings.Join(problems, "; ")))
	}
}

// checkCoverage reports known controls without an entry.
func (c *checker) checkCoverage() {
	for _, id := range c.order {
		if _, has := c.first[id]; has {
			continue
		}
		if chosen := c.chosenBy[id]; len(chosen) > 0 {
			c.add(CheckChosenControlMissing, SubjectControl, id,
				fmt.Sprintf("control %s (%s) has no entry, although the treatment of %s chooses it", id, c.known[id].Title, risksPhrase(chosen)))
			continue
		}
		c.add(CheckMissingControl, SubjectControl, id, fmt.Sprintf("control %s (%s) has no entry in the statement", id, c.known[id].Title))
	}
}

// checkTreatments reports, per risk, the controls its treatment relies on
// that the statement excludes.
func (c *checker) checkTreatments() {
	for i := range c.reg.Risks {
		if c.done(i) {
			return
		}
		r := &c.reg.Risks[i]
		if r.Treatment == nil {
			continue
		}
		var excluded []string
		for _, cid := range r.Treatment.Controls {
			if t := c.treatedExcluded(cid); t != nil {
				excluded = appendUnique(excluded, t.canon)
			}
		}
		if len(excluded) > 0 {
			slices.SortFunc(excluded, compareEntryIDs)
			word := "control"
			if len(excluded) > 1 {
				word = "controls"
			}
			c.add(CheckExcludedControlInPlan, SubjectRisk, riskLabel(i, r),
				fmt.Sprintf("the treatment of risk %s relies on %s %s, which the statement excludes", riskLabel(i, r), word, joinIDs(excluded)))
		}
	}
}

// treatedExcluded returns what indexRegister learnt about control ID cid
// of a treatment when the control is known and its first entry excludes
// it, else nil. The answer is memoized per ID.
func (c *checker) treatedExcluded(cid string) *treatedControl {
	t := c.treated[cid]
	if t == nil { // not seen by indexRegister, which sees every treatment
		canon := c.canonical(cid)
		_, known := c.known[canon]
		t = &treatedControl{canon: canon, known: known}
		c.treated[cid] = t
	}
	if !t.judged {
		f, ok := c.first[t.canon]
		t.excluded = ok && t.known && c.st.Entries[f].Decision == Excluded
		t.judged = true
	}
	if t.excluded {
		return t
	}
	return nil
}

// checkCustom reports custom controls that are in use (included or
// undecided) but tied to no risk and no requirement.
func (c *checker) checkCustom() {
	for _, id := range c.order {
		if !c.known[id].Custom {
			continue
		}
		f, has := c.first[id]
		if !has {
			continue // soa.missing-control or soa.chosen-control-missing says it
		}
		e := c.st.Entries[f]
		if e.Decision == Excluded || len(c.chosenBy[id]) > 0 || len(e.Justification.Requirements) > 0 {
			continue
		}
		if slices.ContainsFunc(e.Justification.Risks, func(rid string) bool { return c.riskByID[rid] != nil }) {
			continue
		}
		c.add(CheckCustomUnlinked, SubjectControl, id,
			fmt.Sprintf("custom control %s (%s) is chosen by no risk treatment and cites no risk of the register or requirement", id, c.known[id].Title))
	}
}

// risksPhrase lists risk labels: "risk R-1" or "risks R-1, R-2".
func risksPhrase(ids []string) string {
	if len(ids) == 1 {
		return "risk " + ids[0]
	}
	return "risks " + joinIDs(ids)
}

// quoteIDs lists IDs quoted, for IDs that may be malformed.
func quoteIDs(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(q, ", ")
}
