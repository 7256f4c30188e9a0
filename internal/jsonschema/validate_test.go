package jsonschema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/isms-go/iso27003/examples/sample"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
)

// compiled compiles the checked-in schema file (not a freshly generated
// one: TestSchemas ties the two together).
func compiled(t *testing.T, file string) *sjs.Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(schemaDir, file))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := sjs.NewCompiler()
	c.AssertFormat() // date-time is checked, not only annotated
	if err := c.AddResource(idBase+file, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(idBase + file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return s
}

func instance(t *testing.T, b []byte) any {
	t.Helper()
	v, err := sjs.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mergePatch applies an RFC 7386 merge patch, as isms/rules_test.go does
// for the rule cases.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
		} else {
			t[k] = mergePatch(t[k], v)
		}
	}
	return t
}

// systems are every system document in the repository: the sample, the
// minimal system, and the minimal system with each rule case's patch.
func systems(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{
		"examples/sample/system.json": readFile(t, filepath.Join(repoRoot, "examples/sample/system.json")),
		"isms/testdata/minimal.json":  readFile(t, filepath.Join(repoRoot, "isms/testdata/minimal.json")),
	}
	cases, err := filepath.Glob(filepath.Join(repoRoot, "isms/testdata/rules/*.json"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no rule cases: %v", err)
	}
	for _, path := range cases {
		var c struct {
			Patch json.RawMessage `json:"patch"`
		}
		if err := json.Unmarshal(readFile(t, path), &c); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var doc, p any
		if err := json.Unmarshal(out["isms/testdata/minimal.json"], &doc); err != nil {
			t.Fatal(err)
		}
		if len(c.Patch) > 0 {
			if err := json.Unmarshal(c.Patch, &p); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			doc = mergePatch(doc, p)
		}
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		out["isms/testdata/rules/"+filepath.Base(path)] = b
	}
	return out
}

// TestSampleDataValidates validates every system document, the same
// documents after a decode and encode round trip (the form the library
// writes), their criteria and registers on their own, the default
// criteria, and the report isms.Check gives for the sample.
func TestSampleDataValidates(t *testing.T) {
	sysSchema := compiled(t, "system.schema.json")
	critSchema := compiled(t, "criteria.schema.json")
	regSchema := compiled(t, "register.schema.json")
	reportSchema := compiled(t, "report.schema.json")

	for name, data := range systems(t) {
		if err := sysSchema.Validate(instance(t, data)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		sys, err := isms.DecodeJSON(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, doc := range []struct {
			what   string
			v      any
			schema *sjs.Schema
		}{
			{"round trip", sys, sysSchema},
			{"criteria", sys.Criteria, critSchema},
			{"register", sys.Register, regSchema},
		} {
			if reflect.ValueOf(doc.v).Kind() == reflect.Struct && reflect.ValueOf(doc.v).IsZero() {
				continue // absent from the system; a zero Criteria is written with empty kinds
			}
			b, err := json.Marshal(doc.v)
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.schema.Validate(instance(t, b)); err != nil {
				t.Errorf("%s, %s: %v", name, doc.what, err)
			}
		}
	}

	defaults, err := filepath.Glob(filepath.Join(repoRoot, "risk/defaults/*.json"))
	if err != nil || len(defaults) == 0 {
		t.Fatalf("no default criteria: %v", err)
	}
	for _, path := range defaults {
		if err := critSchema.Validate(instance(t, readFile(t, path))); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	for _, c := range []risk.Criteria{risk.Default5x5(), risk.Default3x3()} {
		b, _ := json.Marshal(c)
		if err := critSchema.Validate(instance(t, b)); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
	}

	sys, err := sample.System()
	if err != nil {
		t.Fatal(err)
	}
	report, err := isms.Check(context.Background(), sys, sample.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Findings) == 0 {
		t.Fatal("the sample report has no findings: the report schema would go untested on them")
	}
	b, err := json.Marshal(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := reportSchema.Validate(instance(t, b)); err != nil {
		t.Errorf("report of the sample: %v", err)
	}

	// The report schema requires what the library always writes.
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "findings")
	b, _ = json.Marshal(doc)
	if err := reportSchema.Validate(instance(t, b)); err == nil || !strings.Contains(err.Error(), "findings") {
		t.Errorf("a report without findings: got %v, want a missing property error", err)
	}
}

// TestInvalidDocumentsFail checks that the schemas reject what the
// decoder rejects: a wrong enum value, a wrong type, a misspelt field, a
// missing required field, a malformed decimal, period or instant.
func TestInvalidDocumentsFail(t *testing.T) {
	sysSchema := compiled(t, "system.schema.json")
	base := readFile(t, filepath.Join(repoRoot, "isms/testdata/minimal.json"))
	for _, tc := range []struct {
		name, patch string
		want        string // a fragment of the validation error
		decodeFails bool   // isms.DecodeJSON rejects it too
	}{
		{"wrong enum value", `{"edition": "2019"}`, "/edition", false}, // Validate rejects it
		{"wrong enum in a list", `{"issues": [{"id": "I-1", "origin": "outside", "aspect": "natural", "description": "x"}]}`, "/issues/0/origin", false},
		{"wrong type", `{"organization": 42}`, "/organization", true},
		{"unknown field", `{"organisation": "Example Ltd"}`, "organisation", true},
		{"malformed decimal", `{"settings": {"awarenessTarget": "ninety"}}`, "/settings/awarenessTarget", true},
		{"malformed period", `{"settings": {"reviewPeriod": "12 months"}}`, "/settings/reviewPeriod", true},
		{"negative period", `{"settings": {"reviewPeriod": -3}}`, "/settings/reviewPeriod", true},
		{"malformed instant", `{"issues": [{"id": "I-1", "origin": "internal", "aspect": "natural", "description": "x", "lastReviewed": "1 March 2024"}]}`, "/issues/0/lastReviewed", true},
		{"wrong severity", `{"audits": [{"id": "AU-9", "findings": [{"id": "F-1", "severity": "huge"}]}]}`, "/audits/0/findings/0/severity", true},
		{"severity as a number", `{"audits": [{"id": "AU-9", "findings": [{"id": "F-1", "severity": 1}]}]}`, "/audits/0/findings/0/severity", true},
		{"unknown field deep down", `{"scope": {"statment": "typo"}}`, "statment", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc, p any
			if err := json.Unmarshal(base, &doc); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.patch), &p); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(mergePatch(doc, p))
			err := sysSchema.Validate(instance(t, b))
			if err == nil {
				t.Fatalf("the schema accepts %s", tc.patch)
			}
			var ve *sjs.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a validation error, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not mention %q:\n%v", tc.want, err)
			}
			if _, derr := isms.DecodeJSON(b); tc.decodeFails && derr == nil {
				t.Errorf("isms.DecodeJSON accepts %s, the schema does not: which one is right?", tc.patch)
			}
		})
	}
}
