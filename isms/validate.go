package isms

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

// ErrInvalid is matched, with errors.Is, by every error Validate returns.
var ErrInvalid = errors.New("isms: invalid system")

// FieldError is one problem Validate found: the JSON field path of the
// offending value, such as "roles[2].holders[0]", and what is wrong with
// it. It matches ErrInvalid.
type FieldError struct {
	Path    string
	Message string
}

// Error returns "path: message".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// Is reports whether target is ErrInvalid.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Validate checks that the snapshot is well formed and returns every
// problem at once, as errors.Join of *FieldError values sorted by path
// (runs of digits compared as numbers, so items[2] comes before
// items[10]) and then by message; nil when there is none. It never
// changes s.
//
// It checks that:
//   - every record of a list has an ID, unique among the records of its
//     kind (risks in the register and in ISMSRisks share one namespace,
//     and so do changes in ISMSChanges and OperationalChanges, the policy
//     and the topic-specific policies, and all actions wherever they
//     occur). Exceptions: the top-level policy's ID and a requirement's
//     ID are optional (a requirement's is unique within its party), audit
//     findings are unique within their audit, and SoA entries are keyed
//     by control, one entry per control;
//   - every reference resolves: people, roles, interested parties,
//     issues, scope units, policies, risks, actions, objectives,
//     documents, processes, suppliers, measures, audits and their
//     findings, nonconformities, and controls (Annex A of the system's
//     edition, or custom controls declared in SoA.Custom). Approvals are
//     given by people (risk.Approval.By is a person ID, Role a role ID);
//   - enumerations hold known values (empty means not recorded and is
//     accepted), and the aspect of an issue and the category of an
//     interested party agree with its origin;
//   - the SoA is for the system's edition, and the register holds no
//     ISMS-level risks (they belong in ISMSRisks);
//   - periods are well formed, every decimal lies within the bounds of the
//     CEL layer (rules.MaxDecimalDigits, rules.MaxDecimalScale), counts
//     are not negative and the awareness target is a fraction.
//
// Whether the ISMS conforms (a missing scope, an overdue review) is the
// business of the conformance rules, not of Validate.
func (s *System) Validate() error { return s.validate(context.Background(), parallelDeclareMin) }

// validate is Validate; ctx is looked at between risks, and once it is
// done validate gives up with Check's cancellation error. A register of
// parallelMin risks or more is declared by two goroutines (see
// declareRegister).
func (s *System) validate(ctx context.Context, parallelMin int) error {
	if s == nil {
		return errors.Join(&FieldError{Message: "no system"})
	}
	// The same walk runs in up to three passes: the first declares IDs,
	// a second (only when an ID is duplicated) finds where each duplicate
	// was first declared, the last checks values and resolves references
	// on the spot. Nothing is stored per reference, and a path is put
	// together only for a problem, so a large valid system validates
	// with few allocations.
	v := newValidator(s)
	v.ctx = ctx
	v.parallelMin = parallelMin
	errs := v.run()
	if v.stopped {
		return cancelled(ctx)
	}
	if len(errs) == 0 {
		return nil
	}
	slices.SortFunc(errs, func(a, b *FieldError) int {
		if c := rules.NaturalCompare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	joined := make([]error, len(errs))
	for i, e := range errs {
		joined[i] = e
	}
	return errors.Join(joined...)
}

// kind is a set of record kinds a reference may point to.
type kind uint32

// The kinds, in the order their names appear in messages such as
// "unknown person or role".
const (
	kPerson kind = 1 << iota
	kParty
	kRole
	kIssue
	kPolicy
	kRisk
	kAction
	kObjective
	kChange
	kDocument
	kProcess
	kUnit
	kSupplier
	kMeasure
	kAudit
	kNonconformity
	kLeadership
	kResource
	kSession
	kCommunication
	kAssessment
	kTreatmentResult
	kReview
	kDecision
	kImprovement
	kCustomControl
	kControl // resolved against the catalog and the custom controls
	numKinds = iota
)

var kindNames = [numKinds]string{
	"person", "interested party", "role", "issue", "policy", "risk", "action",
	"objective", "change", "document", "process", "scope unit", "supplier", "measure",
	"audit", "nonconformity", "leadership evidence", "resource", "awareness session",
	"communication", "risk assessment", "treatment result", "management review",
	"review decision", "improvement", "custom control", "control",
}

// String names the kinds of k, joined with "or".
func (k kind) String() string {
	var names []string
	for i := range numKinds {
		if k&(1<<i) != 0 {
			names = append(names, kindNames[i])
		}
	}
	return strings.Join(names, " or ")
}

// Common reference targets.
const (
	kOwner    = kPerson | kRole // "person or role"
	kAudience = kParty | kRole  // "interested party or role"
	kArea     = kProcess | kUnit
)

type validator struct {
	s    *System
	errs []*FieldError
	mode mode
	// ids holds, per kind, the declared IDs.
	ids [numKinds]map[string]struct{}
	// dups are the duplicate IDs found while declaring; firstAt receives
	// the path of each one's first declaration in the locating pass.
	dups    []duplicate
	firstAt map[dupKey]string
	// catalog is the Annex A catalog of the system's edition, nil when the
	// edition is unknown.
	catalog *soa.Catalog
	annexA  map[string]bool // control ID → known (catalog or custom), memoized while checking
	// auditFindings holds the finding IDs of each audit, by audit ID.
	auditFindings map[string]map[string]bool

	ctx context.Context // nil, or Check's context
	// parallelMin is the size of register from which declareRegister
	// declares it.
	parallelMin int
	stopped     bool // ctx was done: the walk is incomplete
}

// cancelled reports whether the walk should stop because ctx is done,
// asking ctx on every 1024th item i only.
func (v *validator) cancelled(i int) bool {
	if !v.stopped && i%1024 == 0 && v.ctx.Err() != nil {
		v.stopped = true
	}
	return v.stopped
}

// mode is the pass the validator is in. Every pass runs the same walk.
type mode uint8

const (
	declaring mode = iota // record IDs and report missing or duplicate ones
	locating              // find where each duplicated ID was first declared
	checking              // check values and references
)

type dupKey struct {
	k  kind
	id string
}

type duplicate struct {
	dupKey
	at loc
}

func newValidator(s *System) *validator {
	v := &validator{s: s, auditFindings: map[string]map[string]bool{}, annexA: map[string]bool{}}
	for i := range v.ids {
		v.ids[i] = map[string]struct{}{}
	}
	// The register dominates large systems; size its maps up front.
	v.ids[index(kRisk)] = make(map[string]struct{}, len(s.Register.Risks)+len(s.ISMSRisks))
	v.ids[index(kAction)] = make(map[string]struct{}, len(s.Register.Risks))
	return v
}

// run performs the passes and returns the problems found.
func (v *validator) run() []*FieldError {
	v.mode = declaring
	v.walk()
	if len(v.dups) > 0 {
		v.firstAt = make(map[dupKey]string, len(v.dups))
		for _, d := range v.dups {
			v.firstAt[d.dupKey] = ""
		}
		v.mode = locating
		v.walk()
		for _, d := range v.dups {
			v.errs = append(v.errs, &FieldError{Path: d.at.at(".id").String(),
				Message: fmt.Sprintf("duplicate %s ID %q (first at %s)", d.k, d.id, v.firstAt[d.dupKey])})
		}
	}
	v.mode = checking
	v.walk()
	return v.errs
}

// addf records a problem found while checking.
func (v *validator) addf(p loc, format string, args ...any) {
	if v.mode == checking {
		v.errs = append(v.errs, &FieldError{Path: p.String(), Message: fmt.Sprintf(format, args...)})
	}
}

// index returns the position of a single kind in validator.ids.
func index(k kind) int { return bits.TrailingZeros32(uint32(k)) }

// declare records the ID of a record of kind k found at p.
func (v *validator) declare(k kind, p loc, id string) {
	switch v.mode {
	case declaring:
		declareIn(v.ids[index(k)], k, p, id, &v.errs, &v.dups)
	case locating:
		key := dupKey{k, id}
		if first, ok := v.firstAt[key]; ok && first == "" {
			v.firstAt[key] = p.String()
		}
	}
}

// declareIn is declare while declaring, into the IDs m of kind k, with
// the problems going to errs and dups.
func declareIn(m map[string]struct{}, k kind, p loc, id string, errs *[]*FieldError, dups *[]duplicate) {
	if id == "" {
		*errs = append(*errs, &FieldError{Path: p.at(".id").String(), Message: "missing ID"})
		return
	}
	// One insertion hashes id once; a lookup first would hash it twice
	// for every new ID. The map grows only for a new one.
	n := len(m)
	m[id] = struct{}{}
	if len(m) == n {
		*dups = append(*dups, duplicate{dupKey{k, id}, p})
	}
}

// ref checks, while checking, that the reference at p resolves. An empty
// id means "not set" and is accepted.
func (v *validator) ref(p loc, id string, to kind) {
	if v.mode != checking || id == "" || v.exists(id, to) {
		return
	}
	v.addf(p, "unknown %s %q%s", to, id, v.hint(to))
}

// refList checks a list of references at p; an empty entry is an error.
func (v *validator) refList(p loc, ids []string, to kind) {
	if v.mode != checking {
		return
	}
	for i, id := range ids {
		switch {
		case id == "":
			v.addf(p.idx(i), "empty %s reference", to)
		case !v.exists(id, to):
			v.addf(p.idx(i), "unknown %s %q%s", to, id, v.hint(to))
		}
	}
}

// required checks a reference that must be set.
func (v *validator) required(p loc, id string, to kind) {
	if id == "" {
		v.addf(p, "missing %s", to)
		return
	}
	v.ref(p, id, to)
}

func (v *validator) exists(id string, to kind) bool {
	// Visit only the kinds in to, lowest bit first.
	for rest := to; rest != 0; rest &= rest - 1 {
		i := bits.TrailingZeros32(uint32(rest))
		if i >= numKinds {
			break
		}
		if kind(1<<i) == kControl {
			if v.controlExists(id) {
				return true
			}
			continue
		}
		if _, ok := v.ids[i][id]; ok {
			return true
		}
	}
	return false
}

func (v *validator) controlExists(id string) bool {
	// A system names few distinct controls many times over; judge each
	// once, since a catalog lookup copies the control. References are
	// resolved only while checking, when the custom controls are all
	// declared, so the answer does not change.
	known, seen := v.annexA[id]
	if !seen {
		known = v.controlKnown(id)
		v.annexA[id] = known
	}
	return known
}

func (v *validator) controlKnown(id string) bool {
	if _, ok := v.ids[index(kCustomControl)][id]; ok {
		return true
	}
	if v.catalog == nil {
		// The edition is unknown and reported; judge only custom IDs.
		return !soa.IsCustomID(id)
	}
	_, known := v.catalog.Control(id)
	return known
}

func (v *validator) hint(to kind) string {
	if to != kControl || v.catalog == nil {
		return ""
	}
	return fmt.Sprintf(" (neither in Annex A %s nor among the SoA's custom controls)", v.catalog.Edition())
}

// enum reports a value outside all; the empty value is accepted.
func enum[T ~string](v *validator, p loc, val T, what string, all []T) {
	if v.mode != checking || val == "" || slices.Contains(all, val) {
		return
	}
	names := make([]string, len(all))
	for i, a := range all {
		names[i] = string(a)
	}
	v.addf(p, "unknown %s %q (want %s)", what, val, orList(names))
}

// enumList reports the entries of vals outside all, the empty one
// included.
func enumList[T ~string](v *validator, p loc, vals []T, what string, all []T) {
	if v.mode != checking {
		return
	}
	for i, val := range vals {
		if !slices.Contains(all, val) {
			v.addf(p.idx(i), "unknown %s %q", what, val)
		}
	}
}

func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// decimalProblem describes why d lies beyond the CEL layer's bounds, or
// returns "". It looks only at the exponent and the digit count, so that
// a hostile value such as 1e999999999 costs nothing to reject.
func decimalProblem(d decimal.Decimal) string {
	if e := d.Exponent(); e > rules.MaxDecimalScale || e < -rules.MaxDecimalScale {
		return fmt.Sprintf("number out of range: the exponent must lie within ±%d", rules.MaxDecimalScale)
	}
	if d.NumDigits() > rules.MaxDecimalDigits {
		return fmt.Sprintf("number out of range: at most %d digits", rules.MaxDecimalDigits)
	}
	return ""
}

// decimal reports a number beyond the CEL layer's bounds and returns
// whether d is within them.
func (v *validator) decimal(p loc, d decimal.Decimal) bool {
	if msg := decimalProblem(d); msg != "" {
		v.addf(p, "%s", msg)
		return false
	}
	return true
}

// count reports a number that is out of bounds or negative.
func (v *validator) count(p loc, d decimal.Decimal) {
	if v.decimal(p, d) && d.Sign() < 0 {
		v.addf(p, "must not be negative")
	}
}

func (v *validator) period(p loc, pd rules.Period) {
	if v.mode != checking || pd.IsZero() {
		return
	}
	if _, err := rules.ParsePeriod(pd.String()); err != nil {
		v.addf(p, "%v", err)
	}
}

func (v *validator) approval(p loc, a risk.Approval) {
	if a.By != "" {
		v.ref(p.at(".by"), a.By, kPerson)
	}
	if a.Role != "" {
		v.ref(p.at(".role"), a.Role, kRole)
	}
}

var actionStates = []risk.ActionStatus{risk.Planned, risk.InProgress, risk.Done, risk.Cancelled}

func (v *validator) actions(p loc, as []risk.Action) {
	for i := range as {
		a, ap := &as[i], p.idx(i)
		v.declare(kAction, ap, a.ID)
		if v.mode != checking {
			continue
		}
		if a.Owner != "" {
			v.ref(ap.at(".owner"), a.Owner, kOwner)
		}
		if a.Status != "" {
			enum(v, ap.at(".status"), a.Status, "action status", actionStates)
		}
	}
}

// actionsFine reports whether checking as (actions) would find nothing.
func (v *validator) actionsFine(as []risk.Action) bool {
	for i := range as {
		a := &as[i]
		if a.Owner != "" && !v.exists(a.Owner, kOwner) {
			return false
		}
		if a.Status != "" && !slices.Contains(actionStates, a.Status) {
			return false
		}
	}
	return true
}

// allExist reports whether checking ids (refList) would find nothing.
func (v *validator) allExist(ids []string, to kind) bool {
	for _, id := range ids {
		if id == "" || !v.exists(id, to) {
			return false
		}
	}
	return true
}

func (v *validator) effectiveness(p loc, r EffectivenessReview) {
	v.ref(p.at(".by"), r.By, kPerson)
}

// walk visits the whole system; what it does depends on the mode.
func (v *validator) walk() {
	s := v.s
	v.edition()
	v.settings()
	for i := range s.People {
		p, at := &s.People[i], field("people").idx(i)
		v.declare(kPerson, at, p.ID)
		v.refList(at.at(".roles"), p.Roles, kRole)
	}
	v.context()
	v.leadership()
	v.planning()
	v.register()
	v.soa()
	v.support()
	v.operation()
	v.evaluation()
	v.improvement()
}

func (v *validator) edition() {
	s := v.s
	e := s.EffectiveEdition()
	if !e.Valid() {
		v.catalog = nil
		v.addf(field("edition"), "unknown edition %q (want 2022 or 2013)", s.Edition)
		return
	}
	c, err := soa.CatalogFor(e)
	if err != nil { // cannot happen for a valid edition
		v.addf(field("edition"), "%v", err)
		return
	}
	v.catalog = c
}

func (v *validator) settings() {
	st := &v.s.Settings
	v.period(field("settings.reviewPeriod"), st.ReviewPeriod)
	v.period(field("settings.riskAssessmentPeriod"), st.RiskAssessmentPeriod)
	v.period(field("settings.managementReviewPeriod"), st.ManagementReviewPeriod)
	at := field("settings.awarenessTarget")
	if t := st.AwarenessTarget; v.decimal(at, t) {
		if t.Sign() < 0 || t.GreaterThan(decimal.NewFromInt(1)) {
			v.addf(at, "must be a fraction between 0 and 1, such as 0.95 for 95 %%")
		}
	}
}

func (v *validator) context() {
	s := v.s
	for i := range s.Issues {
		is, at := &s.Issues[i], field("issues").idx(i)
		v.declare(kIssue, at, is.ID)
		enum(v, at.at(".origin"), is.Origin, "origin", origins)
		enum(v, at.at(".aspect"), is.Aspect, "aspect", Aspects(""))
		if o := is.Aspect.Origin(); o != "" && is.Origin.Valid() && o != is.Origin {
			v.addf(at.at(".aspect"), "aspect %q is %s, but the issue is %s", is.Aspect, o, is.Origin)
		}
	}
	for i := range s.Parties {
		p, at := &s.Parties[i], field("parties").idx(i)
		v.declare(kParty, at, p.ID)
		enum(v, at.at(".origin"), p.Origin, "origin", origins)
		enum(v, at.at(".category"), p.Category, "party category", PartyCategories(""))
		if o := p.Category.Origin(); o != "" && p.Origin.Valid() && o != p.Origin {
			v.addf(at.at(".category"), "category %q is %s, but the party is %s", p.Category, o, p.Origin)
		}
		if v.mode != checking {
			continue
		}
		seen := map[string]int{}
		for j := range p.Requirements {
			id := p.Requirements[j].ID
			if id == "" {
				continue
			}
			reqs := at.at(".requirements")
			if first, dup := seen[id]; dup {
				v.addf(reqs.idx(j).at(".id"), "duplicate requirement ID %q (first at %s)", id, reqs.idx(first))
				continue
			}
			seen[id] = j
		}
	}

	sc, at := &v.s.Scope, field("scope")
	for i := range sc.Boundaries {
		enum(v, at.at(".boundaries").idx(i).at(".kind"), sc.Boundaries[i].Kind, "boundary kind", BoundaryKinds())
	}
	for i := range sc.Interfaces {
		in, ip := &sc.Interfaces[i], at.at(".interfaces").idx(i)
		enum(v, ip.at(".kind"), in.Kind, "boundary kind", BoundaryKinds())
		v.ref(ip.at(".party"), in.Party, kParty)
		v.ref(ip.at(".supplier"), in.Supplier, kSupplier)
	}
	for i := range sc.Units {
		u, up := &sc.Units[i], at.at(".units").idx(i)
		v.declare(kUnit, up, u.ID)
		enum(v, up.at(".kind"), u.Kind, "boundary kind", BoundaryKinds())
		enum(v, up.at(".inclusion"), u.Inclusion, "inclusion", inclusions)
	}
	for i := range sc.Outsourced {
		o, op := &sc.Outsourced[i], at.at(".outsourced").idx(i)
		v.ref(op.at(".supplier"), o.Supplier, kSupplier)
		v.ref(op.at(".process"), o.Process, kProcess)
	}
	enum(v, at.at(".status"), sc.Status, "scope status", scopeStates)
	v.approval(at.at(".approval"), sc.Approval)
	v.ref(at.at(".document"), sc.Document, kDocument)
}

func (v *validator) leadership() {
	s := v.s
	for i := range s.Leadership {
		e, at := &s.Leadership[i], field("leadership").idx(i)
		v.declare(kLeadership, at, e.ID)
		enum(v, at.at(".kind"), e.Kind, "leadership evidence kind", leadershipKinds)
		v.ref(at.at(".by"), e.By, kPerson)
		v.ref(at.at(".document"), e.Document, kDocument)
	}
	if s.Policy.ID != "" {
		v.declare(kPolicy, field("policy"), s.Policy.ID)
	}
	v.policy(field("policy"), &s.Policy)
	for i := range s.TopicPolicies {
		at := field("topicPolicies").idx(i)
		v.declare(kPolicy, at, s.TopicPolicies[i].ID)
		v.policy(at, &s.TopicPolicies[i])
	}
	for i := range s.Roles {
		r, at := &s.Roles[i], field("roles").idx(i)
		v.declare(kRole, at, r.ID)
		enumList(v, at.at(".responsibilities"), r.Responsibilities, "responsibility", Responsibilities())
		v.refList(at.at(".holders"), r.Holders, kPerson)
		v.approval(at.at(".approval"), r.Approval)
		for j := range r.Competence.Holders {
			h, hp := &r.Competence.Holders[j], at.at(".competence.holders").idx(j)
			v.required(hp.at(".person"), h.Person, kPerson)
			for k := range h.Evidence {
				v.ref(hp.at(".evidence").idx(k).at(".document"), h.Evidence[k].Document, kDocument)
			}
			v.actions(hp.at(".actions"), h.Actions)
			v.effectiveness(hp.at(".evaluation"), h.Evaluation)
		}
	}
}

func (v *validator) policy(at loc, p *Policy) {
	v.period(at.at(".reviewInterval"), p.ReviewInterval)
	v.ref(at.at(".owner"), p.Owner, kOwner)
	v.approval(at.at(".approval"), p.Approval)
	v.refList(at.at(".audience"), p.Audience, kAudience)
	v.refList(at.at(".related"), p.Related, kPolicy)
	enumList(v, at.at(".commitments"), p.Commitments, "commitment", Commitments())
	v.refList(at.at(".objectives"), p.Objectives, kObjective)
	v.refList(at.at(".communicatedTo"), p.CommunicatedTo, kAudience)
	v.ref(at.at(".document"), p.Document, kDocument)
}

func (v *validator) planning() {
	s := v.s
	for i := range s.ISMSRisks {
		r, at := &s.ISMSRisks[i], field("ismsRisks").idx(i)
		v.declare(kRisk, at, r.ID)
		switch r.Kind {
		case "", risk.ISMSRisk, risk.ISMSOpportunity:
		case risk.InformationSecurity:
			v.addf(at.at(".kind"), "an information security risk belongs in the register, not in ismsRisks")
		default:
			v.addf(at.at(".kind"), "unknown kind %q (want %s or %s)", r.Kind, risk.ISMSRisk, risk.ISMSOpportunity)
		}
		v.refList(at.at(".issues"), r.Issues, kIssue)
		v.refList(at.at(".parties"), r.Parties, kParty)
		v.ref(at.at(".owner"), r.Owner, kOwner)
		v.actions(at.at(".actions"), r.Actions)
		v.effectiveness(at.at(".effectiveness"), r.Effectiveness)
	}
	for i := range s.Objectives {
		o, at := &s.Objectives[i], field("objectives").idx(i)
		v.declare(kObjective, at, o.ID)
		v.decimal(at.at(".measure.target"), o.Measure.Target)
		enum(v, at.at(".measure.direction"), o.Measure.Direction, "direction", directions)
		v.ref(at.at(".measure.measure"), o.Measure.Measure, kMeasure)
		v.ref(at.at(".policy"), o.Policy, kPolicy)
		v.refList(at.at(".risks"), o.Risks, kRisk)
		v.ref(at.at(".plan.responsible"), o.Plan.Responsible, kOwner)
		v.refList(at.at(".communicatedTo"), o.CommunicatedTo, kAudience)
	}
	v.changes(field("ismsChanges"), s.ISMSChanges)
	v.changes(field("operationalChanges"), s.OperationalChanges)
}

func (v *validator) changes(list loc, cs []Change) {
	for i := range cs {
		c, at := &cs[i], list.idx(i)
		v.declare(kChange, at, c.ID)
		enum(v, at.at(".kind"), c.Kind, "change kind", changeKinds)
		v.ref(at.at(".responsible"), c.Responsible, kOwner)
		enum(v, at.at(".status"), c.Status, "status", actionStates)
		v.refList(at.at(".evidence"), c.Evidence, kDocument)
	}
}

func (v *validator) register() {
	s := v.s
	v.approval(field("criteria.approval"), s.Criteria.Approval)
	if v.mode == declaring && len(s.Register.Risks) >= v.parallelMin {
		v.declareRegister()
		return
	}
	for i := range s.Register.Risks {
		if v.cancelled(i) {
			return
		}
		// The register can be huge: skip work, and building paths, for
		// what is not there.
		r, at := &s.Register.Risks[i], field("register.risks").idx(i)
		if v.mode != checking {
			v.declare(kRisk, at, r.ID)
			if r.Treatment != nil {
				v.actions(at.at(".treatment.actions"), r.Treatment.Actions)
			}
			continue
		}
		// While checking, each check below first asks whether it would
		// report anything, and only then builds the paths it needs.
		if r.Treatment != nil && !v.actionsFine(r.Treatment.Actions) {
			v.actions(at.at(".treatment.actions"), r.Treatment.Actions)
		}
		switch r.Kind {
		case "", risk.InformationSecurity:
		case risk.ISMSRisk, risk.ISMSOpportunity:
			v.addf(at.at(".kind"), "a risk or opportunity of kind %q belongs in ismsRisks, not in the register", r.Kind)
		default:
			v.addf(at.at(".kind"), "unknown risk kind %q (want %s)", r.Kind, risk.InformationSecurity)
		}
		if r.Owner != "" && !v.exists(r.Owner, kOwner) {
			v.ref(at.at(".owner"), r.Owner, kOwner)
		}
		if len(r.ExistingControls) > 0 && !v.allExist(r.ExistingControls, kControl) {
			v.refList(at.at(".existingControls"), r.ExistingControls, kControl)
		}
		if t := r.Treatment; t != nil && len(t.Controls) > 0 && !v.allExist(t.Controls, kControl) {
			v.refList(at.at(".treatment.controls"), t.Controls, kControl)
		}
		if d := &r.Decision; !d.PlanApproved.IsZero() || d.PlanApproved.Role != "" {
			v.approval(at.at(".decision.planApproved"), d.PlanApproved)
		}
		if d := &r.Decision; !d.ResidualAccepted.IsZero() || d.ResidualAccepted.Role != "" {
			v.approval(at.at(".decision.residualAccepted"), d.ResidualAccepted)
		}
	}
}

// parallelDeclareMin is the size of register from which declareRegister
// declares its risks and its actions side by side.
const parallelDeclareMin = 1 << 14

// declareRegister is register while declaring, for a large register:
// one goroutine declares the risks, another their treatments' actions.
// Each fills its own map in walk order, so they find the IDs and the
// duplicates the walk does; the problems are sorted in the end. Either
// stops once ctx is done.
func (v *validator) declareRegister() {
	risks := v.s.Register.Risks
	var errs []*FieldError
	var dups []duplicate
	stopped := false
	done := make(chan struct{})
	go func() {
		defer close(done)
		m := v.ids[index(kAction)]
		for i := range risks {
			if i%1024 == 0 && v.ctx.Err() != nil {
				stopped = true
				return
			}
			t := risks[i].Treatment
			if t == nil {
				continue
			}
			at := field("register.risks").idx(i).at(".treatment.actions")
			for j := range t.Actions {
				declareIn(m, kAction, at.idx(j), t.Actions[j].ID, &errs, &dups)
			}
		}
	}()
	m := v.ids[index(kRisk)]
	for i := range risks {
		if v.cancelled(i) {
			break
		}
		declareIn(m, kRisk, field("register.risks").idx(i), risks[i].ID, &v.errs, &v.dups)
	}
	<-done
	v.errs = append(v.errs, errs...)
	v.dups = append(v.dups, dups...)
	v.stopped = v.stopped || stopped
}

func (v *validator) soa() {
	st, at := &v.s.SoA, field("soa")
	if e := v.s.EffectiveEdition(); st.Edition != "" && e.Valid() && st.Edition != e {
		v.addf(at.at(".edition"), "the SoA is for edition %q but the system follows edition %q", st.Edition, e)
	}
	v.approval(at.at(".approval"), st.Approval)
	for i := range st.Custom {
		c, cp := &st.Custom[i], at.at(".custom").idx(i)
		if c.ID != "" && !soa.IsCustomID(c.ID) {
			v.addf(cp.at(".id"), `custom control ID %q must be "C-" followed by letters, digits, '.', '_' or '-'`, c.ID)
			continue
		}
		v.declare(kCustomControl, cp, c.ID)
	}
	if v.mode != checking {
		return
	}
	entries := map[string]int{}
	for i := range st.Entries {
		e, ep := &st.Entries[i], at.at(".entries").idx(i)
		v.required(ep.at(".controlId"), e.ControlID, kControl)
		key := e.ControlID
		if v.catalog != nil {
			if c, ok := v.catalog.Control(key); ok {
				key = c.ID // "A.5.1" and "5.1" are the same control
			}
		}
		if first, dup := entries[key]; dup && key != "" {
			v.addf(ep.at(".controlId"), "duplicate entry for control %q (first at %s)", e.ControlID, at.at(".entries").idx(first))
		} else {
			entries[key] = i
		}
		j := &e.Justification
		v.refList(ep.at(".justification.risks"), j.Risks, kRisk)
		v.refList(ep.at(".justification.actions"), j.Actions, kAction)
		v.ref(ep.at(".justification.obviatedBy"), j.ObviatedBy, kCustomControl)
		v.ref(ep.at(".owner"), e.Owner, kOwner)
	}
}

func (v *validator) support() {
	s := v.s
	for i := range s.Resources {
		r, at := &s.Resources[i], field("resources").idx(i)
		v.declare(kResource, at, r.ID)
		enum(v, at.at(".kind"), r.Kind, "resource kind", resourceKinds)
		v.count(at.at(".amount"), r.Amount)
		v.ref(at.at(".owner"), r.Owner, kOwner)
		v.approval(at.at(".approval"), r.Approval)
	}

	a, at := &s.Awareness, field("awareness")
	v.ref(at.at(".owner"), a.Owner, kOwner)
	v.refList(at.at(".audience"), a.Audience, kAudience)
	v.count(at.at(".required"), a.Required)
	v.count(at.at(".completed"), a.Completed)
	for i := range a.Sessions {
		se, sp := &a.Sessions[i], at.at(".sessions").idx(i)
		v.declare(kSession, sp, se.ID)
		v.refList(sp.at(".audience"), se.Audience, kAudience)
		v.count(sp.at(".invited"), se.Invited)
		v.count(sp.at(".attended"), se.Attended)
	}

	c, at := &s.Communication, field("communication")
	for i := range c.Items {
		it, ip := &c.Items[i], at.at(".items").idx(i)
		v.declare(kCommunication, ip, it.ID)
		v.period(ip.at(".every"), it.Every)
		v.ref(ip.at(".by"), it.By, kOwner)
		v.refList(ip.at(".to"), it.To, kAudience)
	}
	v.refList(at.at(".spokespeople"), c.Spokespeople, kOwner)

	for i := range s.Documents {
		d, dp := &s.Documents[i], field("documents").idx(i)
		v.declare(kDocument, dp, d.ID)
		enum(v, dp.at(".type"), d.Type, "document type", docTypes)
		v.ref(dp.at(".owner"), d.Owner, kOwner)
		v.approval(dp.at(".approval"), d.Approval)
		v.period(dp.at(".reviewInterval"), d.ReviewInterval)
		v.period(dp.at(".retention"), d.Retention)
		enum(v, dp.at(".origin"), d.Origin, "origin", origins)
		enumList(v, dp.at(".covers"), d.Covers, "mandatory item", MandatoryItems())
	}
}

func (v *validator) operation() {
	s := v.s
	for i := range s.Processes {
		p, at := &s.Processes[i], field("processes").idx(i)
		v.declare(kProcess, at, p.ID)
		v.ref(at.at(".owner"), p.Owner, kOwner)
		v.refList(at.at(".controls"), p.Controls, kControl)
		v.refList(at.at(".documents"), p.Documents, kDocument)
		v.ref(at.at(".supplier"), p.Supplier, kSupplier)
	}
	for i := range s.Suppliers {
		su, at := &s.Suppliers[i], field("suppliers").idx(i)
		v.declare(kSupplier, at, su.ID)
		v.ref(at.at(".party"), su.Party, kParty)
		v.ref(at.at(".agreement.document"), su.Agreement.Document, kDocument)
		v.period(at.at(".reviewInterval"), su.ReviewInterval)
	}
	for i := range s.Assessments {
		a, at := &s.Assessments[i], field("assessments").idx(i)
		v.declare(kAssessment, at, a.ID)
		enum(v, at.at(".kind"), a.Kind, "assessment kind", assessmentKinds)
		enum(v, at.at(".coverage"), a.Coverage, "coverage", coverages)
		v.refList(at.at(".risks"), a.Risks, kRisk)
		v.refList(at.at(".assessors"), a.Assessors, kPerson)
		v.ref(at.at(".document"), a.Document, kDocument)
	}
	for i := range s.TreatmentResults {
		t, at := &s.TreatmentResults[i], field("treatmentResults").idx(i)
		v.declare(kTreatmentResult, at, t.ID)
		v.refList(at.at(".risks"), t.Risks, kRisk)
		v.refList(at.at(".actions"), t.Actions, kAction)
		v.ref(at.at(".document"), t.Document, kDocument)
	}
}

func (v *validator) evaluation() {
	s := v.s
	for i := range s.Measures {
		m, at := &s.Measures[i], field("measures").idx(i)
		v.declare(kMeasure, at, m.ID)
		v.ref(at.at(".measuredBy"), m.MeasuredBy, kOwner)
		v.period(at.at(".every"), m.Every)
		v.ref(at.at(".analysedBy"), m.AnalysedBy, kOwner)
		enum(v, at.at(".evaluates"), m.Evaluates, "evaluates", evaluatesValues)
		v.refList(at.at(".objectives"), m.Objectives, kObjective)
		v.refList(at.at(".controls"), m.Controls, kControl)
		v.refList(at.at(".processes"), m.Processes, kProcess)
		for j := range m.Results {
			v.decimal(at.at(".results").idx(j).at(".value"), m.Results[j].Value)
		}
	}

	p, at := &s.AuditProgramme, field("auditProgramme")
	v.period(at.at(".cycle"), p.Cycle)
	v.refList(at.at(".processes"), p.Processes, kProcess)
	v.refList(at.at(".controls"), p.Controls, kControl)
	v.refList(at.at(".keyControls"), p.KeyControls, kControl)
	v.ref(at.at(".owner"), p.Owner, kOwner)
	v.approval(at.at(".approval"), p.Approval)
	v.ref(at.at(".document"), p.Document, kDocument)

	for i := range s.Audits {
		a, at := &s.Audits[i], field("audits").idx(i)
		v.declare(kAudit, at, a.ID)
		v.refList(at.at(".scope.processes"), a.Scope.Processes, kProcess)
		v.refList(at.at(".scope.units"), a.Scope.Units, kUnit)
		v.refList(at.at(".scope.controls"), a.Scope.Controls, kControl)
		for j := range a.Auditors {
			au, ap := &a.Auditors[j], at.at(".auditors").idx(j)
			v.required(ap.at(".person"), au.Person, kPerson)
			v.refList(ap.at(".areas"), au.Areas, kArea)
			v.refList(ap.at(".ownAreas"), au.OwnAreas, kArea)
		}
		v.findings(at, a)
		v.ref(at.at(".report.document"), a.Report.Document, kDocument)
		v.refList(at.at(".report.sentTo"), a.Report.SentTo, kPerson)
	}

	for i := range s.ManagementReviews {
		r, at := &s.ManagementReviews[i], field("managementReviews").idx(i)
		v.declare(kReview, at, r.ID)
		v.refList(at.at(".attendees"), r.Attendees, kPerson)
		enumList(v, at.at(".inputs"), r.Inputs, "review input", ReviewInputs(soa.Edition2022))
		for j := range r.Decisions {
			d, dp := &r.Decisions[j], at.at(".decisions").idx(j)
			v.declare(kDecision, dp, d.ID)
			enum(v, dp.at(".kind"), d.Kind, "decision kind", decisionKinds)
			v.actions(dp.at(".actions"), d.Actions)
		}
		v.ref(at.at(".document"), r.Document, kDocument)
	}
}

// findings checks the findings of one audit. Their IDs are unique within
// the audit; while declaring, the first audit with a given ID keeps its
// finding IDs so that nonconformities can name them.
func (v *validator) findings(at loc, a *Audit) {
	switch v.mode {
	case declaring:
		if _, taken := v.auditFindings[a.ID]; a.ID == "" || taken {
			return // a duplicate audit is reported by declare
		}
		ids := make(map[string]bool, len(a.Findings))
		for j := range a.Findings {
			ids[a.Findings[j].ID] = true
		}
		v.auditFindings[a.ID] = ids
		return
	case locating:
		return
	}
	found := map[string]int{}
	for j := range a.Findings {
		f, fp := &a.Findings[j], at.at(".findings").idx(j)
		switch first, dup := found[f.ID]; {
		case f.ID == "":
			v.addf(fp.at(".id"), "missing ID")
		case dup:
			v.addf(fp.at(".id"), "duplicate finding ID %q in this audit (first at %s)", f.ID, at.at(".findings").idx(first))
		default:
			found[f.ID] = j
		}
		if f.Severity != 0 && !f.Severity.Valid() {
			v.addf(fp.at(".severity"), "unknown severity %d (want major, minor, observation or opportunity)", int(f.Severity))
		}
		v.ref(fp.at(".control"), f.Control, kControl)
		v.ref(fp.at(".nonconformity"), f.Nonconformity, kNonconformity)
	}
}

func (v *validator) improvement() {
	s := v.s
	for i := range s.Nonconformities {
		n, at := &s.Nonconformities[i], field("nonconformities").idx(i)
		v.declare(kNonconformity, at, n.ID)
		enum(v, at.at(".source"), n.Source, "nonconformity source", ncSources)
		v.ref(at.at(".audit"), n.Audit, kAudit)
		if n.Finding != "" && v.mode == checking {
			_, auditKnown := v.ids[index(kAudit)][n.Audit]
			switch {
			case n.Audit == "":
				v.addf(at.at(".finding"), "a finding needs the audit it belongs to")
			case auditKnown && !v.auditFindings[n.Audit][n.Finding]:
				// An unknown audit is reported on its own.
				v.addf(at.at(".finding"), "unknown finding %q of audit %q", n.Finding, n.Audit)
			}
		}
		v.ref(at.at(".cause.by"), n.Cause.By, kPerson)
		v.actions(at.at(".actions"), n.Actions)
		if !n.NoAction.IsZero() {
			if strings.TrimSpace(n.NoAction.Reason) == "" {
				v.addf(at.at(".noAction.reason"), "a decision that no corrective action is needed must give its reason")
			}
			if len(n.Actions) > 0 {
				v.addf(at.at(".noAction"), "the nonconformity records corrective actions and also that none is needed")
			}
			v.ref(at.at(".noAction.by"), n.NoAction.By, kPerson)
		}
		v.effectiveness(at.at(".review"), n.Review)
		for j, id := range n.Similar {
			if id != "" && id == n.ID {
				v.addf(at.at(".similar").idx(j), "a nonconformity cannot be similar to itself")
			}
		}
		v.refList(at.at(".similar"), n.Similar, kNonconformity)
	}
	for i := range s.Improvements {
		m, at := &s.Improvements[i], field("improvements").idx(i)
		v.declare(kImprovement, at, m.ID)
		v.ref(at.at(".evaluatedBy"), m.EvaluatedBy, kOwner)
		enum(v, at.at(".decision"), m.Decision, "improvement decision", improvementDecisions)
		v.actions(at.at(".actions"), m.Actions)
	}
}

// maxSegs is how many segments a loc holds before it folds them into
// one string; no path of the model is that deep.
const maxSegs = 6

// loc is a field path such as roles[2].holders[0], kept as segments so
// that building it allocates nothing: the string is put together only
// when a problem is reported.
type loc struct {
	segs [maxSegs]seg
	n    int
}

// seg is one segment of a loc: a name (".holders", or "roles" first) and
// an index, -1 for none.
type seg struct {
	name string
	i    int
}

// field returns the path of a top-level field such as "scope" or
// "settings.reviewPeriod".
func field(name string) loc {
	var l loc
	l.segs[0] = seg{name, -1}
	l.n = 1
	return l
}

// at returns the path of a field below l; name starts with a dot.
func (l loc) at(name string) loc {
	if l.n == maxSegs {
		l = field(l.String())
	}
	l.segs[l.n] = seg{name, -1}
	l.n++
	return l
}

// idx returns the path of element i of the list at l.
func (l loc) idx(i int) loc {
	if l.n > 0 && l.segs[l.n-1].i < 0 {
		l.segs[l.n-1].i = i
		return l
	}
	return l.at("").idx(i)
}

// String renders the path.
func (l loc) String() string {
	var b strings.Builder
	for _, s := range l.segs[:l.n] {
		b.WriteString(s.name)
		if s.i >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.i))
			b.WriteByte(']')
		}
	}
	return b.String()
}
