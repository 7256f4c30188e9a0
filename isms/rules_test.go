package isms_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isms-go/iso27003/isms"
)

// ruleCase is one file under testdata/rules: a JSON merge patch (RFC 7386)
// applied to testdata/minimal.json, and whether the rule must fire.
type ruleCase struct {
	Rule  string          `json:"rule"`
	Fires bool            `json:"fires"`
	AsOf  time.Time       `json:"asOf,omitzero"`
	Patch json.RawMessage `json:"patch"`
}

// caseAsOf is the default evaluation instant of the cases; the fixture
// is current then.
var caseAsOf = time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)

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

func patchedSystem(t *testing.T, patch json.RawMessage) *isms.System {
	t.Helper()
	base, err := os.ReadFile("testdata/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc, p any
	if err := json.Unmarshal(base, &doc); err != nil {
		t.Fatal(err)
	}
	if len(patch) > 0 {
		if err := json.Unmarshal(patch, &p); err != nil {
			t.Fatal(err)
		}
		doc = mergePatch(doc, p)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := isms.DecodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loadCases(t *testing.T) map[string]ruleCase {
	t.Helper()
	files, err := filepath.Glob("testdata/rules/*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]ruleCase{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c ruleCase
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = c
	}
	return out
}

func TestBuiltinRuleCases(t *testing.T) {
	for name, c := range loadCases(t) {
		t.Run(name, func(t *testing.T) {
			s := patchedSystem(t, c.Patch)
			asOf := c.AsOf
			if asOf.IsZero() {
				asOf = caseAsOf
			}
			rep, err := isms.Check(context.Background(), s, asOf)
			if err != nil {
				t.Fatal(err)
			}
			fired := false
			for _, f := range rep.Findings {
				if f.RuleID == c.Rule {
					fired = true
					t.Logf("%s: %s", f.Subject, f.Message)
				}
			}
			if fired != c.Fires {
				t.Errorf("rule %s fired = %v, want %v", c.Rule, fired, c.Fires)
			}
			for _, st := range rep.Rules {
				if st.Errors > 0 {
					t.Errorf("rule %s: %d evaluation errors", st.RuleID, st.Errors)
				}
			}
		})
	}
}

// TestBuiltinRulesHaveCases fails when a built-in rule lacks a case that
// triggers it or one that does not.
func TestBuiltinRulesHaveCases(t *testing.T) {
	fires, passes := map[string]bool{}, map[string]bool{}
	for _, c := range loadCases(t) {
		if c.Fires {
			fires[c.Rule] = true
		} else {
			passes[c.Rule] = true
		}
	}
	for _, r := range isms.BuiltinRules() {
		if !fires[r.ID] {
			t.Errorf("rule %s has no case under testdata/rules that triggers it", r.ID)
		}
		if !passes[r.ID] {
			t.Errorf("rule %s has no case under testdata/rules that passes it", r.ID)
		}
	}
}

func TestBaseFindings(t *testing.T) {
	s := patchedSystem(t, nil)
	rep, err := isms.Check(context.Background(), s, caseAsOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if !strings.HasPrefix(f.RuleID, "soa.") {
			t.Logf("%s %s: %s", f.RuleID, f.Subject, f.Message)
		}
	}
}
