package rules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var tRules = []Rule{
	{ID: "risk-owner", Clause: "6.1.2 c)", Severity: Major, Title: "Every risk has an owner", Subjects: "risks",
		Condition: `!has(risk.owner)`, Message: "risk {risk.id} ({risk.title}) has no owner", Guidance: "name the person accountable"},
	{ID: "action-overdue", Clause: "6.1.3 e)", Severity: Minor, Title: "Treatment actions are on time", Subjects: "risks",
		Condition: `risk.actions.exists(a, a.due < asOf)`,
		Message:   "risk {risk.id} has overdue actions: {risk.actions.filter(a, a.due < asOf).map(a, a.id)}"},
	{ID: "review", Clause: "8.2", Severity: Observation, Title: "Risks are reviewed yearly", Subjects: "risks",
		Condition: `!has(risk.reviewed) || addPeriod(risk.reviewed, "P12M") < asOf`,
		Message:   "risk {risk.id} was last reviewed {has(risk.reviewed) ? string(daysBetween(risk.reviewed, asOf)) + ' days ago' : 'never'}"},
	{ID: "register-size", Clause: "6.1.2", Severity: Opportunity, Title: "The register is not tiny",
		Condition: `riskCount < 5`, Message: "only {riskCount} risks are registered"},
}

func tRuleSet(t testing.TB) *RuleSet {
	env := tEnv(t, Variable("riskCount", IntType))
	rs, err := CompileRules(env, []Collection{tRisks}, tRules...)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func tInput(rs []tRisk) Input {
	return Input{AsOf: tAsOf, Vars: NewVars(nil).Set("riskCount", int64(len(rs))), Subjects: tItems(rs)}
}

func TestEvaluate(t *testing.T) {
	rs := tRuleSet(t)
	res, err := rs.Evaluate(context.Background(), tInput(tRegister()))
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{
		{RuleID: "register-size", Clause: "6.1.2", Severity: Opportunity, Message: "only 3 risks are registered"},
		{RuleID: "risk-owner", Clause: "6.1.2 c)", Severity: Major, Subject: Subject{"risk", "R-2"},
			Message: "risk R-2 (ransomware) has no owner", Guidance: "name the person accountable"},
		{RuleID: "action-overdue", Clause: "6.1.3 e)", Severity: Minor, Subject: Subject{"risk", "R-2"},
			Message: "risk R-2 has overdue actions: A-2"},
		{RuleID: "review", Clause: "8.2", Severity: Observation, Subject: Subject{"risk", "R-2"}, Message: "risk R-2 was last reviewed never"},
		{RuleID: "review", Clause: "8.2", Severity: Observation, Subject: Subject{"risk", "R-10"}, Message: "risk R-10 was last reviewed 730 days ago"},
	}
	if diff := cmp.Diff(want, res.Findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	wantStats := []RuleStats{
		{RuleID: "register-size", Clause: "6.1.2", Severity: Opportunity, Evaluated: 1, Failed: 1},
		{RuleID: "risk-owner", Clause: "6.1.2 c)", Severity: Major, Evaluated: 3, Failed: 1},
		{RuleID: "action-overdue", Clause: "6.1.3 e)", Severity: Minor, Evaluated: 3, Failed: 1},
		{RuleID: "review", Clause: "8.2", Severity: Observation, Evaluated: 3, Failed: 2},
	}
	if diff := cmp.Diff(wantStats, res.Rules); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func TestEvaluateOptions(t *testing.T) {
	rs := tRuleSet(t)
	r2 := Subject{"risk", "R-2"}
	tests := []struct {
		name string
		opts []EvalOption
		want []string // "rule subject severity"
		err  string
	}{
		{name: "disable", opts: []EvalOption{Disable("review", "register-size")},
			want: []string{"risk-owner risk R-2 major", "action-overdue risk R-2 minor"}},
		{name: "regrade", opts: []EvalOption{Disable("review", "register-size"), Regrade("risk-owner", Observation)},
			want: []string{"risk-owner risk R-2 observation", "action-overdue risk R-2 minor"}},
		{name: "active waiver", opts: []EvalOption{Disable("review", "register-size"),
			Waive(Waiver{RuleID: "risk-owner", Subject: r2, Justification: "owner being hired", Expires: tAsOf.AddDate(0, 1, 0)})},
			want: []string{"action-overdue risk R-2 minor"}},
		{name: "waiver expiring at asOf", opts: []EvalOption{Disable("review", "register-size"),
			Waive(Waiver{RuleID: "risk-owner", Subject: r2, Justification: "owner being hired", Expires: tAsOf})},
			want: []string{"risk-owner risk R-2 major", "waiver-expired risk R-2 observation", "action-overdue risk R-2 minor"}},
		{name: "waiver for another subject", opts: []EvalOption{Disable("review", "register-size"),
			Waive(Waiver{RuleID: "risk-owner", Subject: Subject{"risk", "R-1"}, Justification: "x", Expires: tAsOf.AddDate(1, 0, 0)})},
			want: []string{"risk-owner risk R-2 major", "action-overdue risk R-2 minor"}},
		{name: "bad options reported at once", opts: []EvalOption{Disable("nope"), Regrade("nada", Major), Regrade("review", 0),
			Waive(Waiver{RuleID: "zip"}, Waiver{RuleID: "review", Subject: r2, Justification: "j", Expires: tAsOf}, Waiver{RuleID: "review", Subject: r2, Justification: "j", Expires: tAsOf})},
			err: `disable: unknown rule "nope"
regrade: unknown rule "nada"
regrade: rule "review": invalid severity
waivers[0].ruleId: unknown rule "zip"
waivers[0].justification: a waiver needs a justification
waivers[0].expires: a waiver needs an expiry
waivers[2]: a second waiver for rule "review" on "risk R-2"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := rs.Evaluate(context.Background(), tInput(tRegister()), tc.opts...)
			if tc.err != "" {
				if err == nil || !strings.HasSuffix(err.Error(), tc.err) {
					t.Fatalf("error:\n%v\nwant it to end with:\n%s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, fmt.Sprintf("%s %s %s", f.RuleID, f.Subject, f.Severity))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompileRulesReportsEverything(t *testing.T) {
	env := tEnv(t)
	_, err := CompileRules(env, []Collection{tRisks, {Name: "risks", Var: "r", Kind: "r", Type: IntType}},
		Rule{ID: "a", Clause: "4.1", Severity: Major, Subjects: "risks", Condition: "risk.nope", Message: "x"},
		Rule{ID: "a", Clause: "", Severity: 9, Subjects: "ghosts", Condition: "true", Message: "{risk.id"},
		Rule{Clause: "4.2", Severity: Minor, Condition: "1 +", Message: ""},
		Rule{ID: "b", Clause: "4.3", Severity: Minor, Subjects: "risks", Condition: "true", Message: "line one\nrisk {risk.idd} here"},
	)
	var ces CompileErrors
	if !errors.As(err, &ces) {
		t.Fatalf("error %v", err)
	}
	var got []string
	for _, ce := range ces {
		got = append(got, fmt.Sprintf("%s %s.%s %d:%d", ce.Code, ce.ID, ce.Field, ce.Line, ce.Column))
	}
	want := []string{
		"rule .collections 0:0",
		"type a.condition 1:5",
		"rule a.id 0:0",
		"rule a.severity 0:0",
		"rule a.clause 0:0",
		"rule a.subjects 0:0",
		"syntax a.message 1:1",
		"rule rules[2].id 0:0",
		"syntax rules[2].condition 1:4",
		"rule rules[2].message 0:0",
		"type b.message 2:11",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("compile errors (-want +got):\n%s\nfull error:\n%v", diff, err)
	}
}

func TestEvaluationErrorsNameRuleAndSubject(t *testing.T) {
	env := tEnv(t)
	rs, err := CompileRules(env, []Collection{tRisks}, Rule{ID: "cost", Clause: "9.1", Severity: Minor, Subjects: "risks",
		Condition: `risk.attrs["cost"] > 10`, Message: "{risk.id}"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := rs.Evaluate(context.Background(), tInput(tRegister()))
	var ee *EvalError
	if !errors.As(err, &ee) || !errors.Is(err, ErrEval) {
		t.Fatalf("error %v", err)
	}
	if ee.ID != "cost" || ee.Subject.Kind != "risk" || ee.Subject.ID == "" {
		t.Errorf("eval error %+v does not name rule and subject", ee)
	}
	// R-2 has the attribute and still gets evaluated.
	if len(res.Findings) != 1 || res.Findings[0].Subject.ID != "R-2" || res.Rules[0].Errors != 2 {
		t.Errorf("result %+v", res)
	}
}

// TestEvaluateIsDeterministic: evaluating twice, over a shuffled register,
// or with a different number of goroutines gives identical findings.
func TestEvaluateIsDeterministic(t *testing.T) {
	rs := tRuleSet(t)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 1500).Draw(t, "n")
		reg := genRegister(t, n)
		first, err := rs.Evaluate(context.Background(), tInput(reg), Parallelism(1))
		if err != nil {
			t.Fatal(err)
		}
		again, err := rs.Evaluate(context.Background(), tInput(reg), Parallelism(rapid.IntRange(2, 8).Draw(t, "workers")))
		if err != nil {
			t.Fatal(err)
		}
		perm := rapid.Permutation(reg).Draw(t, "shuffled")
		shuffled, err := rs.Evaluate(context.Background(), tInput(perm))
		if err != nil {
			t.Fatal(err)
		}
		a, b, c := mustJSON(t, first), mustJSON(t, again), mustJSON(t, shuffled)
		if a != b || a != c {
			t.Fatalf("results differ:\n%s\n%s\n%s", a, b, c)
		}
	})
}

func mustJSON(t interface{ Fatal(...any) }, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func genRegister(t *rapid.T, n int) []tRisk {
	reg := make([]tRisk, n)
	for i := range reg {
		r := &reg[i]
		r.ID = fmt.Sprintf("R-%d", i+1)
		r.Title = rapid.StringMatching(`[a-z ]{0,12}`).Draw(t, "title")
		if rapid.Bool().Draw(t, "owned") {
			r.Owner = &tOwner{Name: "o"}
		}
		for j := range rapid.IntRange(0, 2).Draw(t, "actions") {
			r.Actions = append(r.Actions, tAction{ID: fmt.Sprintf("A-%d-%d", i, j), Due: tAsOf.AddDate(0, 0, rapid.IntRange(-30, 30).Draw(t, "due"))})
		}
		if rapid.Bool().Draw(t, "reviewed") {
			r.Review = tAsOf.AddDate(0, 0, -rapid.IntRange(0, 800).Draw(t, "age"))
		}
	}
	return reg
}

// TestConcurrentEvaluation evaluates one compiled rule set from 64
// goroutines; run with -race.
func TestConcurrentEvaluation(t *testing.T) {
	rs := tRuleSet(t)
	reg := tRegister()
	want, err := rs.Evaluate(context.Background(), tInput(reg))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := rs.Evaluate(context.Background(), tInput(reg), Parallelism(2))
			if err != nil {
				errs <- err
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				errs <- fmt.Errorf("result differs (-want +got):\n%s", diff)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestEvaluateCancelled(t *testing.T) {
	rs := tRuleSet(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := rs.Evaluate(ctx, tInput(tRegister()))
	if !errors.Is(err, ErrLimit) || !errors.Is(err, context.Canceled) {
		t.Errorf("error %v", err)
	}
}

func TestRuleSetAccessors(t *testing.T) {
	rs := tRuleSet(t)
	var ids []string
	for _, r := range rs.Rules() {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]string{"register-size", "risk-owner", "action-overdue", "review"}, ids); diff != "" {
		t.Errorf("rule order (-want +got):\n%s", diff)
	}
	if r, ok := rs.Rule("review"); !ok || r.Clause != "8.2" {
		t.Errorf("Rule(review) = %+v, %v", r, ok)
	}
	if _, ok := rs.Rule("nope"); ok {
		t.Error("Rule(nope) found")
	}
}

func TestWaiverJSON(t *testing.T) {
	w := Waiver{RuleID: "r", Subject: Subject{"risk", "R-1"}, Justification: "j", Expires: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	got := mustJSON(t, w)
	want := `{"ruleId":"r","subject":{"kind":"risk","id":"R-1"},"justification":"j","expires":"2027-01-01T00:00:00Z"}`
	if got != want {
		t.Errorf("got %s", got)
	}
}
