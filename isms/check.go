package isms

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

// Option adjusts Check and NewChecker.
type Option func(*config)

type config struct {
	extra                  []rules.Rule
	disabled               []string
	regrade                map[string]rules.Severity
	waivers                []rules.Waiver
	reviewPeriod           rules.Period
	riskAssessmentPeriod   rules.Period
	managementReviewPeriod rules.Period
	awarenessTarget        *decimal.Decimal
}

// WithRules adds organization rules beside the built-in ones. They may
// name the collections of Collections and read the variables VarSystem
// and the rest.
func WithRules(extra ...rules.Rule) Option {
	return func(c *config) { c.extra = append(c.extra, extra...) }
}

// Disable skips the rules (built-in, organization or soa checks) with
// these IDs.
func Disable(ids ...string) Option {
	return func(c *config) { c.disabled = append(c.disabled, ids...) }
}

// Regrade gives the findings of rule id severity s.
func Regrade(id string, s rules.Severity) Option {
	return func(c *config) { c.regrade[id] = s }
}

// Waive adds waivers; each suppresses one rule's finding about one
// subject until it expires.
func Waive(ws ...rules.Waiver) Option {
	return func(c *config) { c.waivers = append(c.waivers, ws...) }
}

// WithReviewPeriod overrides Settings.ReviewPeriod.
func WithReviewPeriod(p rules.Period) Option { return func(c *config) { c.reviewPeriod = p } }

// WithRiskAssessmentPeriod overrides Settings.RiskAssessmentPeriod.
func WithRiskAssessmentPeriod(p rules.Period) Option {
	return func(c *config) { c.riskAssessmentPeriod = p }
}

// WithManagementReviewPeriod overrides Settings.ManagementReviewPeriod.
func WithManagementReviewPeriod(p rules.Period) Option {
	return func(c *config) { c.managementReviewPeriod = p }
}

// WithAwarenessTarget overrides Settings.AwarenessTarget.
func WithAwarenessTarget(d decimal.Decimal) Option {
	return func(c *config) { c.awarenessTarget = &d }
}

// Checker checks systems with one compiled rule set. It is safe for
// concurrent use. Make it with NewChecker: the zero Checker has no rules,
// and its Check returns ErrNoChecker.
type Checker struct {
	cfg config
	rs  *rules.RuleSet
}

// ErrNoChecker is returned, wrapped (use errors.Is), by the methods of a
// Checker that NewChecker did not make, such as the zero Checker{}: it
// has no rules, and checking with it would report nothing.
var ErrNoChecker = errors.New("isms: checker has no compiled rules; make it with NewChecker")

// NewChecker compiles the built-in rules and the organization rules the
// options add, once. Nil options are skipped.
func NewChecker(opts ...Option) (*Checker, error) {
	cfg := config{regrade: map[string]rules.Severity{}}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	var rs *rules.RuleSet
	var err error
	if len(cfg.extra) == 0 {
		rs, err = compileBuiltin()
	} else {
		var env *rules.Env
		env, err = NewEnv()
		if err == nil {
			rs, err = rules.CompileRules(env, Collections(), slices.Concat(builtin, cfg.extra)...)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("isms: compile rules: %w", err)
	}
	return &Checker{cfg: cfg, rs: rs}, nil
}

// Check checks sys as of asOf with the built-in rules, the organization
// rules and options, and soa.Check. An invalid system gives the
// validation error (listing every problem) and no report; so do a nil
// system (ErrInvalid) and a nil ctx. The empty System{} is valid and
// gets a report full of findings.
//
// A risk on which a criteria rule fails at run time (a division by zero,
// a missing attribute, a limit hit) does not stop the check: its result
// in Report.Assessment has status failed and the reason, and rule
// 6.1.2-risk-analysed reports it with that reason. A cancelled ctx ends
// the check early with an error matching rules.ErrLimit.
func Check(ctx context.Context, sys *System, asOf time.Time, opts ...Option) (*Report, error) {
	c, err := NewChecker(opts...)
	if err != nil {
		return nil, err
	}
	return c.Check(ctx, sys, asOf)
}

// ClauseStats counts the rules of one clause in one report.
type ClauseStats struct {
	Clause string `json:"clause"`
	Rules  int    `json:"rules"`  // rules run (not disabled)
	Passed int    `json:"passed"` // rules with no finding and no error
	Failed int    `json:"failed"` // rules with a finding or an error
}

// SeverityCount counts the findings of one severity.
type SeverityCount struct {
	Severity rules.Severity `json:"severity"`
	Count    int            `json:"count"`
}

// Report is the outcome of Check. The zero Report holds nothing and
// reports no major finding; Check never returns one.
type Report struct {
	Organization        string      `json:"organization,omitempty"`
	Edition             soa.Edition `json:"edition"`
	AsOf                time.Time   `json:"asOf"`
	CriteriaFingerprint string      `json:"criteriaFingerprint"` // empty when the system has no criteria
	// Findings in rules.CompareFindings order, one per rule, clause and
	// severity, the way an auditor writes one nonconformity with its
	// examples: when a rule fails on several subjects the finding's
	// Subject has their common kind and no ID, and its Message lists
	// every instance. Details has the findings per subject.
	Findings []rules.Finding `json:"findings"`
	// Details has one finding per rule and subject, in
	// rules.CompareFindings order; waivers name these subjects.
	Details []rules.Finding `json:"details"`
	// NotApplicable lists the built-in rules the system's edition does not
	// have (such as 6.3 under 2013), sorted; they count neither as passed
	// nor as failed, and their statistics in Rules are marked disabled.
	NotApplicable []string `json:"notApplicable,omitempty"`
	// Counts has every severity, most serious first, counting Findings.
	Counts []SeverityCount `json:"counts"`
	// Clauses in clause order.
	Clauses []ClauseStats `json:"clauses"`
	// Rules has the statistics of every rule, soa checks included, in
	// clause and then ID order.
	Rules []rules.RuleStats `json:"rules"`
	// Assessment is the risk assessment the rules used.
	Assessment *risk.Assessment `json:"assessment"`
	// SoA summarizes the statement of applicability.
	SoA soa.Summary `json:"soa"`
}

// HasMajor reports whether the report has a major finding.
// A nil report has none.
func (r *Report) HasMajor() bool {
	if r == nil {
		return false
	}
	for _, f := range r.Findings {
		if f.Severity == rules.Major {
			return true
		}
	}
	return false
}

// Check checks sys as of asOf; see the package function Check. On the
// zero Checker it returns ErrNoChecker.
func (c *Checker) Check(ctx context.Context, sys *System, asOf time.Time) (*Report, error) {
	if c == nil || c.rs == nil {
		return nil, ErrNoChecker
	}
	if ctx == nil {
		return nil, errors.New("isms: check: nil context")
	}
	if sys == nil {
		return nil, fmt.Errorf("%w: nil system", ErrInvalid)
	}
	if err := cancelled(ctx); err != nil {
		return nil, err
	}
	// The soa checks and the risk assessment only read the system and
	// do not need its validation (soa.CheckContext copes with any
	// statement and register; Assess checks the register itself), so
	// they run beside it and beside each other. Their results are looked
	// at where they were looked at when they ran in turn, so the errors
	// Check returns are the same. Every return stops and waits for them:
	// Check leaves no goroutine behind.
	edition := sys.EffectiveEdition()
	set := sys.Settings
	reviewPeriod := firstPeriod(c.cfg.reviewPeriod, set.EffectiveReviewPeriod())
	cat, catErr := soa.CatalogFor(edition)
	bgCtx, stopBg := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() {
		stopBg()
		bg.Wait()
	}()
	var soaFindings []rules.Finding
	var soaErr error
	soaDone := make(chan struct{})
	if catErr == nil {
		bg.Go(func() {
			defer close(soaDone)
			soaFindings, soaErr = soa.CheckContext(bgCtx, sys.SoA, cat, sys.Register, asOf, soa.CheckOptions{ReviewPeriod: reviewPeriod})
		})
	} else {
		close(soaDone)
	}
	// Without criteria nothing can be assessed: every risk counts as not
	// analysed and rule 6.1.2-criteria-missing reports the gap.
	as := &risk.Assessment{RegisterID: sys.Register.ID, AsOf: asOf, Results: []risk.RiskResult{}}
	fingerprint := ""
	var assessErr error
	var riskViews []RiskView
	var actionViews []ActionView
	assessDone := make(chan struct{})
	bg.Go(func() {
		defer close(assessDone)
		if criteriaDefined(&sys.Criteria) {
			eng, err := risk.Compile(sys.Criteria)
			if err != nil {
				assessErr = fmt.Errorf("isms: risk criteria: %w", err)
				return
			}
			// With an assessment, the error only lists the risks on which
			// a rule failed; they are reported as findings below.
			a, err := eng.Assess(bgCtx, sys.Register, asOf)
			if a == nil {
				assessErr = fmt.Errorf("isms: assess risks: %w", err)
				return
			}
			as, fingerprint = a, eng.Fingerprint()
		}
		// The risk and action subjects of the rules need only the
		// assessment (views copes with an invalid register).
		riskViews, actionViews = views(sys, as)
	})

	if err := sys.validate(ctx, parallelDeclareMin); err != nil {
		return nil, err
	}
	<-assessDone
	if assessErr != nil {
		return nil, assessErr
	}
	if catErr != nil {
		return nil, fmt.Errorf("isms: %w", catErr)
	}
	<-soaDone
	if soaErr != nil {
		return nil, fmt.Errorf("isms: %w", soaErr)
	}

	// Split the options between the rule set and the soa checks.
	soaIDs := map[string]soa.CheckInfo{}
	for _, ci := range soa.Checks() {
		soaIDs[ci.ID] = ci
	}
	var evalOpts []rules.EvalOption
	notApplicable := notApplicableRules(edition)
	for _, id := range notApplicable {
		evalOpts = append(evalOpts, rules.Disable(id))
	}
	soaDisabled := map[string]bool{}
	for _, id := range c.cfg.disabled {
		if _, ok := soaIDs[id]; ok {
			soaDisabled[id] = true
		} else {
			evalOpts = append(evalOpts, rules.Disable(id))
		}
	}
	for _, id := range slices.Sorted(mapKeysOf(c.cfg.regrade)) {
		if _, ok := soaIDs[id]; !ok {
			evalOpts = append(evalOpts, rules.Regrade(id, c.cfg.regrade[id]))
		}
	}
	soaWaivers := make(map[waiverKey]*rules.Waiver, len(c.cfg.waivers))
	var bad []error
	for id, sev := range c.cfg.regrade {
		if _, ok := soaIDs[id]; ok && !sev.Valid() {
			bad = append(bad, fmt.Errorf("regrade: rule %q: invalid severity", id))
		}
	}
	for i, w := range c.cfg.waivers {
		if _, ok := soaIDs[w.RuleID]; ok {
			if strings.TrimSpace(w.Justification) == "" {
				bad = append(bad, fmt.Errorf("waivers[%d].justification: a waiver needs a justification", i))
			}
			if w.Expires.IsZero() {
				bad = append(bad, fmt.Errorf("waivers[%d].expires: a waiver needs an expiry", i))
			}
			k := waiverKey{w.RuleID, w.Subject}
			if soaWaivers[k] != nil {
				bad = append(bad, fmt.Errorf("waivers[%d]: a second waiver for rule %q on %q", i, w.RuleID, w.Subject))
			} else {
				soaWaivers[k] = &c.cfg.waivers[i]
			}
		} else {
			// The report names whole-system subjects SubjectSystem; the
			// rule set knows them as the zero Subject.
			if w.Subject == (rules.Subject{Kind: SubjectSystem}) {
				w.Subject = rules.Subject{}
			}
			evalOpts = append(evalOpts, rules.Waive(w))
		}
	}

	if len(bad) > 0 {
		slices.SortFunc(bad, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return nil, fmt.Errorf("isms: soa checks: %w", errors.Join(bad...))
	}

	target := set.EffectiveAwarenessTarget()
	if c.cfg.awarenessTarget != nil {
		target = *c.cfg.awarenessTarget
	}
	vars := rules.NewVars(nil).
		Set(VarSystem, sys).
		Set(VarEdition, string(edition)).
		Set(VarReviewPeriod, reviewPeriod).
		Set(VarRiskAssessmentPeriod, firstPeriod(c.cfg.riskAssessmentPeriod, set.EffectiveRiskAssessmentPeriod())).
		Set(VarManagementReviewPeriod, firstPeriod(c.cfg.managementReviewPeriod, set.EffectiveManagementReviewPeriod())).
		Set(VarAwarenessTarget, target).
		Set(VarAwarenessCompletion, awarenessCompletion(sys)).
		Set(VarTopManagement, topManagementIDs(sys)).
		Set(VarPolicyPresent, sys.Policy.ID != "" || sys.Policy.Title != "").
		Set(VarUnheldResponsibilities, unheldResponsibilities(sys)).
		Set(VarReviewInputs, reviewInputNames(edition)).
		Set(VarAuditGaps, auditGaps(sys, asOf)).
		Set(VarAuditCycle, auditCycle(sys)).
		Set(VarAssessedRisks, assessedCount(as))
	met, missed := objectiveStatus(sys, asOf)
	vars.Set(VarObjectivesMet, met).Set(VarObjectivesMissed, missed)

	mandatory := mandatoryViews(sys, edition)
	in := rules.Input{AsOf: asOf, Vars: vars, Subjects: map[string]rules.Items{
		CollIssues:             rules.Slice(sys.Issues, func(x *Issue) string { return x.ID }),
		CollParties:            rules.Slice(sys.Parties, func(x *Party) string { return x.ID }),
		CollRoles:              rules.Slice(sys.Roles, func(x *Role) string { return x.ID }),
		CollISMSRisks:          rules.Slice(sys.ISMSRisks, func(x *ISMSRisk) string { return x.ID }),
		CollRisks:              rules.Slice(riskViews, func(x *RiskView) string { return x.ID }),
		CollActions:            rules.Slice(actionViews, func(x *ActionView) string { return x.ID }),
		CollObjectives:         rules.Slice(sys.Objectives, func(x *Objective) string { return x.ID }),
		CollISMSChanges:        rules.Slice(sys.ISMSChanges, func(x *Change) string { return x.ID }),
		CollOperationalChanges: rules.Slice(sys.OperationalChanges, func(x *Change) string { return x.ID }),
		CollDocuments:          rules.Slice(sys.Documents, func(x *Document) string { return x.ID }),
		CollMandatory:          rules.Slice(mandatory, func(x *MandatoryView) string { return x.ID }),
		CollSuppliers:          rules.Slice(sys.Suppliers, func(x *Supplier) string { return x.ID }),
		CollAudits:             rules.Slice(sys.Audits, func(x *Audit) string { return x.ID }),
		CollReviews:            rules.Slice(sys.ManagementReviews, func(x *ManagementReview) string { return x.ID }),
		CollNonconformities:    rules.Slice(sys.Nonconformities, func(x *Nonconformity) string { return x.ID }),
		CollImprovements:       rules.Slice(sys.Improvements, func(x *Improvement) string { return x.ID }),
		CollProcesses:          rules.Slice(sys.Processes, func(x *Process) string { return x.ID }),
		CollMeasures:           rules.Slice(sys.Measures, func(x *Measure) string { return x.ID }),
		CollCommunications:     rules.Slice(sys.Communication.Items, func(x *Communication) string { return x.ID }),
	}}
	res, err := c.rs.Evaluate(ctx, in, evalOpts...)
	if err != nil {
		return nil, fmt.Errorf("isms: %w", err)
	}
	// Evaluate returns the findings sorted. The changes below touch
	// few of them; touched lists those, for the check of the order.
	touched := explainFailures(res.Findings, as)

	rep := &Report{
		Organization:        sys.Organization,
		Edition:             edition,
		AsOf:                asOf,
		CriteriaFingerprint: fingerprint,
		Findings:            res.Findings,
		Rules:               res.Rules,
		Assessment:          as,
		SoA:                 soa.Summarize(sys.SoA, cat),
		NotApplicable:       notApplicable,
	}
	for i := range rep.Findings {
		if rep.Findings[i].Subject.Kind == "" {
			rep.Findings[i].Subject.Kind = SubjectSystem
			touched = append(touched, i)
		}
	}
	touched = append(touched, gradeByAuditFinding(sys, rep.Findings, c.cfg.regrade)...)
	sorted := true
	if edition == soa.Edition2013 {
		// The built-in rules cite 2022 numbering; see ruleClause2013.
		for i := range rep.Findings {
			if builtinIDs[rep.Findings[i].RuleID] {
				rep.Findings[i].Clause = ruleClause2013(rep.Findings[i].RuleID, rep.Findings[i].Clause)
			}
		}
		sorted = slices.IsSortedFunc(rep.Findings, rules.CompareFindings)
		for i := range rep.Rules {
			if builtinIDs[rep.Rules[i].RuleID] {
				rep.Rules[i].Clause = ruleClause2013(rep.Rules[i].RuleID, rep.Rules[i].Clause)
			}
		}
	}
	// The changes rarely reorder the findings, and a check of the order
	// is much cheaper than a stable sort of a register's worth of them.
	if !sorted || !sortedAround(rep.Findings, touched) {
		slices.SortStableFunc(rep.Findings, rules.CompareFindings)
	}
	// Merge the soa checks' findings and statistics.
	stats := map[string]*rules.RuleStats{}
	var soaStats []rules.RuleStats
	for _, ci := range soa.Checks() {
		sev := ci.Severity
		if s, ok := c.cfg.regrade[ci.ID]; ok {
			sev = s
		}
		st := rules.RuleStats{RuleID: ci.ID, Clause: ci.Clause, Severity: sev, Disabled: soaDisabled[ci.ID]}
		if !st.Disabled {
			st.Evaluated = 1 // the statement as a whole
		}
		soaStats = append(soaStats, st)
	}
	for i := range soaStats {
		stats[soaStats[i].RuleID] = &soaStats[i]
	}
	var extra []rules.Finding
	for _, f := range soaFindings {
		st := stats[f.RuleID]
		if st == nil {
			st = &rules.RuleStats{RuleID: f.RuleID, Clause: f.Clause, Severity: f.Severity, Evaluated: 1}
			soaStats = append(soaStats, *st)
			st = &soaStats[len(soaStats)-1]
			// Re-point the map entries after a possible reallocation.
			for i := range soaStats {
				stats[soaStats[i].RuleID] = &soaStats[i]
			}
		}
		if st.Disabled {
			continue
		}
		if w := soaWaivers[waiverKey{f.RuleID, f.Subject}]; w != nil {
			if asOf.Before(w.Expires) {
				st.Waived++
				continue
			}
			extra = append(extra, rules.Finding{RuleID: rules.WaiverExpiredRuleID, Clause: f.Clause,
				Severity: rules.Observation, Subject: f.Subject,
				Message: fmt.Sprintf("the waiver of rule %s for %s expired on %s; the finding applies again",
					f.RuleID, f.Subject, w.Expires.UTC().Format(time.DateOnly))})
		}
		f.Severity = st.Severity
		st.Failed++
		extra = append(extra, f)
	}
	// Both lists are sorted; merge rather than sort the whole again.
	slices.SortStableFunc(extra, rules.CompareFindings)
	rep.Findings = mergeFindings(res.Findings, extra)
	rep.Rules = append(rep.Rules, soaStats...)
	slices.SortStableFunc(rep.Rules, func(a, b rules.RuleStats) int {
		if c := rules.CompareClauses(a.Clause, b.Clause); c != 0 {
			return c
		}
		return rules.NaturalCompare(a.RuleID, b.RuleID)
	})
	if rep.Findings == nil {
		rep.Findings = []rules.Finding{}
	}
	rep.Details = rep.Findings
	rep.Findings = groupFindings(rep.Details, parallelFindingsMin)
	for _, s := range rules.Severities() {
		n := 0
		for _, f := range rep.Findings {
			if f.Severity == s {
				n++
			}
		}
		rep.Counts = append(rep.Counts, SeverityCount{Severity: s, Count: n})
	}
	for _, st := range rep.Rules {
		if st.Disabled {
			continue
		}
		if len(rep.Clauses) == 0 || rep.Clauses[len(rep.Clauses)-1].Clause != st.Clause {
			rep.Clauses = append(rep.Clauses, ClauseStats{Clause: st.Clause})
		}
		cs := &rep.Clauses[len(rep.Clauses)-1]
		cs.Rules++
		if st.Passed() {
			cs.Passed++
		} else {
			cs.Failed++
		}
	}
	return rep, nil
}

// builtinIDs holds the IDs of the built-in rules.
var builtinIDs = func() map[string]bool {
	m := make(map[string]bool, len(builtin))
	for _, r := range builtin {
		m[r.ID] = true
	}
	return m
}()

// clauses2013 holds the 2013 clause of the built-in rules whose clause
// differs in more than the 10.1/10.2 swap: 2013 has no sub-clauses in
// 9.2 and 9.3 (its 9.2 c), e) and f) are 2022's 9.2.2, 9.2.2 c) and
// 9.2.2 e)), and the policy review is control A.5.1.2.
var clauses2013 = map[string]string{
	"5.2-policy-review":          "A.5.1.2",
	"9.2-audit-held":             "9.2",
	"9.2-programme-coverage":     "9.2 c)",
	"9.2-auditor-independence":   "9.2 e)",
	"9.2-report-top-management":  "9.2 f)",
	"9.3-review-held":            "9.3",
	"9.3-review-top-management":  "9.3",
	"9.3-review-inputs":          "9.3",
	"9.3-review-outputs":         "9.3",
	"9.3-review-actions-overdue": "9.3",
}

// only2022 lists the built-in rules for requirements 27001:2013 does not
// have: 4.2 c), 6.3 and the process criteria of 8.1.
var only2022 = []string{"4.2-requirements-addressed", "6.3-change-plan", "8.1-process-criteria"}

// notApplicableRules returns the built-in rules edition e does not have,
// sorted.
func notApplicableRules(e soa.Edition) []string {
	if e != soa.Edition2013 {
		return nil
	}
	return slices.Clone(only2022)
}

// ruleClause2013 returns the 2013 clause of built-in rule id, whose 2022
// clause is c.
func ruleClause2013(id, c string) string {
	if c13, ok := clauses2013[id]; ok {
		return c13
	}
	return clause2013(c)
}

// ncRules are the rules about handling a nonconformity; their findings
// take the grade of the audit finding the nonconformity came from.
var ncRules = []string{"10.2-nc-correction", "10.2-nc-cause", "10.2-nc-action",
	"10.2-nc-action-overdue", "10.2-nc-effectiveness"}

// gradeByAuditFinding gives the first finding (in clause order) of
// ncRules about a nonconformity the severity of the audit finding behind
// it, when that is a major or minor one: a major audit finding left
// unhandled stays one major, not one per missing step. A Regrade of the
// rule by the caller wins. fs is in rules.CompareFindings order. It
// returns the indexes of the findings it regraded.
func gradeByAuditFinding(sys *System, fs []rules.Finding, regrade map[string]rules.Severity) []int {
	var regraded []int
	var ncs map[string]*Nonconformity
	graded := map[string]bool{}
	for i := range fs {
		f := &fs[i]
		if f.Subject.Kind != "nonconformity" || !slices.Contains(ncRules, f.RuleID) {
			continue
		}
		if _, ok := regrade[f.RuleID]; ok {
			continue
		}
		if ncs == nil {
			ncs = make(map[string]*Nonconformity, len(sys.Nonconformities))
			for j := range sys.Nonconformities {
				ncs[sys.Nonconformities[j].ID] = &sys.Nonconformities[j]
			}
		}
		nc := ncs[f.Subject.ID]
		if nc == nil || nc.Audit == "" || nc.Finding == "" || graded[nc.ID] {
			continue
		}
		if sev := auditFindingSeverity(sys, nc.Audit, nc.Finding); sev == rules.Major || sev == rules.Minor {
			f.Severity = sev
			graded[nc.ID] = true
			regraded = append(regraded, i)
		}
	}
	return regraded
}

// sortedAround reports whether fs is in rules.CompareFindings order,
// given that it was before the findings at the indexes touched changed:
// a list is sorted when each finding is in order with the next, and only
// pairs with a changed finding can be out of order.
func sortedAround(fs []rules.Finding, touched []int) bool {
	for _, i := range touched {
		if i > 0 && rules.CompareFindings(fs[i-1], fs[i]) > 0 {
			return false
		}
		if i+1 < len(fs) && rules.CompareFindings(fs[i], fs[i+1]) > 0 {
			return false
		}
	}
	return true
}

func auditFindingSeverity(sys *System, audit, finding string) rules.Severity {
	for i := range sys.Audits {
		if sys.Audits[i].ID != audit {
			continue
		}
		for _, af := range sys.Audits[i].Findings {
			if af.ID == finding {
				return af.Severity
			}
		}
	}
	return 0
}

// groupFindings folds the findings of one rule, clause and severity into
// one finding that lists its instances. fs is sorted by
// rules.CompareFindings, so each group is a run; the result keeps that
// order.
func groupFindings(fs []rules.Finding, parallelMin int) []rules.Finding {
	type run struct{ lo, hi int }
	var runs []run
	for i := 0; i < len(fs); {
		j := i + 1
		for j < len(fs) && fs[j].RuleID == fs[i].RuleID && fs[j].Clause == fs[i].Clause {
			j++
		}
		runs = append(runs, run{i, j})
		i = j
	}
	// A register's worth of findings folds into a few dozen groups, and
	// folding a long run (listing its instances) is much of the work of a
	// large check: goroutines share the runs, each writing only its own
	// slot, and the slots are joined in order.
	grouped := make([][]rules.Finding, len(runs))
	workers := 1
	if len(fs) >= parallelMin {
		workers = min(runtime.GOMAXPROCS(0), len(runs))
	}
	if workers <= 1 {
		for k, r := range runs {
			grouped[k] = groupRun(fs[r.lo:r.hi])
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for k := int(next.Add(1) - 1); k < len(runs); k = int(next.Add(1) - 1) {
					grouped[k] = groupRun(fs[runs[k].lo:runs[k].hi])
				}
			})
		}
		wg.Wait()
	}
	var out []rules.Finding
	for _, g := range grouped {
		out = append(out, g...)
	}
	slices.SortStableFunc(out, rules.CompareFindings)
	return out
}

// groupExamples is how many instances a grouped finding quotes in full;
// the rest it names by subject ID.
const groupExamples = 3

// groupNamed is how many further instances a grouped finding's message
// names by subject ID; it counts the rest.
const groupNamed = 20

// groupRun groups one rule's findings by severity, most serious first.
// It copies no finding but the first of each group, and keeps the
// messages only of the instances the group's message quotes.
func groupRun(run []rules.Finding) []rules.Finding {
	// Count each severity's findings in one pass over the run.
	sevs := rules.Severities()
	count := make([]int, len(sevs))
	firstAt := make([]int, len(sevs))
	for k := range run {
		if s := slices.Index(sevs, run[k].Severity); s >= 0 {
			if count[s] == 0 {
				firstAt[s] = k
			}
			count[s]++
		}
	}
	var out []rules.Finding
	for s, sev := range sevs {
		n, first := count[s], firstAt[s]
		switch n {
		case 0:
			continue
		case 1:
			out = append(out, run[first])
			continue
		}
		f := run[first]
		// The group's subject keeps the kind (a rule reports on one kind
		// of record) and drops the ID; Instances names each one.
		f.Instances = make([]rules.Subject, 0, n)
		msgs := make([]string, 0, min(n, groupExamples))
		// A message names at most groupNamed more subjects: one rule over
		// 100k risks must not write a megabyte of IDs into a sentence.
		// Instances lists every one.
		ids := make([]string, 0, min(max(n-groupExamples, 0), groupNamed))
		for k := first; k < len(run); k++ {
			x := &run[k]
			if x.Severity != sev {
				continue
			}
			switch i := len(f.Instances); {
			case i < groupExamples:
				msgs = append(msgs, x.Message)
			case i < groupExamples+groupNamed:
				ids = append(ids, x.Subject.ID)
			}
			f.Instances = append(f.Instances, x.Subject)
		}
		f.Subject.ID = ""
		f.Message = fmt.Sprintf("%d instances: %s", n, strings.Join(msgs, "; "))
		if rest := n - groupExamples; rest > 0 {
			f.Message += fmt.Sprintf("; and %d more: %s", rest, strings.Join(ids, ", "))
			if rest > groupNamed {
				f.Message += fmt.Sprintf(" and %d others", rest-groupNamed)
			}
		}
		out = append(out, f)
	}
	return out
}

// clause2013 maps a 2022 clause reference to its 2013 number.
func clause2013(c string) string {
	switch {
	case c == "10.1" || strings.HasPrefix(c, "10.1 "):
		return "10.2" + c[4:]
	case c == "10.2" || strings.HasPrefix(c, "10.2 "):
		return "10.1" + c[4:]
	}
	return c
}

// criteriaDefined reports whether the system records risk criteria at all.
func criteriaDefined(c *risk.Criteria) bool {
	return c.ID != "" || c.LevelRule != "" || c.AcceptanceRule != "" || len(c.Levels) > 0 ||
		len(c.Dimensions) > 0 || c.Likelihood.Discrete() || c.Consequence.Discrete()
}

// mergeFindings merges two lists sorted by rules.CompareFindings; on
// equal findings a's come first. b is short (the soa checks' findings)
// and a may be long (a million risks give millions of findings): each of
// b's findings finds its place in a by binary search, and a is copied in
// runs, by several goroutines when it is long, since copying findings is
// much of the cost of a large check.
func mergeFindings(a, b []rules.Finding) []rules.Finding {
	if len(b) == 0 {
		return a
	}
	out := make([]rules.Finding, len(a)+len(b))
	// b[j] goes before a[at[j]], the first of a that sorts after it.
	at := make([]int, len(b))
	i := 0
	for j := range b {
		i += sort.Search(len(a)-i, func(k int) bool { return rules.CompareFindings(b[j], a[i+k]) < 0 })
		at[j] = i
		out[i+j] = b[j]
	}
	// copyRange copies a[lo:hi] to out: a[i] moves up by the number of
	// b's findings placed before it.
	copyRange := func(lo, hi int) {
		for i := lo; i < hi; {
			shift := sort.SearchInts(at, i+1) // how many at[j] <= i
			end := hi
			if shift < len(at) {
				end = min(hi, at[shift])
			}
			copy(out[i+shift:end+shift], a[i:end])
			i = end
		}
	}
	workers := 1
	if len(a) >= parallelFindingsMin {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers == 1 {
		copyRange(0, len(a))
		return out
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { copyRange(w*len(a)/workers, (w+1)*len(a)/workers) })
	}
	wg.Wait()
	return out
}

// parallelFindingsMin is how many findings mergeFindings and
// groupFindings handle before they share the work among goroutines.
const parallelFindingsMin = 1 << 16

// waiverKey identifies the finding a waiver is for: a map of them makes
// matching linear in the waivers and findings.
type waiverKey struct {
	rule    string
	subject rules.Subject
}

// cancelled returns the error of a done ctx, as the rule set reports it.
func cancelled(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("isms: %w", &rules.LimitError{Limit: rules.LimitContext, Cause: context.Cause(ctx)})
}

// explainFailures appends the reason to the findings of
// 6.1.2-risk-analysed about risks on which a criteria rule failed, and
// returns the indexes of those findings.
func explainFailures(fs []rules.Finding, as *risk.Assessment) []int {
	if as.Summary.Failed == 0 {
		return nil
	}
	var explained []int
	reasons := map[string]string{}
	for i := range as.Results {
		if r := &as.Results[i]; r.Status == risk.Failed {
			reasons[r.ID] = r.Error
		}
	}
	for i := range fs {
		if fs[i].RuleID == ruleRiskAnalysed {
			if why, ok := reasons[fs[i].Subject.ID]; ok {
				fs[i].Message += ": " + why
				explained = append(explained, i)
			}
		}
	}
	return explained
}

// ruleRiskAnalysed is the built-in rule that reports risks without a
// usable analysis.
const ruleRiskAnalysed = "6.1.2-risk-analysed"

func firstPeriod(p, def rules.Period) rules.Period {
	if p.IsZero() {
		return def
	}
	return p
}

func mapKeysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// views builds the risk and action subjects from the register and its
// assessment.
func views(sys *System, as *risk.Assessment) ([]RiskView, []ActionView) {
	risks := sys.Register.Risks
	rv := make([]RiskView, len(risks))
	n, idLen := 0, 0
	for i := range risks {
		if t := risks[i].Treatment; t != nil {
			n += len(t.Actions)
			for j := range t.Actions {
				idLen += len(risks[i].ID) + 1 + len(t.Actions[j].ID)
			}
		}
	}
	// The action views' IDs are slices of one string rather than a
	// string each.
	var ids strings.Builder
	ids.Grow(idLen)
	for i := range risks {
		if t := risks[i].Treatment; t != nil {
			for j := range t.Actions {
				ids.WriteString(risks[i].ID)
				ids.WriteByte('/')
				ids.WriteString(t.Actions[j].ID)
			}
		}
	}
	allIDs, off := ids.String(), 0
	av := make([]ActionView, 0, n)
	res := resultFinder{results: as.Results}
	for i := range risks {
		r := &risks[i]
		v := RiskView{ID: r.ID, Entry: r, Status: risk.NotAnalysed}
		if res := res.find(r.ID); res != nil {
			v.Status = res.Status
			if res.Inherent != nil {
				v.Level, v.Acceptable = res.Inherent.Level, res.Inherent.Acceptable
			}
			if res.Residual != nil {
				v.ResidualLevel, v.ResidualAcceptable = res.Residual.Level, res.Residual.Acceptable
			}
		}
		rv[i] = v
		if r.Treatment != nil {
			for j := range r.Treatment.Actions {
				a := &r.Treatment.Actions[j]
				end := off + len(r.ID) + 1 + len(a.ID)
				av = append(av, ActionView{ID: allIDs[off:end], Risk: r.ID, Action: a})
				off = end
			}
		}
	}
	return rv, av
}

// resultFinder finds the result of a risk by ID in an assessment of a
// validated register, whose risk IDs are unique. The results are in
// priority order, but long stretches of them (the risks not analysed,
// say) often follow the register's order: it tries the result after the
// last one found before it builds and asks a map.
type resultFinder struct {
	results []risk.RiskResult
	next    int // the result after the last one found
	byID    map[string]int
}

func (f *resultFinder) find(id string) *risk.RiskResult {
	if f.next < len(f.results) && f.results[f.next].ID == id {
		f.next++
		return &f.results[f.next-1]
	}
	if len(f.results) == 0 {
		return nil
	}
	if f.byID == nil {
		f.byID = make(map[string]int, len(f.results))
		for k := range f.results {
			f.byID[f.results[k].ID] = k
		}
	}
	k, ok := f.byID[id]
	if !ok {
		return nil
	}
	f.next = k + 1
	return &f.results[k]
}

// mandatoryViews lists every mandatory documented-information item with
// the documents that cover it.
func mandatoryViews(sys *System, e soa.Edition) []MandatoryView {
	items := MandatoryItems()
	out := make([]MandatoryView, len(items))
	idx := map[MandatoryItem]int{}
	for i, it := range items {
		out[i] = MandatoryView{ID: string(it), Clause: it.Clause(e), Documents: []string{}}
		idx[it] = i
	}
	for i := range sys.Documents {
		for _, it := range sys.Documents[i].Covers {
			if j, ok := idx[it]; ok && !slices.Contains(out[j].Documents, sys.Documents[i].ID) {
				out[j].Documents = append(out[j].Documents, sys.Documents[i].ID)
			}
		}
	}
	for i := range out {
		slices.SortFunc(out[i].Documents, rules.NaturalCompare)
	}
	return out
}

// auditGaps lists the processes and included controls that no audit
// within the programme's cycle (P12M when unset) covered, sorted.
func auditGaps(sys *System, asOf time.Time) []string {
	cycle := auditCycle(sys)
	procs, ctrls := map[string]bool{}, map[string]bool{}
	for i := range sys.Audits {
		a := &sys.Audits[i]
		// Planned audits (dated after asOf) have covered nothing yet.
		if a.Date.IsZero() || a.Date.After(asOf) || cycle.AddTo(a.Date).Before(asOf) {
			continue
		}
		for _, p := range a.Scope.Processes {
			procs[p] = true
		}
		for _, c := range a.Scope.Controls {
			ctrls[c] = true
		}
	}
	var gaps []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			gaps = append(gaps, s)
		}
	}
	for i := range sys.Processes {
		if id := sys.Processes[i].ID; !procs[id] {
			add("process " + id)
		}
	}
	for _, e := range sys.SoA.Entries {
		if e.Decision == soa.Included && !ctrls[e.ControlID] {
			add("control " + e.ControlID)
		}
	}
	for _, id := range sys.AuditProgramme.Controls {
		if !ctrls[id] {
			add("control " + id)
		}
	}
	slices.SortFunc(gaps, rules.NaturalCompare)
	if gaps == nil {
		gaps = []string{}
	}
	return gaps
}

// auditCycle is the audit programme's cycle, P12M when unset.
func auditCycle(sys *System) rules.Period {
	return firstPeriod(sys.AuditProgramme.Cycle, rules.Months(12))
}

// assessedCount counts the risks the assessment could rate.
func assessedCount(as *risk.Assessment) int64 {
	var n int64
	for i := range as.Results {
		if as.Results[i].Status == risk.Assessed {
			n++
		}
	}
	return n
}

// objectiveStatus sorts the objectives that name a measure and a
// direction into those whose latest result (dated by asOf) meets the
// target and those whose latest result misses it. Objectives without such
// a result are in neither list. Both lists are sorted.
func objectiveStatus(sys *System, asOf time.Time) (met, missed []string) {
	met, missed = []string{}, []string{}
	measures := make(map[string]*Measure, len(sys.Measures))
	for i := range sys.Measures {
		measures[sys.Measures[i].ID] = &sys.Measures[i]
	}
	for i := range sys.Objectives {
		o := &sys.Objectives[i]
		m := measures[o.Measure.Measure]
		if m == nil || !o.Measure.Direction.Valid() {
			continue
		}
		var latest *MeasureResult
		for j := range m.Results {
			r := &m.Results[j]
			if r.Date.IsZero() || r.Date.After(asOf) {
				continue
			}
			// On equal dates the larger value wins, so the choice does not
			// depend on the order of the results.
			if latest == nil || r.Date.After(latest.Date) ||
				(r.Date.Equal(latest.Date) && r.Value.GreaterThan(latest.Value)) {
				latest = r
			}
		}
		if latest == nil {
			continue
		}
		if o.Measure.Direction.Met(latest.Value, o.Measure.Target) {
			met = append(met, o.ID)
		} else {
			missed = append(missed, o.ID)
		}
	}
	slices.SortFunc(met, rules.NaturalCompare)
	slices.SortFunc(missed, rules.NaturalCompare)
	return met, missed
}
