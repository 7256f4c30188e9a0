package oscal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/defenseunicorns/go-oscal/src/pkg/validation"
	oscalTypes "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"
	"github.com/isms-go/iso27003/examples/oscal"
	"github.com/isms-go/iso27003/examples/sample"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, rewriting it first with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("output differs from %s; run go test -update in examples/oscal and review the diff", path)
	}
}

func sampleReport(t *testing.T, asOf time.Time) *isms.Report {
	t.Helper()
	sys, err := sample.System()
	if err != nil {
		t.Fatal(err)
	}
	r, err := isms.Check(context.Background(), sys, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func export(t *testing.T, r *isms.Report, opts oscal.Options) []byte {
	t.Helper()
	doc, err := oscal.Export(r, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// validate checks b against the official OSCAL 1.1.3 complete schema
// embedded in go-oscal. It decodes b with encoding/json rather than
// handing go-oscal the bytes, which it would read as YAML.
func validate(t *testing.T, b []byte) error {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	v, err := validation.NewValidator(m)
	if err != nil {
		return err
	}
	if got := v.GetSchemaVersion(); got != oscal.Version {
		t.Fatalf("validating against schema %s, want %s", got, oscal.Version)
	}
	err = v.Validate()
	if err == nil {
		return nil
	}
	// The schema error itself lists every branch of the schema's oneOf
	// over the OSCAL models; go-oscal's result keeps the failures of the
	// branch that matters, each at its place in the document.
	res, rerr := v.GetValidationResult()
	if rerr != nil || len(res.Errors) == 0 {
		return err
	}
	msgs := make([]string, 0, len(res.Errors))
	for _, e := range res.Errors {
		msgs = append(msgs, e.InstanceLocation+": "+e.Error)
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// TestSampleExport exports the sample's report, compares it with the
// golden file and validates it against the official OSCAL schema.
func TestSampleExport(t *testing.T) {
	r := sampleReport(t, sample.AsOf)
	got := export(t, r, oscal.Options{})
	golden(t, "sample.oscal.json", got)
	if err := validate(t, got); err != nil {
		t.Fatalf("the export does not validate:\n%v", err)
	}

	var doc oscal.Document
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	res := doc.AssessmentResults.Results[0]
	if res.Observations == nil || res.Findings == nil {
		t.Fatal("the result has no observations or no findings")
	}
	if len(*res.Observations) != len(r.Findings) {
		t.Errorf("%d observations for %d findings", len(*res.Observations), len(r.Findings))
	}
	// Every finding of the report, with its clause and subject, and a
	// satisfied finding for each clause without one.
	obs := map[string]oscalTypes.Observation{}
	for _, o := range *res.Observations {
		obs[o.UUID] = o
	}
	satisfied := 0
	for i, f := range *res.Findings {
		if i >= len(r.Findings) {
			if f.Target.Status.State != "satisfied" || f.Target.Status.Reason != "pass" {
				t.Errorf("clause finding %q: status %+v", f.Title, f.Target.Status)
			}
			satisfied++
			continue
		}
		want := r.Findings[i]
		if prop(f.Props, "clause") != want.Clause || prop(f.Props, "rule-id") != want.RuleID || prop(f.Props, "severity") != want.Severity.String() {
			t.Errorf("finding %d: props %+v, want %s %s %s", i, f.Props, want.Clause, want.RuleID, want.Severity)
		}
		nc := want.Severity == rules.Major || want.Severity == rules.Minor
		if (f.Target.Status.State == "not-satisfied") != nc {
			t.Errorf("finding %d (%s): state %s", i, want.Severity, f.Target.Status.State)
		}
		if f.RelatedObservations == nil || len(*f.RelatedObservations) != 1 {
			t.Fatalf("finding %d: related observations %v, want one", i, f.RelatedObservations)
		}
		o, ok := obs[(*f.RelatedObservations)[0].ObservationUuid]
		if !ok {
			t.Fatalf("finding %d: related observation not in the result", i)
		}
		if prop(o.Props, "subject-kind") != want.Subject.Kind || prop(o.Props, "subject-id") != want.Subject.ID {
			t.Errorf("finding %d: observation subject props %+v, want %v", i, o.Props, want.Subject)
		}
	}
	for _, c := range r.Clauses {
		if c.Rules > 0 && c.Failed == 0 {
			satisfied--
		}
	}
	if satisfied != 0 {
		t.Errorf("satisfied clause findings do not match the clauses without findings (off by %d)", satisfied)
	}
}

func prop(ps *[]oscalTypes.Property, name string) string {
	if ps == nil {
		return ""
	}
	for _, p := range *ps {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

var uuidRE = regexp.MustCompile(`"([0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})"`)

// TestUUIDs checks that UUIDs are unique within a document, version 5,
// stable for a finding across assessments, and new for the document when
// the report changes.
func TestUUIDs(t *testing.T) {
	a := sampleReport(t, sample.AsOf)
	b := sampleReport(t, sample.AsOf.AddDate(0, 0, 1))
	da, db := export(t, a, oscal.Options{}), export(t, b, oscal.Options{})
	if err := validate(t, db); err != nil {
		t.Fatalf("the next day's export does not validate:\n%v", err)
	}

	var docA, docB oscal.Document
	if err := json.Unmarshal(da, &docA); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(db, &docB); err != nil {
		t.Fatal(err)
	}
	defined := map[string]int{}
	ar := docA.AssessmentResults
	defined[ar.UUID]++
	defined[ar.Results[0].UUID]++
	for _, f := range *ar.Results[0].Findings {
		defined[f.UUID]++
	}
	for _, o := range *ar.Results[0].Observations {
		defined[o.UUID]++
	}
	for _, it := range *ar.Results[0].LocalDefinitions.InventoryItems {
		defined[it.UUID]++
	}
	for u, n := range defined {
		if n > 1 {
			t.Errorf("UUID %s defined %d times", u, n)
		}
	}
	if n := len(uuidRE.FindAll(da, -1)); n < len(defined) {
		t.Errorf("%d version 5 UUIDs in the document, want at least %d", n, len(defined))
	}

	if ar.UUID == docB.AssessmentResults.UUID {
		t.Error("two different reports share the document UUID")
	}
	byKey := func(d oscal.Document) map[string]string {
		m := map[string]string{}
		for _, f := range *d.AssessmentResults.Results[0].Findings {
			m[f.Title+"|"+f.Description] = f.UUID
		}
		return m
	}
	fa, fb := byKey(docA), byKey(docB)
	same := 0
	for k, u := range fa {
		if v, ok := fb[k]; ok {
			same++
			if u != v {
				t.Errorf("finding %q changed UUID from one day to the next: %s, %s", k, u, v)
			}
		}
	}
	if same == 0 {
		t.Fatal("no finding in common between the two days: the test checks nothing")
	}
}

// TestDeterministic exports the same report twice, and a copy of it
// checked from a re-decoded system.
func TestDeterministic(t *testing.T) {
	first := export(t, sampleReport(t, sample.AsOf), oscal.Options{})
	sys, err := isms.DecodeJSON(sample.JSON())
	if err != nil {
		t.Fatal(err)
	}
	r, err := isms.Check(context.Background(), sys, sample.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if again := export(t, r, oscal.Options{}); !bytes.Equal(first, again) {
		t.Error("two exports of the same report differ")
	}
}

func TestOptions(t *testing.T) {
	r := sampleReport(t, sample.AsOf)
	doc, err := oscal.Export(r, oscal.Options{Title: "Q4 internal check", Version: "4", AssessmentPlan: "https://grc.example/ap/2026.json"})
	if err != nil {
		t.Fatal(err)
	}
	ar := doc.AssessmentResults
	if ar.Metadata.Title != "Q4 internal check" || ar.Metadata.Version != "4" {
		t.Errorf("metadata %+v", ar.Metadata)
	}
	if ar.ImportAp.Href != "https://grc.example/ap/2026.json" || ar.BackMatter != nil {
		t.Errorf("import-ap %+v, back-matter %+v", ar.ImportAp, ar.BackMatter)
	}
	b, _ := json.Marshal(doc)
	if err := validate(t, b); err != nil {
		t.Error(err)
	}
}

// TestSmallReports validates the documents of reports that leave parts
// of the result empty: no finding at all, no organization, only passed
// clauses, and a grouped finding about several subjects.
func TestSmallReports(t *testing.T) {
	asOf := time.Date(2026, 3, 31, 12, 30, 0, 500, time.FixedZone("CEST", 2*60*60))
	for _, tc := range []struct {
		name   string
		report isms.Report
	}{
		{"empty", isms.Report{AsOf: asOf}},
		{"passed clauses only", isms.Report{Organization: "Example Ltd", AsOf: asOf,
			Clauses: []isms.ClauseStats{{Clause: "4.1", Rules: 2, Passed: 2}}}},
		{"grouped finding", isms.Report{AsOf: asOf, Findings: []rules.Finding{{
			RuleID: "6.1.2-risk-owner", Clause: "6.1.3 d)", Severity: rules.Observation,
			Subject:   rules.Subject{Kind: "risk", ID: "R-1"},
			Instances: []rules.Subject{{Kind: "risk", ID: "R-1"}, {Kind: "risk", ID: "R-2"}},
			Message:   "two risks have no owner",
		}, {
			RuleID: "4.3-scope", Clause: "4.3", Severity: rules.Major, Message: "no scope",
		}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := validate(t, export(t, &tc.report, oscal.Options{})); err != nil {
				t.Errorf("the export does not validate:\n%v", err)
			}
		})
	}
}

func TestExportErrors(t *testing.T) {
	if _, err := oscal.Export(nil, oscal.Options{}); !errors.Is(err, oscal.ErrReport) {
		t.Errorf("nil report: got %v", err)
	}
	r := &isms.Report{Findings: []rules.Finding{
		{RuleID: "", Clause: "4.1", Severity: rules.Minor},
		{RuleID: "x", Clause: " ", Severity: 0},
	}}
	before, _ := json.Marshal(r)
	_, err := oscal.Export(r, oscal.Options{})
	if !errors.Is(err, oscal.ErrReport) {
		t.Fatalf("got %v, want ErrReport", err)
	}
	for _, want := range []string{"asOf", "findings[0].ruleId", "findings[1].clause", "findings[1].severity"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
	if after, _ := json.Marshal(r); !bytes.Equal(before, after) {
		t.Error("Export modified the report")
	}
	for _, year := range []int{1899, 3000} {
		r := &isms.Report{AsOf: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)}
		if _, err := oscal.Export(r, oscal.Options{}); !errors.Is(err, oscal.ErrReport) || !strings.Contains(err.Error(), "asOf") {
			t.Errorf("as of %d: got %v, want an ErrReport naming asOf", year, err)
		}
	}
}

// TestSchemaRejects makes sure the validation the tests rely on is not
// toothless: a broken UUID, a missing required property, a bad status, a
// prop name that is no token and a timestamp without a time zone each
// fail against the official schema, at the place that was tampered with.
func TestSchemaRejects(t *testing.T) {
	good := export(t, sampleReport(t, sample.AsOf), oscal.Options{})
	for _, tc := range []struct{ name, from, to, at string }{
		{"bad uuid", `"uuid": "`, `"uuid": "x`, "/back-matter/resources/0/uuid"},
		{"missing title", `"title": "ISMS conformance check of Invoxa Ltd",`, ``, "/metadata: \"missing property 'title'"},
		{"bad status", `"state": "not-satisfied"`, `"state": "failed"`, "/target/status/state"},
		{"prop name not a token", `"name": "clause"`, `"name": "the clause"`, "/props/0/name"},
		{"date without zone", `"collected": "2026-11-23T00:00:00Z"`, `"collected": "2026-11-23T00:00:00"`, "/observations/0/collected"},
	} {
		bad := bytes.Replace(good, []byte(tc.from), []byte(tc.to), 1)
		if bytes.Equal(bad, good) {
			t.Fatalf("%s: %q not in the export", tc.name, tc.from)
		}
		err := validate(t, bad)
		if err == nil {
			t.Errorf("%s: the schema accepts it", tc.name)
		} else if !strings.Contains(err.Error(), tc.at) {
			t.Errorf("%s: the error does not point at %s:\n%v", tc.name, tc.at, err)
		}
	}
}
