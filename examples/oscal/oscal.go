// Package oscal exports an iso27003 conformance report (isms.Report) as
// an OSCAL assessment-results document, for GRC tools that exchange
// assessments in OSCAL (CISO Assistant and Probo among them).
//
// The mapping:
//
//   - The report is one result. Its start and end, the document's
//     last-modified time and every observation's collection time are the
//     report's as-of instant: the export reads no clock.
//   - Each finding of the report becomes an observation (what was seen,
//     about which subject) and an OSCAL finding whose target is the
//     clause (objective-id "iso27001-2022-clause-6.1.2"), with the state
//     not-satisfied for a major or minor nonconformity and satisfied
//     (reason "other") for an observation or an opportunity for
//     improvement. The clause, rule, severity and guidance travel as
//     props and remarks.
//   - Each subject (kind and ID, such as "risk R-12") is an inventory item
//     in the result's local definitions, referenced by the observations.
//   - Each clause whose rules all passed gets a finding with the state
//     satisfied (reason "pass"), so that a tool sees what was checked, not
//     only what failed.
//
// Every UUID is a version 5 UUID (RFC 9562) of a fixed namespace and a
// stable key: a finding keeps its UUID from one assessment to the next
// for as long as the organization, rule and subject stay the same, which
// lets a tool track it. The document and result UUIDs change with the
// report's content. The same report always gives byte-identical JSON.
//
// The document is made of the OSCAL 1.1.3 types of go-oscal
// (github.com/defenseunicorns/go-oscal, package oscalTypes_1_1_3); the
// tests validate the output against the official OSCAL 1.1.3 complete
// JSON schema that go-oscal embeds.
//
// Props this package defines carry Namespace as their ns.
package oscal

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	oscalTypes "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/rules"
)

// Namespace is the ns of the props this export defines.
const Namespace = "https://github.com/isms-go/iso27003/ns/oscal"

// uuidNamespace is the UUID namespace of every UUID the export makes: the
// version 5 UUID of Namespace in the RFC 9562 URL namespace.
var uuidNamespace = uuidV5(
	[16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8},
	Namespace)

// Options are the document-level choices of an export. The zero Options
// are usable.
type Options struct {
	// Title is the document's title; empty means "ISMS conformance
	// check" followed by the organization's name.
	Title string
	// Version is the document's version; empty means the as-of date
	// (2006-01-02).
	Version string
	// AssessmentPlan is the href of the OSCAL assessment plan the results
	// belong to. OSCAL requires one; when empty, import-ap points at a
	// back-matter resource that says the assessment ran the library's
	// rule set without a separate plan.
	AssessmentPlan string
}

// ErrReport is wrapped by the errors of Export for a report
// that cannot be exported. Use errors.Is.
var ErrReport = errors.New("oscal: cannot export report")

// Export maps r onto an OSCAL assessment-results document, ready to
// encode with encoding/json. It does not modify r. A nil report, a
// report without an as-of instant or with one outside the years 1900 to
// 2999 (the years an OSCAL timestamp allows), and findings without a rule ID, a
// clause or a valid severity are errors; all problems are reported at
// once.
func Export(r *isms.Report, opts Options) (*Document, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil report", ErrReport)
	}
	var errs []error
	if r.AsOf.IsZero() {
		errs = append(errs, fmt.Errorf("%w: asOf: the report has no as-of instant", ErrReport))
	} else if y := r.AsOf.UTC().Year(); y < 1900 || y > 2999 {
		// OSCAL's date-time pattern allows the years 1900 to 2999 only.
		errs = append(errs, fmt.Errorf("%w: asOf: year %d is outside the years 1900 to 2999 an OSCAL timestamp can carry", ErrReport, y))
	}
	for i, f := range r.Findings {
		if strings.TrimSpace(f.RuleID) == "" {
			errs = append(errs, fmt.Errorf("%w: findings[%d].ruleId: empty", ErrReport, i))
		}
		if strings.TrimSpace(f.Clause) == "" {
			errs = append(errs, fmt.Errorf("%w: findings[%d].clause: empty", ErrReport, i))
		}
		if !f.Severity.Valid() {
			errs = append(errs, fmt.Errorf("%w: findings[%d].severity: invalid severity %d", ErrReport, i, int(f.Severity)))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	content, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrReport, err)
	}
	sum := sha256.Sum256(content)
	digest := hex.EncodeToString(sum[:])

	org := r.Organization
	asOf := r.AsOf.UTC()
	stamp := asOf.Format(time.RFC3339Nano)
	edition := string(r.Edition)
	if edition == "" {
		edition = "2022"
	}
	title := opts.Title
	if title == "" {
		title = "ISMS conformance check"
		if org != "" {
			title += " of " + org
		}
	}
	version := opts.Version
	if version == "" {
		version = asOf.Format(time.DateOnly)
	}

	doc := &oscalTypes.AssessmentResults{
		UUID: id("assessment-results", org, stamp, digest),
		Metadata: oscalTypes.Metadata{
			Title:        title,
			LastModified: asOf,
			Version:      version,
			OscalVersion: Version,
			Props: props(
				"iso27001-edition", edition,
				"criteria-fingerprint", r.CriteriaFingerprint,
			),
		},
	}
	if org != "" {
		doc.Metadata.Parties = &[]oscalTypes.Party{{UUID: id("party", org), Type: "organization", Name: org}}
	}
	if opts.AssessmentPlan != "" {
		doc.ImportAp = oscalTypes.ImportAp{Href: opts.AssessmentPlan}
	} else {
		res := oscalTypes.Resource{
			UUID:        id("no-assessment-plan", org),
			Title:       "No separate assessment plan",
			Description: "The assessment ran the iso27003 library's conformance rules on a snapshot of the ISMS; the rules take the place of an assessment plan.",
		}
		doc.ImportAp = oscalTypes.ImportAp{Href: "#" + res.UUID}
		doc.BackMatter = &oscalTypes.BackMatter{Resources: &[]oscalTypes.Resource{res}}
	}

	result := oscalTypes.Result{
		UUID:        id("result", org, stamp, digest),
		Title:       "Conformance with ISO/IEC 27001:" + edition + " clauses 4 to 10",
		Description: description(r),
		Start:       asOf,
		End:         &asOf,
		ReviewedControls: oscalTypes.ReviewedControls{
			Description:       "Every requirement of clauses 4 to 10 the rule set checks, and the Statement of Applicability.",
			ControlSelections: []oscalTypes.AssessedControls{{IncludeAll: &oscalTypes.IncludeAll{}}},
		},
	}

	// Subjects, one inventory item each, in subject order.
	subjects := make([]rules.Subject, 0, len(r.Findings))
	for _, f := range r.Findings {
		subjects = append(subjects, findingSubjects(f)...)
	}
	slices.SortFunc(subjects, rules.Subject.Compare)
	subjects = slices.Compact(subjects)
	items := make([]oscalTypes.InventoryItem, 0, len(subjects))
	for _, s := range subjects {
		items = append(items, oscalTypes.InventoryItem{
			UUID:        subjectID(org, s),
			Description: subjectTitle(s),
			Props:       props("subject-kind", s.Kind, "subject-id", s.ID),
		})
	}
	if len(items) > 0 {
		result.LocalDefinitions = &oscalTypes.LocalDefinitions{InventoryItems: &items}
	}

	var observations []oscalTypes.Observation
	var findings []oscalTypes.Finding
	seen := map[string]int{}
	for _, f := range r.Findings {
		key := []string{org, f.RuleID, f.Subject.Kind, f.Subject.ID}
		// Two findings of one rule on one subject (different messages)
		// get the occurrence number into their key.
		k := strings.Join(key, "\x00")
		if n := seen[k]; n > 0 {
			key = append(key, strconv.Itoa(n))
		}
		seen[k]++
		obs := oscalTypes.Observation{
			UUID:        id(append([]string{"observation", stamp}, key...)...),
			Title:       f.RuleID + ": " + subjectTitle(f.Subject),
			Description: f.Message,
			Props:       props("rule-id", f.RuleID, "subject-kind", f.Subject.Kind, "subject-id", f.Subject.ID),
			Methods:     []string{"EXAMINE"},
			Types:       &[]string{"finding"},
			Subjects:    subjectRefs(org, findingSubjects(f)),
			Collected:   asOf,
		}
		state, reason := "satisfied", "other"
		if f.Severity == rules.Major || f.Severity == rules.Minor {
			state, reason = "not-satisfied", "fail"
		}
		finding := oscalTypes.Finding{
			UUID:        id(append([]string{"finding"}, key...)...),
			Title:       fmt.Sprintf("%s (clause %s): %s", f.Severity.Title(), f.Clause, subjectTitle(f.Subject)),
			Description: f.Message,
			Props:       props("clause", f.Clause, "rule-id", f.RuleID, "severity", f.Severity.String()),
			Target:      clauseTarget(edition, f.Clause, state, reason, f.Severity.Title()),
			RelatedObservations: &[]oscalTypes.RelatedObservation{{
				ObservationUuid: obs.UUID,
			}},
			Remarks: f.Guidance,
		}
		observations = append(observations, obs)
		findings = append(findings, finding)
	}

	for _, c := range r.Clauses {
		if c.Rules == 0 || c.Failed > 0 {
			continue
		}
		findings = append(findings, oscalTypes.Finding{
			UUID:        id("clause", org, edition, c.Clause),
			Title:       "Clause " + c.Clause + ": no finding",
			Description: fmt.Sprintf("%d of %d rules for clause %s ran and found nothing.", c.Passed, c.Rules, c.Clause),
			Props:       props("clause", c.Clause),
			Target:      clauseTarget(edition, c.Clause, "satisfied", "pass", ""),
		})
	}
	if len(observations) > 0 {
		result.Observations = &observations
	}
	if len(findings) > 0 {
		result.Findings = &findings
	}
	doc.Results = []oscalTypes.Result{result}
	return &Document{AssessmentResults: doc}, nil
}

// description summarizes the report in one sentence per fact.
func description(r *isms.Report) string {
	var b strings.Builder
	b.WriteString("Automated check of the ISMS records against the requirements of ISO/IEC 27001 clauses 4 to 10")
	if r.Organization != "" {
		b.WriteString(" for " + r.Organization)
	}
	fmt.Fprintf(&b, ", as of %s.", r.AsOf.UTC().Format(time.DateOnly))
	counts := make([]string, 0, len(r.Counts))
	for _, c := range r.Counts {
		counts = append(counts, fmt.Sprintf("%d %s", c.Count, c.Severity))
	}
	if len(counts) > 0 {
		b.WriteString(" Findings: " + strings.Join(counts, ", ") + ".")
	}
	return b.String()
}

// clauseTarget is the objective of one clause of edition.
func clauseTarget(edition, clause, state, reason, remarks string) oscalTypes.FindingTarget {
	return oscalTypes.FindingTarget{
		Type:     "objective-id",
		TargetId: "iso27001-" + edition + "-clause-" + token(clause),
		Title:    "ISO/IEC 27001:" + edition + " clause " + clause,
		Props:    props("clause", clause),
		Status:   oscalTypes.ObjectiveStatus{State: state, Reason: reason, Remarks: remarks},
	}
}

// token turns a clause reference such as "6.1.3 d)" into the characters
// an OSCAL token allows: "6.1.3-d".
func token(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r == '.' || r == '_' || r == '-' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		if !ok {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// findingSubjects returns the subjects a finding is about: each instance
// of a grouped finding, or its one subject.
func findingSubjects(f rules.Finding) []rules.Subject {
	if len(f.Instances) > 0 {
		return f.Instances
	}
	return []rules.Subject{f.Subject}
}

// subjectRefs refers an observation to the inventory items of ss.
func subjectRefs(org string, ss []rules.Subject) *[]oscalTypes.SubjectReference {
	out := make([]oscalTypes.SubjectReference, len(ss))
	for i, s := range ss {
		out[i] = oscalTypes.SubjectReference{SubjectUuid: subjectID(org, s), Type: "inventory-item", Title: subjectTitle(s)}
	}
	return &out
}

func subjectTitle(s rules.Subject) string {
	if s.Kind == "" && s.ID == "" {
		return "the ISMS as a whole"
	}
	return s.String()
}

func subjectID(org string, s rules.Subject) string {
	return id("subject", org, s.Kind, s.ID)
}

// props builds props from name, value pairs in Namespace, leaving out
// empty values (OSCAL does not allow them); nil when none is left.
func props(pairs ...string) *[]oscalTypes.Property {
	var out []oscalTypes.Property
	for i := 0; i+1 < len(pairs); i += 2 {
		if v := strings.TrimSpace(pairs[i+1]); v != "" {
			out = append(out, oscalTypes.Property{Name: pairs[i], Value: v, Ns: Namespace})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}

// id is the version 5 UUID of the parts in the export's namespace. Each
// part is quoted, so that no two lists of parts give the same name.
func id(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(strconv.Quote(p))
	}
	return format(uuidV5(uuidNamespace, b.String()))
}

// uuidV5 is the name-based UUID of name in namespace ns (RFC 9562 5.5).
func uuidV5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u
}

func format(u [16]byte) string {
	s := hex.EncodeToString(u[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}
