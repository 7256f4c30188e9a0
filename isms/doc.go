// Package isms models one snapshot of an organization's information
// security management system, clause by clause, as ISO/IEC 27003 explains
// ISO/IEC 27001 clauses 4 to 10.
//
// # The model
//
// A [System] is plain data with JSON tags: a GRC product maps its rows
// onto it, or keeps it as JSON. Its top-level fields follow the clauses:
//
//	4.1   Issues               internal and external issues, by aspect
//	4.2   Parties              interested parties and their requirements
//	4.3   Scope                boundaries, interfaces, units in and out, approval
//	5.1   Leadership           evidence of top management's involvement
//	5.2   Policy, TopicPolicies the information security policy and those beneath it
//	5.3   Roles                responsibilities, holders, and (7.2) competence
//	6.1.1 ISMSRisks            risks and opportunities for the ISMS itself
//	6.1.2 Criteria, Register   the risk criteria and register (package risk)
//	6.1.3 SoA                  the Statement of Applicability (package soa)
//	6.2   Objectives           measurable objectives and their plans
//	6.3   ISMSChanges          planned changes to the ISMS (2022 edition)
//	7.1   Resources
//	7.3   Awareness            the programme, its sessions and completion
//	7.4   Communication        the communication plan and spokespeople
//	7.5   Documents            documented information and the mandatory items covered
//	8.1   Processes, Suppliers, OperationalChanges
//	8.2   Assessments          the history of risk assessments
//	8.3   TreatmentResults
//	9.1   Measures             monitoring and measurement, with results
//	9.2   AuditProgramme, Audits
//	9.3   ManagementReviews
//	10    Nonconformities, Improvements
//
// The numbering of clause 10 differs between the editions: 27001:2013
// puts nonconformity and corrective action in 10.1 and continual
// improvement in 10.2; 27001:2022 swaps them. [System.Edition] selects
// the edition (2022 when empty) and with it the Annex A catalog that
// control IDs are resolved against.
//
// People is the directory every person reference points into. Records
// refer to each other by ID (strings), never by pointer, so that a
// snapshot can be stored, diffed and checked by CEL rules as flat data.
//
// # Validation
//
// [System.Validate] checks that the snapshot is well formed: IDs present
// and unique per kind, every reference resolving, enumerations holding
// known values, numbers within the bounds of the CEL layer. It reports
// every problem at once, each naming its field path, and wraps
// [ErrInvalid]. It does not judge conformance: an ISMS with no scope or
// an overdue review is well formed, and it is the conformance rules that
// report such gaps. An empty enumeration value means "not recorded" and
// is likewise left to the rules.
//
// # Organization settings
//
// [Settings] holds the periods and targets an organization chooses for
// its own ISMS (how often things are reviewed, the awareness completion
// target). They are part of the snapshot, because they are the
// organization's decisions and travel with its data; the Effective
// methods return the documented defaults when a value is unset.
//
// # Conformance checks
//
// [Check] validates a snapshot, assesses its risk register under its
// criteria, runs [soa.Check] on its statement of applicability and
// evaluates the built-in rule set ([BuiltinRules]) together with any
// organization rules ([WithRules]). Every built-in rule is a [rules.Rule]
// with a stable ID such as "9.3-review-held", so it can be disabled
// ([Disable]), re-graded ([Regrade]) or waived for one subject
// ([Waive]). Rules iterate over the collections of [Collections] and read
// the variables named by the Var constants; the review periods and the
// awareness target come from [Settings] unless an option overrides them.
// Built-in rules cite ISO/IEC 27001:2022 clause numbers (nonconformity
// 10.2, continual improvement 10.1); for a 2013 system the report cites
// the 2013 numbering and lists the rules for requirements 2013 lacks in
// [Report.NotApplicable]. [NewChecker] compiles the rules once for many
// checks. docs/rules.md lists every built-in rule with its clause,
// severity and purpose.
//
// Severities follow how certification auditors grade: major when a
// required element is missing or the system breaks down, minor for an
// isolated lapse against a requirement, observation where only the
// guidance asks for something. [Report.Findings] holds one finding per
// rule and clause listing its instances, as an auditor writes one
// nonconformity with examples; [Report.Details] holds them per subject.
// Findings about the system as a whole have subject kind [SubjectSystem].
//
// # Editions
//
// [ConvertControls] moves a system's Annex A control references between
// the 2022 and 2013 catalogs through [soa.Mapping2013To2022] and reports
// every reference that did not map one to one.
package isms
