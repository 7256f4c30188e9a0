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
)

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
	}
}

// NewEnv returns the CEL environment built-in and organization rules are
// compiled in: the object types, the collections' variables and the
// variables listed with VarSystem.
func NewEnv() (*rules.Env, error) {
	return rules.NewEnv(
		rules.Objects(systemType, issueType, partyType, roleType, ismsRiskType, riskViewType,
			actionViewType, objectiveType, changeType, documentType, mandatoryType, supplierType,
			auditType, reviewType, ncType, improveType),
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
	)
}

// Common sub-expressions of the rules below.
const (
	policyDue = `addPeriod(has(system.policy.lastReviewed) ? system.policy.lastReviewed : system.policy.effective, ` +
		`has(system.policy.reviewInterval) ? system.policy.reviewInterval : reviewPeriod) < asOf`
	plannedChangeIncomplete = `change.kind == "planned" && change.status != "cancelled" && ` +
		`(!has(change.plan) || !has(change.responsible) || !has(change.deadline))`
)

// builtin is the built-in rule set; the slice is never handed out.
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
	{ID: "4.2-party-requirements", Clause: "4.2 b)", Severity: rules.Minor, Subjects: CollParties,
		Title:     "Interested party without requirements",
		Condition: `size(party.requirements) == 0`,
		Message:   "interested party {party.id} has no requirements recorded"},
	{ID: "4.2-party-review", Clause: "4.2", Severity: rules.Observation, Subjects: CollParties,
		Title:     "Interested party not reviewed within the review period",
		Condition: `addPeriod(party.lastReviewed, reviewPeriod) < asOf`,
		Message:   "interested party {party.id} has not been looked at again within {reviewPeriod}"},
	{ID: "4.2-requirements-addressed", Clause: "4.2 c)", Severity: rules.Observation, Subjects: CollParties,
		Title:     "No decision which requirements the ISMS addresses",
		Condition: `edition != "2013" && size(party.requirements) > 0 && !party.requirements.exists(r, r.addressed)`,
		Message:   "none of the requirements of interested party {party.id} is marked as addressed by the ISMS"},
	// 4.3
	{ID: "4.3-scope-boundaries", Clause: "4.3", Severity: rules.Major,
		Title:     "Scope lacks a kind of boundary",
		Condition: `!["organizational", "ict", "physical"].all(k, system.scope.boundaries.exists(b, b.kind == k))`,
		Message:   `the scope does not set its {["organizational", "ict", "physical"].filter(k, !system.scope.boundaries.exists(b, b.kind == k)).join(", ")} boundaries`},
	{ID: "4.3-scope-approved", Clause: "4.3", Severity: rules.Major,
		Title:     "Scope not approved by top management",
		Condition: `system.scope.status != "approved" || !has(system.scope.approval.on) || !(system.scope.approval.by in topManagement)`,
		Message:   "the scope has no approval by a member of top management"},
	// 5.1
	{ID: "4.3-exclusion-reason", Clause: "4.3", Severity: rules.Minor,
		Title:     "Scope exclusion without reason",
		Condition: `system.scope.units.exists(u, u.inclusion == "excluded" && !has(u.reason))`,
		Message:   `the scope excludes {system.scope.units.filter(u, u.inclusion == "excluded" && !has(u.reason)).map(u, u.id).join(", ")} without saying why`},
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
	{ID: "5.2-policy-review", Clause: "5.2", Severity: rules.Minor,
		Title:     "Policy past its review",
		Condition: `policyPresent && ` + policyDue,
		Message:   "the information security policy is overdue for review"},
	// 5.3
	{ID: "5.3-responsibility-unheld", Clause: "5.3", Severity: rules.Major,
		Title:     "ISMS responsibility nobody holds",
		Condition: `size(unheldResponsibilities) > 0`,
		Message:   `nobody holds the responsibilities {unheldResponsibilities.join(", ")}`},
	{ID: "5.3-role-approved", Clause: "5.3", Severity: rules.Observation, Subjects: CollRoles,
		Title:     "Role not approved",
		Condition: `!has(role.approval.on)`,
		Message:   "role {role.id} has not been approved"},
	// 6.1.1
	{ID: "6.1.1-isms-risk-actions", Clause: "6.1.1 d)", Severity: rules.Minor, Subjects: CollISMSRisks,
		Title:     "ISMS risk or opportunity without actions",
		Condition: `size(ismsRisk.actions) == 0`,
		Message:   "ISMS risk or opportunity {ismsRisk.id} has no planned actions"},
	{ID: "6.1.1-isms-risk-effectiveness", Clause: "6.1.1 e)", Severity: rules.Observation, Subjects: CollISMSRisks,
		Title:     "No way to evaluate the actions' effectiveness",
		Condition: `size(ismsRisk.actions) > 0 && !has(ismsRisk.effectiveness.method)`,
		Message:   "nothing says how the effectiveness of the actions on {ismsRisk.id} will be judged"},
	// 6.1.2
	{ID: "6.1.1-isms-action-overdue", Clause: "6.1.1 d)", Severity: rules.Minor, Subjects: CollISMSRisks,
		Title:     "ISMS-level action overdue",
		Condition: `ismsRisk.actions.exists(a, a.status in ["planned", "in-progress"] && has(a.due) && a.due < asOf)`,
		Message:   `actions on {ismsRisk.id} are overdue: {ismsRisk.actions.filter(a, a.status in ["planned", "in-progress"] && has(a.due) && a.due < asOf).map(a, a.id).join(", ")}`},
	// 6.1.2
	{ID: "6.1.2-criteria-missing", Clause: "6.1.2 a)", Severity: rules.Major,
		Title:     "No risk criteria",
		Condition: `!has(system.criteria.id) && !has(system.criteria.levelRule) && size(system.criteria.levels) == 0`,
		Message:   "the ISMS has no risk criteria, so no risk can be assessed"},
	{ID: "6.1.2-criteria-approved", Clause: "6.1.2 a)", Severity: rules.Major,
		Title:     "Risk criteria not approved",
		Condition: `has(system.criteria.id) && !has(system.criteria.approval.on)`,
		Message:   "the risk criteria {system.criteria.id} have not been approved"},
	{ID: "6.1.2-risk-owner", Clause: "6.1.2 c)", Severity: rules.Major, Subjects: CollRisks,
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
		Condition: `risk.status == "assessed" && !risk.acceptable && (!has(risk.entry.treatment) || size(risk.entry.treatment.options) == 0)`,
		Message:   "risk {risk.id} is at level {risk.level}, above what the criteria accept, and has no treatment"},
	{ID: "6.1.3-residual-concession", Clause: "6.1.3 f)", Severity: rules.Major, Subjects: CollRisks,
		Title:     "Residual risk outside the criteria without concession",
		Condition: `risk.status == "assessed" && !risk.residualAcceptable && (!has(risk.entry.decision.concession) || !has(risk.entry.decision.residualAccepted.on))`,
		Message:   "the residual level {risk.residualLevel} of risk {risk.id} is not acceptable and the owner has not accepted it with a justification"},
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
	// 6.3
	{ID: "6.3-change-plan", Clause: "6.3", Severity: rules.Minor, Subjects: CollISMSChanges,
		Title:     "Planned ISMS change without plan, owner or deadline",
		Condition: `edition != "2013" && ` + plannedChangeIncomplete,
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
		Condition: `role.holders.exists(p, !role.competence.holders.exists(h, h.person == p && size(h.evidence) > 0)) || ` +
			`role.competence.holders.exists(h, size(h.evidence) == 0)`,
		Message: `holders of role {role.id} without evidence of competence: {(role.holders.filter(p, !role.competence.holders.exists(h, h.person == p && size(h.evidence) > 0)) + ` +
			`role.competence.holders.filter(h, size(h.evidence) == 0).map(h, h.person)).join(", ")}`},
	// 7.3
	{ID: "7.3-awareness-completion", Clause: "7.3", Severity: rules.Minor,
		Title:     "Awareness completion below target",
		Condition: `awarenessCompletion < awarenessTarget`,
		Message:   "awareness completion is {awarenessCompletion}, below the target of {awarenessTarget}"},
	// 7.4
	{ID: "7.4-communication-plan", Clause: "7.4", Severity: rules.Minor,
		Title:     "No communication plan",
		Condition: `size(system.communication.items) == 0`,
		Message:   "nothing is planned about what the ISMS communicates, when and to whom"},
	// 7.5
	{ID: "7.5-document-control", Clause: "7.5.2", Severity: rules.Minor, Subjects: CollDocuments,
		Title:     "Document lacks control information",
		Condition: `!has(doc.owner) || !has(doc.approval.on) || !has(doc.version) || !has(doc.classification)`,
		Message: `document {doc.id} lacks {[has(doc.owner) ? "" : "owner", has(doc.approval.on) ? "" : "approval", ` +
			`has(doc.version) ? "" : "version", has(doc.classification) ? "" : "classification"].filter(x, x != "").join(", ")}`},
	{ID: "7.5-document-review", Clause: "7.5.3", Severity: rules.Observation, Subjects: CollDocuments,
		Title: "Document past its review",
		Condition: `doc.origin != "external" && addPeriod(has(doc.lastReviewed) ? doc.lastReviewed : doc.approval.on, ` +
			`has(doc.reviewInterval) ? doc.reviewInterval : reviewPeriod) < asOf`,
		Message: "document {doc.id} is overdue for review"},
	{ID: "7.5-mandatory-item", Clause: "7.5.1", Severity: rules.Major, Subjects: CollMandatory,
		Title:     "Mandatory documented information missing",
		Condition: `size(item.documents) == 0`,
		Message:   "no document covers {item.id} (clause {item.clause})"},
	// 8.1
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
		Condition: `!system.assessments.exists(a, a.coverage == "broad" && has(a.date) && addPeriod(a.date, riskAssessmentPeriod) >= asOf)`,
		Message:   "no risk assessment of the whole scope was carried out within {riskAssessmentPeriod}"},
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
	// 9.2
	{ID: "9.1-measure-results", Clause: "9.1", Severity: rules.Observation,
		Title:     "Measure without results",
		Condition: `system.measures.exists(m, size(m.results) == 0)`,
		Message:   `no results are recorded for measures {system.measures.filter(m, size(m.results) == 0).map(m, m.id).join(", ")}`},
	// 9.2
	{ID: "9.2-programme-coverage", Clause: "9.2", Severity: rules.Minor,
		Title:     "Audit programme coverage incomplete",
		Condition: `size(auditGaps) > 0`,
		Message:   `not audited within the programme's cycle: {auditGaps.join(", ")}`},
	{ID: "9.2-auditor-independence", Clause: "9.2", Severity: rules.Major, Subjects: CollAudits,
		Title: "Auditor audits their own area",
		Condition: `audit.auditors.exists(a, a.ownAreas.exists(o, o in a.areas || o in audit.scope.processes || ` +
			`o in audit.scope.units || o in audit.scope.controls))`,
		Message: `in audit {audit.id}, {audit.auditors.filter(a, a.ownAreas.exists(o, o in a.areas || o in audit.scope.processes || ` +
			`o in audit.scope.units || o in audit.scope.controls)).map(a, a.person).join(", ")} audited an area they are responsible for`},
	{ID: "9.2-report-top-management", Clause: "9.2", Severity: rules.Minor, Subjects: CollAudits,
		Title:     "Audit report not sent to top management",
		Condition: `!audit.report.sentTo.exists(p, p in topManagement)`,
		Message:   "the report of audit {audit.id} did not reach top management"},
	// 9.3
	{ID: "9.3-review-held", Clause: "9.3", Severity: rules.Major,
		Title:     "No recent management review",
		Condition: `!system.managementReviews.exists(r, has(r.date) && addPeriod(r.date, managementReviewPeriod) >= asOf)`,
		Message:   "top management has not reviewed the ISMS within {managementReviewPeriod}"},
	{ID: "9.3-review-inputs", Clause: "9.3", Severity: rules.Minor, Subjects: CollReviews,
		Title:     "Management review missed inputs",
		Condition: `!reviewInputs.all(i, i in review.inputs)`,
		Message:   `management review {review.id} did not consider {reviewInputs.filter(i, !(i in review.inputs)).join(", ")}`},
	{ID: "9.3-review-top-management", Clause: "9.3", Severity: rules.Major, Subjects: CollReviews,
		Title:     "Management review without top management",
		Condition: `!review.attendees.exists(p, p in topManagement)`,
		Message:   "no member of top management attended management review {review.id}"},
	// 10.1 continual improvement (2022 numbering)
	{ID: "10.1-improvement-evaluated", Clause: "10.1", Severity: rules.Observation, Subjects: CollImprovements,
		Title:     "Improvement opportunity never evaluated",
		Condition: `!has(improvement.evaluated)`,
		Message:   "improvement opportunity {improvement.id} has not been evaluated"},
	// 10.2 nonconformity and corrective action (2022 numbering)
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
		Condition: `size(nc.actions) == 0 || nc.actions.exists(a, !has(a.owner) || !has(a.due))`,
		Message:   "nonconformity {nc.id} has no corrective action with both an owner and a deadline"},
	{ID: "10.2-nc-action-overdue", Clause: "10.2 c)", Severity: rules.Minor, Subjects: CollNonconformities,
		Title:     "Corrective action overdue",
		Condition: `nc.actions.exists(a, a.status in ["planned", "in-progress"] && has(a.due) && a.due < asOf)`,
		Message:   `corrective actions for {nc.id} are overdue: {nc.actions.filter(a, a.status in ["planned", "in-progress"] && has(a.due) && a.due < asOf).map(a, a.id).join(", ")}`},
	{ID: "10.2-nc-effectiveness", Clause: "10.2 d)", Severity: rules.Minor, Subjects: CollNonconformities,
		Title:     "Corrective action effectiveness not reviewed",
		Condition: `(has(nc.closed) || (size(nc.actions) > 0 && nc.actions.all(a, a.status in ["done", "cancelled"]))) && !has(nc.review.on)`,
		Message:   "nobody has reviewed whether the corrective actions for {nc.id} worked"},
	{ID: "10.2-nc-recurring", Clause: "10.2 b)", Severity: rules.Observation, Subjects: CollNonconformities,
		Title:     "Recurring nonconformity",
		Condition: `size(nc.similar) > 0`,
		Message:   `nonconformity {nc.id} repeats {nc.similar.join(", ")}`},
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
