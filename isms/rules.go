package isms

import (
	"slices"
	"sync"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

// Collections the built-in rules iterate over. Organization rules may
// name them in rules.Rule.Subjects too.
const (
	CollIssues             = "issues"             // var issue (Issue)
	CollParties            = "parties"            // var party (Party)
	CollRoles              = "roles"              // var role (Role)
	CollISMSRisks          = "ismsRisks"          // var ismsRisk (ISMSRisk)
	CollRisks              = "risks"              // var risk (RiskView)
	CollActions            = "actions"            // var action (ActionView)
	CollObjectives         = "objectives"         // var objective (Objective)
	CollISMSChanges        = "ismsChanges"        // var change (Change)
	CollOperationalChanges = "operationalChanges" // var change (Change)
	CollDocuments          = "documents"          // var doc (Document)
	CollMandatory          = "mandatory"          // var item (MandatoryView)
	CollSuppliers          = "suppliers"          // var supplier (Supplier)
	CollAudits             = "audits"             // var audit (Audit)
	CollReviews            = "reviews"            // var review (ManagementReview)
	CollNonconformities    = "nonconformities"    // var nc (Nonconformity)
	CollImprovements       = "improvements"       // var improvement (Improvement)
	CollProcesses          = "processes"          // var process (Process)
	CollMeasures           = "measures"           // var measure (Measure)
	CollCommunications     = "communications"     // var comm (Communication)
)

// SubjectSystem is the subject kind of findings about the system as a
// whole rather than one item of it.
const SubjectSystem = "system"

// RiskView is what rules see of one register risk: the entry itself and
// the outcome of assessing it under the criteria.
type RiskView struct {
	ID    string     `json:"id"`
	Entry *risk.Risk `json:"entry"`
	// Status is the assessment status: assessed, not-analysed or failed.
	Status risk.Status `json:"status"`
	// Level and Acceptable describe the inherent evaluation.
	Level      string `json:"level"`
	Acceptable bool   `json:"acceptable"`
	// ResidualLevel and ResidualAcceptable describe the residual one.
	ResidualLevel      string `json:"residualLevel"`
	ResidualAcceptable bool   `json:"residualAcceptable"`
}

// ActionView is one treatment action of a register risk.
type ActionView struct {
	ID     string       `json:"id"`   // "risk ID/action ID"
	Risk   string       `json:"risk"` // the risk ID
	Action *risk.Action `json:"action"`
}

// MandatoryView is one mandatory documented-information item and the
// documents that cover it.
type MandatoryView struct {
	ID        string   `json:"id"`
	Clause    string   `json:"clause"`
	Documents []string `json:"documents"`
}

// Variables the built-in rules read besides asOf and the collection
// items. Check binds them from the system and its settings.
const (
	VarSystem                 = "system"                 // System
	VarEdition                = "edition"                // string, "2022" or "2013"
	VarReviewPeriod           = "reviewPeriod"           // period
	VarRiskAssessmentPeriod   = "riskAssessmentPeriod"   // period
	VarManagementReviewPeriod = "managementReviewPeriod" // period
	VarAwarenessTarget        = "awarenessTarget"        // decimal
	VarAwarenessCompletion    = "awarenessCompletion"    // decimal, 0 when not counted
	VarTopManagement          = "topManagement"          // list(string) of person IDs
	VarPolicyPresent          = "policyPresent"          // bool
	VarUnheldResponsibilities = "unheldResponsibilities" // list(string)
	VarReviewInputs           = "reviewInputs"           // list(string), per edition
	VarAuditGaps              = "auditGaps"              // list(string): processes and controls not audited within the cycle
	VarAuditCycle             = "auditCycle"             // period: AuditProgramme.Cycle, P12M when unset
	VarAssessedRisks          = "assessedRisks"          // int: register risks with status assessed
	VarObjectivesMet          = "objectivesMet"          // list(string): objectives whose latest result meets the target
	VarObjectivesMissed       = "objectivesMissed"       // list(string): objectives whose latest result misses it
)

var (
	systemType     = rules.MustReflectObjectType[System]("isms.System")
	issueType      = rules.MustReflectObjectType[Issue]("isms.Issue")
	partyType      = rules.MustReflectObjectType[Party]("isms.Party")
	roleType       = rules.MustReflectObjectType[Role]("isms.Role")
	ismsRiskType   = rules.MustReflectObjectType[ISMSRisk]("isms.ISMSRisk")
	riskViewType   = rules.MustReflectObjectType[RiskView]("isms.RiskView")
	actionViewType = rules.MustReflectObjectType[ActionView]("isms.ActionView")
	objectiveType  = rules.MustReflectObjectType[Objective]("isms.Objective")
	changeType     = rules.MustReflectObjectType[Change]("isms.Change")
	documentType   = rules.MustReflectObjectType[Document]("isms.Document")
	mandatoryType  = rules.MustReflectObjectType[MandatoryView]("isms.MandatoryView")
	supplierType   = rules.MustReflectObjectType[Supplier]("isms.Supplier")
	auditType      = rules.MustReflectObjectType[Audit]("isms.Audit")
	reviewType     = rules.MustReflectObjectType[ManagementReview]("isms.ManagementReview")
	ncType         = rules.MustReflectObjectType[Nonconformity]("isms.Nonconformity")
	improveType    = rules.MustReflectObjectType[Improvement]("isms.Improvement")
	processType    = rules.MustReflectObjectType[Process]("isms.Process")
	measureType    = rules.MustReflectObjectType[Measure]("isms.Measure")
	commType       = rules.MustReflectObjectType[Communication]("isms.Communication")
)

// Collections returns the collections rules can name in Subjects.
func Collections() []rules.Collection {
	return []rules.Collection{
		{Name: CollIssues, Var: "issue", Kind: "issue", Type: issueType.Type()},
		{Name: CollParties, Var: "party", Kind: "party", Type: partyType.Type()},
		{Name: CollRoles, Var: "role", Kind: "role", Type: roleType.Type()},
		{Name: CollISMSRisks, Var: "ismsRisk", Kind: "isms-risk", Type: ismsRiskType.Type()},
		{Name: CollRisks, Var: "risk", Kind: "risk", Type: riskViewType.Type()},
		{Name: CollActions, Var: "action", Kind: "action", Type: actionViewType.Type()},
		{Name: CollObjectives, Var: "objective", Kind: "objective", Type: objectiveType.Type()},
		{Name: CollISMSChanges, Var: "change", Kind: "isms-change", Type: changeType.Type()},
		{Name: CollOperationalChanges, Var: "change", Kind: "change", Type: changeType.Type()},
		{Name: CollDocuments, Var: "doc", Kind: "document", Type: documentType.Type()},
		{Name: CollMandatory, Var: "item", Kind: "documented-information", Type: mandatoryType.Type()},
		{Name: CollSuppliers, Var: "supplier", Kind: "supplier", Type: supplierType.Type()},
		{Name: CollAudits, Var: "audit", Kind: "audit", Type: auditType.Type()},
		{Name: CollReviews, Var: "review", Kind: "management-review", Type: reviewType.Type()},
		{Name: CollNonconformities, Var: "nc", Kind: "nonconformity", Type: ncType.Type()},
		{Name: CollImprovements, Var: "improvement", Kind: "improvement", Type: improveType.Type()},
		{Name: CollProcesses, Var: "process", Kind: "process", Type: processType.Type()},
		{Name: CollMeasures, Var: "measure", Kind: "measure", Type: measureType.Type()},
		{Name: CollCommunications, Var: "comm", Kind: "communication", Type: commType.Type()},
	}
}

// NewEnv returns the CEL environment built-in and organization rules are
// compiled in: the object types, the collections' variables and the
// variables listed with VarSystem.
func NewEnv() (*rules.Env, error) {
	return rules.NewEnv(
		rules.Objects(systemType, issueType, partyType, roleType, ismsRiskType, riskViewType,
			actionViewType, objectiveType, changeType, documentType, mandatoryType, supplierType,
			auditType, reviewType, ncType, improveType, processType, measureType, commType),
		rules.Variable(VarSystem, systemType.Type()),
		rules.Variable(VarEdition, rules.StringType),
		rules.Variable(VarReviewPeriod, rules.PeriodType),
		rules.Variable(VarRiskAssessmentPeriod, rules.PeriodType),
		rules.Variable(VarManagementReviewPeriod, rules.PeriodType),
		rules.Variable(VarAwarenessTarget, rules.DecimalType),
		rules.Variable(VarAwarenessCompletion, rules.DecimalType),
		rules.Variable(VarTopManagement, rules.ListType(rules.StringType)),
		rules.Variable(VarPolicyPresent, rules.BoolType),
		rules.Variable(VarUnheldResponsibilities, rules.ListType(rules.StringType)),
		rules.Variable(VarReviewInputs, rules.ListType(rules.StringType)),
		rules.Variable(VarAuditGaps, rules.ListType(rules.StringType)),
		rules.Variable(VarAuditCycle, rules.PeriodType),
		rules.Variable(VarAssessedRisks, rules.IntType),
		rules.Variable(VarObjectivesMet, rules.ListType(rules.StringType)),
		rules.Variable(VarObjectivesMissed, rules.ListType(rules.StringType)),
	)
}

// Common sub-expressions of the rules below.
const (
	policyDue = `addPeriod(has(system.policy.lastReviewed) ? system.policy.lastReviewed : system.policy.effective, ` +
		`has(system.policy.reviewInterval) ? system.policy.reviewInterval : reviewPeriod) < asOf`
	plannedChangeIncomplete = `change.kind == "planned" && change.status != "cancelled" && ` +
		`(!has(change.plan) || !has(change.responsible) || !has(change.deadline))`
	// scopeDefined: the scope says anything at all.
	scopeDefined = `(has(system.scope.statement) || size(system.scope.boundaries) > 0 || size(system.scope.units) > 0)`
	// roleHolders: the holders of role, from Role.Holders and Person.Roles.
	roleHolders = `(role.holders + system.people.filter(p, role.id in p.roles).map(p, p.id))`
	// auditorOwnAreas: the own areas of auditor a that fall within what a
	// audited: a's Areas when given, else the whole audit scope.
	auditorOwnAreas = `a.ownAreas.filter(o, size(a.areas) > 0 ? o in a.areas : ` +
		`(o in audit.scope.processes || o in audit.scope.units || o in audit.scope.controls))`
	// held: the audit or review took place by asOf (planned ones have not).
	auditHeld  = `has(audit.date) && audit.date <= asOf`
	reviewHeld = `has(review.date) && review.date <= asOf`
	// acceptedByOwner: the residual acceptance of risk was given by its
	// owner: the owner person, a holder of the owner role, or a person
	// whose roles include the owner role.
	acceptedByOwner = `(risk.entry.decision.residualAccepted.by == risk.entry.owner || ` +
		`system.people.exists(p, p.id == risk.entry.decision.residualAccepted.by && risk.entry.owner in p.roles) || ` +
		`system.roles.exists(r, r.id == risk.entry.owner && risk.entry.decision.residualAccepted.by in r.holders))`
	untreated   = `(!has(risk.entry.treatment) || size(risk.entry.treatment.options) == 0)`
	openOverdue = `a.status in ["planned", "in-progress"] && has(a.due) && a.due < asOf`
)

// builtin is the built-in rule set; the slice is never handed out.
//
// Severities follow the way certification auditors grade: Major when a
// required element is missing altogether or the system breaks down,
// Minor for an isolated lapse against a requirement, Observation where
// only the guidance of ISO/IEC 27003 asks for something. Messages that
// list items sort them, so that the report does not depend on the order
// of the input.
var builtin = []rules.Rule{
	// 4.1
	{ID: "4.1-internal-issues", Clause: "4.1", Severity: rules.Minor,
		Title:     "No internal issue recorded",
		Condition: `!system.issues.exists(i, i.origin == "internal")`,
		Message:   "the context records no internal issue",
		Guidance:  "Record the internal matters (culture, governance, processes, capabilities...) that affect what the ISMS can achieve."},
	{ID: "4.1-external-issues", Clause: "4.1", Severity: rules.Minor,
		Title:     "No external issue recorded",
		Condition: `!system.issues.exists(i, i.origin == "external")`,
		Message:   "the context records no external issue",
		Guidance:  "Record the outside factors (legal, market, technology...) that affect what the ISMS can achieve."},
	{ID: "4.1-issue-review", Clause: "4.1", Severity: rules.Observation, Subjects: CollIssues,
		Title:     "Issue not reviewed within the review period",
		Condition: `addPeriod(issue.lastReviewed, reviewPeriod) < asOf`,
		Message:   "issue {issue.id} has not been looked at again within {reviewPeriod}"},
	// 4.2
	{ID: "4.2-parties-missing", Clause: "4.2 a)", Severity: rules.Major,
		Title:     "No interested party recorded",
		Condition: `size(system.parties) == 0`,
		Message:   "the ISMS records no interested party",
		Guidance:  "List the people and organizations whose needs bear on information security: customers, regulators, staff, suppliers, owners."},
	{ID: "4.2-party-requirements", Clause: "4.2 b)", Severity: rules.Minor, Subjects: CollParties,
		Title:     "Interested party without requirements",
		Condition: `size(party.requirements) == 0`,
		Message:   "interested party {party.id} has no requirements recorded"},
	{ID: "4.2-party-review", Clause: "4.2", Severity: rules.Observation, Subjects: CollParties,
		Title:     "Interested party not reviewed within the review period",
		Condition: `addPeriod(party.lastReviewed, reviewPeriod) < asOf`,
		Message:   "interested party {party.id} has not been looked at again within {reviewPeriod}"},
	{ID: "4.2-requirements-addressed", Clause: "4.2 c)", Severity: rules.Minor, Subjects: CollParties,
		Title:     "No decision which requirements the ISMS addresses",
		Condition: `size(party.requirements) > 0 && !party.requirements.exists(r, r.addressed)`,
		Message:   "none of the requirements of interested party {party.id} is marked as addressed by the ISMS"},
	// 4.3
	{ID: "4.3-scope-missing", Clause: "4.3", Severity: rules.Major,
		Title:     "No scope defined",
		Condition: `!` + scopeDefined,
		Message:   "the ISMS has no scope: no statement, boundary or scope unit",
		Guidance:  "Write down what the ISMS covers and where it stops, and keep it as documented information."},
	{ID: "4.3-scope-boundaries", Clause: "4.3", Severity: rules.Observation,
		Title:     "Scope lacks a kind of boundary",
		Condition: scopeDefined + ` && !["organizational", "ict", "physical"].all(k, system.scope.boundaries.exists(b, b.kind == k))`,
		Message:   `the scope does not set its {["organizational", "ict", "physical"].filter(k, !system.scope.boundaries.exists(b, b.kind == k)).join(", ")} boundaries`,
		Guidance:  "The guidance suggests describing the organizational, ICT and physical limits of the scope separately."},
	{ID: "4.3-scope-approved", Clause: "4.3", Severity: rules.Major,
		Title:     "Scope not approved by top management",
		Condition: `system.scope.status != "approved" || !has(system.scope.approval.on) || !(system.scope.approval.by in topManagement)`,
		Message:   "the scope has no approval by a member of top management"},
	{ID: "4.3-exclusion-reason", Clause: "4.3", Severity: rules.Minor,
		Title:     "Scope exclusion without reason",
		Condition: `system.scope.units.exists(u, u.inclusion == "excluded" && !has(u.reason))`,
		Message:   `the scope excludes {system.scope.units.filter(u, u.inclusion == "excluded" && !has(u.reason)).map(u, u.id).sort().join(", ")} without saying why`},
	// 4.4
	{ID: "4.4-processes", Clause: "4.4", Severity: rules.Minor,
		Title:     "No ISMS processes recorded",
		Condition: `size(system.processes) == 0`,
		Message:   "the ISMS records none of the processes it consists of or relies on"},
	// 5.1
	{ID: "5.1-leadership-evidence", Clause: "5.1", Severity: rules.Minor,
		Title:     "No recent evidence of leadership",
		Condition: `!system.leadership.exists(l, has(l.date) && addPeriod(l.date, reviewPeriod) >= asOf)`,
		Message:   "nothing shows top management acting for the ISMS within {reviewPeriod}"},
	// 5.2
	{ID: "5.2-policy-missing", Clause: "5.2", Severity: rules.Major,
		Title:     "No information security policy",
		Condition: `!policyPresent`,
		Message:   "the ISMS has no information security policy"},
	{ID: "5.2-policy-approved", Clause: "5.2", Severity: rules.Major,
		Title:     "Policy not approved",
		Condition: `policyPresent && !has(system.policy.approval.on)`,
		Message:   "the information security policy has not been approved"},
	{ID: "5.2-policy-approver", Clause: "5.2", Severity: rules.Minor,
		Title:     "Policy approved outside top management",
		Condition: `policyPresent && has(system.policy.approval.on) && !(system.policy.approval.by in topManagement)`,
		Message:   "the information security policy was approved by {system.policy.approval.by}, who is not in top management",
		Guidance:  "Top management sets the policy; have a member of top management approve it and record who did."},
	{ID: "5.2-policy-commitments", Clause: "5.2 c)", Severity: rules.Minor,
		Title:     "Policy lacks a commitment",
		Condition: `policyPresent && !["satisfy-requirements", "continual-improvement"].all(c, c in system.policy.commitments)`,
		Message:   `the policy does not state the commitment(s) {["satisfy-requirements", "continual-improvement"].filter(c, !(c in system.policy.commitments)).join(", ")}`},
	{ID: "5.2-policy-objectives", Clause: "5.2 b)", Severity: rules.Minor,
		Title:     "Policy neither sets objectives nor a framework for them",
		Condition: `policyPresent && size(system.policy.objectives) == 0 && !has(system.policy.objectiveFramework)`,
		Message:   "the policy neither names objectives nor explains how they are set"},
	{ID: "5.2-policy-communicated", Clause: "5.2 f)", Severity: rules.Minor,
		Title:     "Policy not communicated",
		Condition: `policyPresent && size(system.policy.communicatedTo) == 0`,
		Message:   "the policy has not been communicated to anyone"},
	// The review of the policy at planned intervals comes from Annex A
	// control 5.1 (A.5.1.2 in 2013), not from clause 5.2.
	{ID: "5.2-policy-review", Clause: "A.5.1", Severity: rules.Minor,
		Title:     "Policy past its review",
		Condition: `policyPresent && ` + policyDue,
		Message:   "the information security policy is overdue for review"},
	// 5.3
	{ID: "5.3-responsibility-unheld", Clause: "5.3", Severity: rules.Major,
		Title:     "Required ISMS responsibility nobody holds",
		Condition: `unheldResponsibilities.exists(r, r in ["coordinate-isms", "report-performance"])`,
		Message:   `nobody holds the responsibilities {unheldResponsibilities.filter(r, r in ["coordinate-isms", "report-performance"]).join(", ")}`,
		Guidance:  "Assign someone to keep the ISMS in line with the standard and someone to report its performance to top management."},
	{ID: "5.3-guidance-responsibility-unheld", Clause: "5.3", Severity: rules.Observation,
		Title:     "Recommended ISMS responsibility nobody holds",
		Condition: `unheldResponsibilities.exists(r, !(r in ["coordinate-isms", "report-performance"]))`,
		Message:   `nobody holds the responsibilities {unheldResponsibilities.filter(r, !(r in ["coordinate-isms", "report-performance"])).join(", ")}`,
		Guidance:  "The guidance lists further duties (risk advice, process design, control standards, incidents, audit) worth giving to named roles."},
	{ID: "5.3-role-approved", Clause: "5.3", Severity: rules.Observation, Subjects: CollRoles,
		Title:     "Role not approved",
		Condition: `!has(role.approval.on)`,
		Message:   "role {role.id} has not been approved"},
	{ID: "5.3-role-approver", Clause: "5.3", Severity: rules.Minor, Subjects: CollRoles,
		Title:     "Role approved outside top management",
		Condition: `has(role.approval.on) && !(role.approval.by in topManagement)`,
		Message:   "role {role.id} was approved by {role.approval.by}, who is not in top management",
		Guidance:  "Top management assigns ISMS responsibilities; have one of its members approve the role."},
	// 6.1.1
	{ID: "6.1.1-isms-risks-missing", Clause: "6.1.1", Severity: rules.Major,
		Title:     "No ISMS risks or opportunities",
		Condition: `size(system.ismsRisks) == 0`,
		Message:   "no risks or opportunities for the ISMS itself are recorded",
		Guidance:  "Work out, from the issues and the interested parties' requirements, what could stop the ISMS from working or help it, and plan actions."},
	{ID: "6.1.1-isms-risk-actions", Clause: "6.1.1 d)", Severity: rules.Minor, Subjects: CollISMSRisks,
		Title:     "ISMS risk or opportunity without actions",
		Condition: `size(ismsRisk.actions) == 0`,
		Message:   "ISMS risk or opportunity {ismsRisk.id} has no planned actions"},
	{ID: "6.1.1-isms-risk-effectiveness", Clause: "6.1.1 e)", Severity: rules.Observation, Subjects: CollISMSRisks,
		Title:     "No way to evaluate the actions' effectiveness",
		Condition: `size(ismsRisk.actions) > 0 && !has(ismsRisk.effectiveness.method)`,
		Message:   "nothing says how the effectiveness of the actions on {ismsRisk.id} will be judged"},
	{ID: "6.1.1-isms-action-overdue", Clause: "6.1.1 d)", Severity: rules.Minor, Subjects: CollISMSRisks,
		Title:     "ISMS-level action overdue",
		Condition: `ismsRisk.actions.exists(a, ` + openOverdue + `)`,
		Message:   `actions on {ismsRisk.id} are overdue: {ismsRisk.actions.filter(a, ` + openOverdue + `).map(a, a.id).sort().join(", ")}`},
	// 6.1.2
	{ID: "6.1.2-criteria-missing", Clause: "6.1.2 a)", Severity: rules.Major,
		Title:     "No risk criteria",
		Condition: `!has(system.criteria.id) && !has(system.criteria.levelRule) && size(system.criteria.levels) == 0`,
		Message:   "the ISMS has no risk criteria, so no risk can be assessed"},
	{ID: "6.1.2-criteria-approved", Clause: "6.1.2 a)", Severity: rules.Observation,
		Title:     "Risk criteria not approved",
		Condition: `has(system.criteria.id) && !has(system.criteria.approval.on)`,
		Message:   "the risk criteria {system.criteria.id} have not been approved",
		Guidance:  "A recorded approval shows the criteria are the organization's own; the standard asks for them to be set and kept, not signed."},
	{ID: "6.1.2-register-empty", Clause: "6.1.2", Severity: rules.Major,
		Title:     "No information security risks identified",
		Condition: `size(system.register.risks) == 0`,
		Message:   "the risk register holds no risk",
		Guidance:  "Identify the risks to confidentiality, integrity and availability within the scope, each with an owner."},
	{ID: "6.1.2-risk-owner", Clause: "6.1.2 c)", Severity: rules.Minor, Subjects: CollRisks,
		Title:     "Risk without owner",
		Condition: `!has(risk.entry.owner)`,
		Message:   "risk {risk.id} has no owner"},
	{ID: "6.1.2-risk-analysed", Clause: "6.1.2 d)", Severity: rules.Minor, Subjects: CollRisks,
		Title:     "Risk not analysed",
		Condition: `risk.status != "assessed"`,
		Message:   "risk {risk.id} has no usable analysis ({risk.status})"},
	// 6.1.3
	{ID: "6.1.3-unacceptable-untreated", Clause: "6.1.3 a)", Severity: rules.Major, Subjects: CollRisks,
		Title:     "Unacceptable risk without treatment",
		Condition: `risk.status == "assessed" && !risk.acceptable && ` + untreated,
		Message:   "risk {risk.id} is at level {risk.level}, above what the criteria accept, and has no treatment"},
	// An untreated unacceptable risk is reported once, by the rule above.
	{ID: "6.1.3-residual-concession", Clause: "6.1.3 f)", Severity: rules.Minor, Subjects: CollRisks,
		Title: "Residual risk outside the criteria without concession",
		Condition: `risk.status == "assessed" && !risk.residualAcceptable && !` + untreated +
			` && (!has(risk.entry.decision.concession) || !has(risk.entry.decision.residualAccepted.on))`,
		Message: "the residual level {risk.residualLevel} of risk {risk.id} is not acceptable and the owner has not accepted it with a justification"},
	{ID: "6.1.3-residual-accepted", Clause: "6.1.3 f)", Severity: rules.Minor, Subjects: CollRisks,
		Title:     "Residual risk not accepted by its owner",
		Condition: `risk.status == "assessed" && risk.residualAcceptable && !has(risk.entry.decision.residualAccepted.on)`,
		Message:   "the owner of risk {risk.id} has not accepted its residual level {risk.residualLevel}",
		Guidance:  "Even a residual level inside the criteria needs the risk owner's recorded acceptance."},
	{ID: "6.1.3-residual-acceptor", Clause: "6.1.3 f)", Severity: rules.Minor, Subjects: CollRisks,
		Title:     "Residual risk accepted by someone other than its owner",
		Condition: `has(risk.entry.decision.residualAccepted.on) && has(risk.entry.owner) && !` + acceptedByOwner,
		Message:   "the residual risk of {risk.id} was accepted by {risk.entry.decision.residualAccepted.by}, not by its owner {risk.entry.owner}",
		Guidance:  "Only the risk owner can accept the residual risk; record the owner's acceptance."},
	{ID: "6.1.3-plan-approved", Clause: "6.1.3 f)", Severity: rules.Minor, Subjects: CollRisks,
		Title:     "Treatment plan not approved by the owner",
		Condition: `has(risk.entry.treatment) && !has(risk.entry.decision.planApproved.on)`,
		Message:   "the owner of risk {risk.id} has not approved its treatment plan"},
	{ID: "6.1.3-action-incomplete", Clause: "6.1.3 e)", Severity: rules.Minor, Subjects: CollActions,
		Title:     "Treatment action without owner or due date",
		Condition: `action.action.status != "cancelled" && action.action.status != "done" && (!has(action.action.owner) || !has(action.action.due))`,
		Message:   "action {action.id} lacks {has(action.action.owner) ? \"a due date\" : (has(action.action.due) ? \"an owner\" : \"an owner and a due date\")}"},
	// 6.2
	{ID: "6.2-objectives-missing", Clause: "6.2", Severity: rules.Major,
		Title:     "No information security objectives",
		Condition: `size(system.objectives) == 0`,
		Message:   "the ISMS has no information security objectives"},
	{ID: "6.2-objective-measurable", Clause: "6.2 b)", Severity: rules.Minor, Subjects: CollObjectives,
		Title:     "Objective neither measurable nor justified",
		Condition: `!has(objective.measure.metric) && !has(objective.unmeasurable)`,
		Message:   "objective {objective.id} has no measure and no reason why it cannot be measured"},
	{ID: "6.2-objective-plan", Clause: "6.2", Severity: rules.Minor, Subjects: CollObjectives,
		Title: "Objective plan incomplete",
		Condition: `!has(objective.plan.what) || !has(objective.plan.resources) || !has(objective.plan.responsible) || ` +
			`!has(objective.plan.due) || !has(objective.plan.evaluation)`,
		Message: `the plan for objective {objective.id} lacks {[has(objective.plan.what) ? "" : "what", has(objective.plan.resources) ? "" : "resources", ` +
			`has(objective.plan.responsible) ? "" : "responsible", has(objective.plan.due) ? "" : "due date", ` +
			`has(objective.plan.evaluation) ? "" : "evaluation"].filter(x, x != "").join(", ")}`},
	{ID: "6.2-objective-target", Clause: "6.2", Severity: rules.Observation, Subjects: CollObjectives,
		Title:     "Objective below its target",
		Condition: `objective.id in objectivesMissed`,
		Message:   `the latest result for objective {objective.id} {objective.measure.direction == "at-most" ? "is above its ceiling" : "falls short of its target"} of {objective.measure.target}`,
		Guidance:  "Missing a target is not a nonconformity by itself; look at why, and feed it into the management review."},
	{ID: "6.2-objective-overdue", Clause: "6.2", Severity: rules.Minor, Subjects: CollObjectives,
		Title:     "Objective plan past its due date",
		Condition: `has(objective.plan.due) && objective.plan.due < asOf && !(objective.id in objectivesMet)`,
		Message:   "the plan for objective {objective.id} was due {objective.plan.due} and no result shows the target reached",
		Guidance:  "Record the result that shows the objective met, or replan with a new date and say why."},
	// 6.3
	{ID: "6.3-change-plan", Clause: "6.3", Severity: rules.Minor, Subjects: CollISMSChanges,
		Title:     "Planned ISMS change without plan, owner or deadline",
		Condition: plannedChangeIncomplete,
		Message:   "planned change {change.id} to the ISMS lacks a plan, a responsible person or a deadline"},
	// 7.1
	{ID: "7.1-resources", Clause: "7.1", Severity: rules.Minor,
		Title:     "No resources recorded",
		Condition: `size(system.resources) == 0`,
		Message:   "no resources for the ISMS are recorded"},
	// 7.2
	{ID: "7.2-role-competence", Clause: "7.2 a)", Severity: rules.Minor, Subjects: CollRoles,
		Title:     "Role without competence requirements",
		Condition: `size(role.competence.required) == 0`,
		Message:   "role {role.id} states no required competence"},
	{ID: "7.2-holder-evidence", Clause: "7.2 d)", Severity: rules.Minor, Subjects: CollRoles,
		Title: "Role holder without competence evidence",
		Condition: `(` + roleHolders + ` + role.competence.holders.map(h, h.person)).exists(p, ` +
			`!role.competence.holders.exists(h, h.person == p && size(h.evidence) > 0))`,
		Message: `holders of role {role.id} without evidence of competence: {(` + roleHolders + ` + role.competence.holders.map(h, h.person)).filter(p, ` +
			`!role.competence.holders.exists(h, h.person == p && size(h.evidence) > 0)).distinct().sort().join(", ")}`},
	// 7.3
	{ID: "7.3-awareness-completion", Clause: "7.3", Severity: rules.Minor,
		Title:     "Awareness completion below target",
		Condition: `awarenessCompletion < awarenessTarget`,
		Message:   "awareness completion is {(awarenessCompletion * 100).div(decimal(1), 2)} %, below the target of {(awarenessTarget * 100).div(decimal(1), 2)} %"},
	// 7.4
	{ID: "7.4-communication-plan", Clause: "7.4", Severity: rules.Minor,
		Title:     "No communication plan",
		Condition: `size(system.communication.items) == 0`,
		Message:   "nothing is planned about what the ISMS communicates, when and to whom"},
	{ID: "7.4-communication-item", Clause: "7.4", Severity: rules.Minor, Subjects: CollCommunications,
		Title: "Planned communication incomplete",
		Condition: `!has(comm.subject) || (!has(comm.when) && !has(comm.every)) || size(comm.to) == 0 || ` +
			`!has(comm.by) || !has(comm.channel)`,
		Message: `planned communication {comm.id} does not say {[has(comm.subject) ? "" : "what", (has(comm.when) || has(comm.every)) ? "" : "when", ` +
			`size(comm.to) > 0 ? "" : "to whom", has(comm.by) ? "" : "who", has(comm.channel) ? "" : "how"].filter(x, x != "").join(", ")}`},
	// 7.5
	{ID: "7.5-document-control", Clause: "7.5.2", Severity: rules.Minor, Subjects: CollDocuments,
		Title:     "Document lacks control information",
		Condition: `doc.origin != "external" && (!has(doc.owner) || !has(doc.approval.on) || !has(doc.version) || !has(doc.classification))`,
		Message: `document {doc.id} lacks {[has(doc.owner) ? "" : "owner", has(doc.approval.on) ? "" : "approval", ` +
			`has(doc.version) ? "" : "version", has(doc.classification) ? "" : "classification"].filter(x, x != "").join(", ")}`,
		Guidance: "Documents of external origin are identified and controlled under 7.5.3 instead and are not checked here."},
	{ID: "7.5-document-review", Clause: "7.5.2 c)", Severity: rules.Observation, Subjects: CollDocuments,
		Title: "Document past its review",
		Condition: `doc.origin != "external" && addPeriod(has(doc.lastReviewed) ? doc.lastReviewed : doc.approval.on, ` +
			`has(doc.reviewInterval) ? doc.reviewInterval : reviewPeriod) < asOf`,
		Message: "document {doc.id} is overdue for review"},
	{ID: "7.5-mandatory-item", Clause: "7.5.1", Severity: rules.Major, Subjects: CollMandatory,
		Title:     "Mandatory documented information missing",
		Condition: `size(item.documents) == 0`,
		Message:   "no document covers {item.id} (clause {item.clause})"},
	// 8.1
	{ID: "8.1-process-criteria", Clause: "8.1", Severity: rules.Minor, Subjects: CollProcesses,
		Title:     "Process without criteria",
		Condition: `!has(process.criteria)`,
		Message:   "process {process.id} has no criteria it is run and judged by",
		Guidance:  "Since 2022 each process needs criteria (such as service levels, approval rules or thresholds) that its operation is controlled against."},
	{ID: "8.1-outsourced-supplier", Clause: "8.1", Severity: rules.Minor, Subjects: CollProcesses,
		Title:     "Outsourced process without supplier",
		Condition: `process.outsourced && !has(process.supplier)`,
		Message:   "process {process.id} is outsourced but names no supplier that runs it",
		Guidance:  "Name the supplier so that its control (agreement, reviews) can be checked."},
	{ID: "8.1-supplier-security", Clause: "8.1", Severity: rules.Minor, Subjects: CollSuppliers,
		Title:     "Supplier agreement without security terms",
		Condition: `!supplier.agreement.coversSecurity`,
		Message:   "the agreement with supplier {supplier.id} does not cover information security"},
	{ID: "8.1-supplier-review", Clause: "8.1", Severity: rules.Observation, Subjects: CollSuppliers,
		Title:     "Supplier not reviewed",
		Condition: `addPeriod(supplier.lastReviewed, has(supplier.reviewInterval) ? supplier.reviewInterval : reviewPeriod) < asOf`,
		Message:   "supplier {supplier.id} is overdue for review"},
	{ID: "8.1-change-plan", Clause: "8.1", Severity: rules.Minor, Subjects: CollOperationalChanges,
		Title:     "Planned change without plan, owner or deadline",
		Condition: plannedChangeIncomplete,
		Message:   "planned change {change.id} lacks a plan, a responsible person or a deadline"},
	{ID: "8.1-unintended-change", Clause: "8.1", Severity: rules.Minor, Subjects: CollOperationalChanges,
		Title:     "Unintended change not reviewed",
		Condition: `change.kind == "unintended" && (!has(change.consequencesReviewed) || !has(change.mitigation))`,
		Message:   "the consequences of unintended change {change.id} have not been reviewed and mitigated"},
	// 8.2
	{ID: "8.2-broad-assessment", Clause: "8.2", Severity: rules.Major,
		Title:     "No recent broad risk assessment",
		Condition: `!system.assessments.exists(a, a.coverage == "broad" && has(a.date) && a.date <= asOf && addPeriod(a.date, riskAssessmentPeriod) >= asOf)`,
		Message:   "no risk assessment of the whole scope was carried out within {riskAssessmentPeriod}"},
	{ID: "8.2-none-assessed", Clause: "8.2", Severity: rules.Major,
		Title:     "No risk assessed",
		Condition: `size(system.register.risks) > 0 && assessedRisks == 0`,
		Message:   "none of the {size(system.register.risks)} risks in the register has a usable assessment",
		Guidance:  "Analyse and evaluate the risks under the criteria; without it there is no basis for treatment."},
	{ID: "8.2-change-assessment", Clause: "8.2", Severity: rules.Minor, Subjects: CollOperationalChanges,
		Title: "Significant change not followed by a risk assessment",
		Condition: `change.significant && has(change.completed) && change.completed <= asOf && ` +
			`!system.assessments.exists(a, a.trigger == change.id || (has(a.date) && a.date >= change.completed && a.date <= asOf))`,
		Message:  "no risk assessment followed significant change {change.id}, completed {change.completed}",
		Guidance: "Assess the risks again after a significant change; record the change ID as the assessment's trigger."},
	{ID: "8.2-incident-assessment", Clause: "8.2", Severity: rules.Observation, Subjects: CollNonconformities,
		Title: "Incident not followed by a risk assessment",
		Condition: `nc.source == "incident" && has(nc.detected) && nc.detected <= asOf && ` +
			`!system.assessments.exists(a, a.trigger == nc.id || (has(a.date) && a.date >= nc.detected && a.date <= asOf))`,
		Message:  "no risk assessment followed incident nonconformity {nc.id}, detected {nc.detected}",
		Guidance: "The guidance suggests assessing the risks again after a significant incident; record the nonconformity ID as the trigger."},
	// 8.3
	{ID: "8.3-action-overdue", Clause: "8.3", Severity: rules.Minor, Subjects: CollActions,
		Title:     "Treatment action overdue",
		Condition: `action.action.status in ["planned", "in-progress"] && has(action.action.due) && action.action.due < asOf`,
		Message:   "action {action.id} was due {action.action.due}"},
	// 9.1
	{ID: "9.1-effectiveness-measure", Clause: "9.1", Severity: rules.Minor,
		Title:     "No effectiveness measure",
		Condition: `!system.measures.exists(m, m.evaluates == "effectiveness")`,
		Message:   "no measure evaluates the effectiveness of the ISMS"},
	{ID: "9.1-measure-plan", Clause: "9.1", Severity: rules.Minor, Subjects: CollMeasures,
		Title:     "Measure lacks method, owner or frequency",
		Condition: `!has(measure.method) || !has(measure.measuredBy) || !has(measure.every) || !has(measure.analysedBy)`,
		Message: `measure {measure.id} does not say {[has(measure.method) ? "" : "how it is measured", has(measure.measuredBy) ? "" : "who measures", ` +
			`has(measure.every) ? "" : "how often", has(measure.analysedBy) ? "" : "who evaluates the results"].filter(x, x != "").join(", ")}`},
	{ID: "9.1-measure-results", Clause: "9.1", Severity: rules.Minor, Subjects: CollMeasures,
		Title:     "Measure without results",
		Condition: `size(measure.results) == 0`,
		Message:   "no results are recorded for measure {measure.id}"},
	{ID: "9.1-result-unevaluated", Clause: "9.1", Severity: rules.Minor, Subjects: CollMeasures,
		Title: "Measurement results not evaluated",
		Condition: `measure.results.exists(r, has(r.date) && !has(r.evaluatedOn) && ` +
			`addPeriod(r.date, has(measure.every) ? measure.every : reviewPeriod) < asOf)`,
		Message: "measure {measure.id} has results that were never analysed and evaluated, the oldest from " +
			`{measure.results.filter(r, has(r.date) && !has(r.evaluatedOn) && addPeriod(r.date, has(measure.every) ? measure.every : reviewPeriod) < asOf).map(r, r.date).sort()[0]}`},
	{ID: "9.1-measure-stale", Clause: "9.1", Severity: rules.Minor, Subjects: CollMeasures,
		Title:     "Measure not taken as often as planned",
		Condition: `has(measure.every) && size(measure.results) > 0 && !measure.results.exists(r, addPeriod(addPeriod(r.date, measure.every), measure.every) >= asOf)`,
		Message:   "the latest result of measure {measure.id} is older than two of its intervals ({measure.every})"},
	// 9.2
	{ID: "9.2-audit-held", Clause: "9.2.1", Severity: rules.Major,
		Title:     "No internal audit within the programme cycle",
		Condition: `!system.audits.exists(a, has(a.date) && a.date <= asOf && addPeriod(a.date, auditCycle) >= asOf)`,
		Message:   "no internal audit was held within the programme's cycle of {auditCycle}",
		Guidance:  "Hold internal audits at the intervals the programme sets; a planned audit counts once it has taken place."},
	{ID: "9.2-programme-coverage", Clause: "9.2.2", Severity: rules.Minor,
		Title:     "Audit programme coverage incomplete",
		Condition: `size(auditGaps) > 0`,
		Message:   `not audited within the programme's cycle: {auditGaps.join(", ")}`},
	{ID: "9.2-auditor-independence", Clause: "9.2.2 c)", Severity: rules.Minor, Subjects: CollAudits,
		Title:     "Auditor audits their own area",
		Condition: `audit.auditors.exists(a, size(` + auditorOwnAreas + `) > 0)`,
		Message:   `in audit {audit.id}, {audit.auditors.filter(a, size(` + auditorOwnAreas + `) > 0).map(a, a.person).sort().join(", ")} audited an area they are responsible for`,
		Guidance:  "An auditor's own areas only matter where they audit: within their Areas, or the whole audit scope when Areas is empty."},
	{ID: "9.2-report-top-management", Clause: "9.2.2 e)", Severity: rules.Minor, Subjects: CollAudits,
		Title:     "Audit report not sent to top management",
		Condition: auditHeld + ` && !audit.report.sentTo.exists(p, p in topManagement)`,
		Message:   "the report of audit {audit.id} did not reach top management"},
	// 9.3
	{ID: "9.3-review-held", Clause: "9.3.1", Severity: rules.Major,
		Title:     "No recent management review",
		Condition: `!system.managementReviews.exists(r, has(r.date) && r.date <= asOf && addPeriod(r.date, managementReviewPeriod) >= asOf)`,
		Message:   "top management has not reviewed the ISMS within {managementReviewPeriod}"},
	{ID: "9.3-review-top-management", Clause: "9.3.1", Severity: rules.Major, Subjects: CollReviews,
		Title:     "Management review without top management",
		Condition: reviewHeld + ` && !review.attendees.exists(p, p in topManagement)`,
		Message:   "no member of top management attended management review {review.id}"},
	{ID: "9.3-review-inputs", Clause: "9.3.2", Severity: rules.Minor, Subjects: CollReviews,
		Title:     "Management review missed inputs",
		Condition: reviewHeld + ` && !reviewInputs.all(i, i in review.inputs)`,
		Message:   `management review {review.id} did not consider {reviewInputs.filter(i, !(i in review.inputs)).join(", ")}`},
	{ID: "9.3-review-outputs", Clause: "9.3.3", Severity: rules.Minor, Subjects: CollReviews,
		Title:     "Management review without decisions",
		Condition: reviewHeld + ` && size(review.decisions) == 0`,
		Message:   "management review {review.id} records no decision",
		Guidance:  "Record what the review decided about improvement and changes to the ISMS, even when the decision is to change nothing."},
	{ID: "9.3-review-actions-overdue", Clause: "9.3.3", Severity: rules.Minor, Subjects: CollReviews,
		Title:     "Actions from a management review overdue",
		Condition: `review.decisions.exists(d, d.actions.exists(a, ` + openOverdue + `))`,
		Message:   `actions decided in management review {review.id} are overdue: {review.decisions.map(d, d.actions.filter(a, ` + openOverdue + `).map(a, a.id)).flatten().sort().join(", ")}`,
		Guidance:  "Follow up the actions of earlier reviews; the next review takes their status as an input."},
	// 10.1 continual improvement (2022 numbering)
	{ID: "10.1-improvement-evaluated", Clause: "10.1", Severity: rules.Observation, Subjects: CollImprovements,
		Title:     "Improvement opportunity never evaluated",
		Condition: `!has(improvement.evaluated)`,
		Message:   "improvement opportunity {improvement.id} has not been evaluated"},
	// 10.2 nonconformity and corrective action (2022 numbering). Check
	// grades these findings like the audit finding the nonconformity
	// was raised from, when that finding is a major or minor one.
	{ID: "10.2-nc-correction", Clause: "10.2 a)", Severity: rules.Minor, Subjects: CollNonconformities,
		Title:     "Nonconformity without correction",
		Condition: `!has(nc.correction.description)`,
		Message:   "nonconformity {nc.id} has no correction recorded"},
	{ID: "10.2-nc-cause", Clause: "10.2 b)", Severity: rules.Minor, Subjects: CollNonconformities,
		Title:     "Nonconformity without cause analysis",
		Condition: `!has(nc.cause.description)`,
		Message:   "the causes of nonconformity {nc.id} have not been analysed"},
	{ID: "10.2-nc-action", Clause: "10.2 c)", Severity: rules.Minor, Subjects: CollNonconformities,
		Title:     "Corrective action without owner or deadline",
		Condition: `!has(nc.noAction.reason) && (size(nc.actions) == 0 || nc.actions.exists(a, !has(a.owner) || !has(a.due)))`,
		Message:   "nonconformity {nc.id} has no corrective action with both an owner and a deadline, and no decision that none is needed",
		Guidance:  "Plan corrective actions with an owner and a deadline, or record (noAction) why none is needed."},
	{ID: "10.2-nc-action-overdue", Clause: "10.2 c)", Severity: rules.Minor, Subjects: CollNonconformities,
		Title:     "Corrective action overdue",
		Condition: `nc.actions.exists(a, ` + openOverdue + `)`,
		Message:   `corrective actions for {nc.id} are overdue: {nc.actions.filter(a, ` + openOverdue + `).map(a, a.id).sort().join(", ")}`},
	{ID: "10.2-nc-effectiveness", Clause: "10.2 d)", Severity: rules.Minor, Subjects: CollNonconformities,
		Title:     "Corrective action effectiveness not reviewed",
		Condition: `size(nc.actions) > 0 && (has(nc.closed) || nc.actions.all(a, a.status in ["done", "cancelled"])) && !has(nc.review.on)`,
		Message:   "nobody has reviewed whether the corrective actions for {nc.id} worked"},
	{ID: "10.2-nc-recurring", Clause: "10.2 b)", Severity: rules.Observation, Subjects: CollNonconformities,
		Title:     "Recurring nonconformity",
		Condition: `size(nc.similar) > 0`,
		Message:   `nonconformity {nc.id} repeats {nc.similar.sort().join(", ")}`},
}

// BuiltinRules returns the built-in rule set, grouped by clause, as a
// fresh copy each call.
func BuiltinRules() []rules.Rule { return slices.Clone(builtin) }

// compileBuiltin compiles the built-in rules once per process.
var compileBuiltin = sync.OnceValues(func() (*rules.RuleSet, error) {
	env, err := NewEnv()
	if err != nil {
		return nil, err
	}
	return rules.CompileRules(env, Collections(), builtin...)
})

// topManagementIDs returns the IDs of top-management people.
func topManagementIDs(s *System) []string {
	out := []string{}
	for i := range s.People {
		if s.People[i].TopManagement {
			out = append(out, s.People[i].ID)
		}
	}
	return out
}

// unheldResponsibilities returns the ISMS (non-owner) responsibilities no
// role with at least one holder carries.
func unheldResponsibilities(s *System) []string {
	held := map[Responsibility]bool{}
	for i := range s.Roles {
		if len(s.HoldersOf(s.Roles[i].ID)) == 0 {
			continue
		}
		for _, r := range s.Roles[i].Responsibilities {
			held[r] = true
		}
	}
	out := []string{}
	for _, r := range Responsibilities() {
		if !r.IsOwner() && !held[r] {
			out = append(out, string(r))
		}
	}
	return out
}

func reviewInputNames(e soa.Edition) []string {
	out := []string{}
	for _, in := range ReviewInputs(e) {
		out = append(out, string(in))
	}
	return out
}

func awarenessCompletion(s *System) decimal.Decimal {
	c, _ := s.Awareness.Completion()
	return c
}
