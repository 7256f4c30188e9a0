package risk

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

func mustCompile(t testing.TB, c Criteria) *Engine {
	t.Helper()
	e, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func ids(a *Assessment) []string {
	var out []string
	for _, r := range a.Results {
		out = append(out, r.ID)
	}
	return out
}

func TestAssessSample(t *testing.T) {
	e := mustCompile(t, Default5x5())
	a, err := e.Assess(context.Background(), sampleRegister(), testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	wantOrder := []string{"R-1", "R-5", "R-2", "R-4", "R-7", "R-10", "R-3", "R-6"}
	if d := gocmp.Diff(wantOrder, ids(a)); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
	type row struct {
		ID, Status, Level, Residual string
		Acceptable, ResidualOK      bool
	}
	var got []row
	for _, r := range a.Results {
		x := row{ID: r.ID, Status: string(r.Status)}
		if r.Inherent != nil {
			x.Level, x.Residual, x.Acceptable, x.ResidualOK = r.Inherent.Level, r.Residual.Level, r.Inherent.Acceptable, r.Residual.Acceptable
		}
		got = append(got, x)
	}
	want := []row{
		{"R-1", "assessed", "critical", "medium", false, true},
		{"R-5", "assessed", "critical", "high", false, false},
		{"R-2", "assessed", "high", "medium", false, true},
		{"R-4", "assessed", "medium", "medium", true, true},
		{"R-7", "assessed", "medium", "medium", true, true},
		{"R-10", "assessed", "medium", "medium", true, true},
		{"R-3", "assessed", "low", "low", true, true},
		{"R-6", "not-analysed", "", "", false, false},
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
	wantSummary := Summary{Risks: 8, Assessed: 7, NotAnalysed: 1, Unacceptable: 3, ResidualUnacceptable: 1,
		Levels: []LevelCount{{"critical", 4, 2, 0}, {"high", 3, 1, 1}, {"medium", 2, 3, 5}, {"low", 1, 1, 1}}}
	if d := gocmp.Diff(wantSummary, a.Summary); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}
	if a.Fingerprint != e.Fingerprint() || a.CriteriaID != "default-5x5" || a.RegisterID != "acme-2026" || !a.AsOf.Equal(testAsOf) {
		t.Errorf("header = %s %s %s %s", a.CriteriaID, a.Fingerprint, a.RegisterID, a.AsOf)
	}
	r, ok := a.Result("R-10")
	if !ok || !r.ResidualFromInherent || r.Residual == r.Inherent {
		t.Errorf("R-10 should have a residual copied from the inherent: %+v", r)
	}
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "assessment.json", append(b, '\n'))
}

func TestAssessDoesNotChangeTheRegister(t *testing.T) {
	e := mustCompile(t, Default5x5())
	reg := sampleRegister()
	before, _ := json.Marshal(reg)
	a, err := e.Assess(context.Background(), reg, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(reg)
	if string(before) != string(after) {
		t.Error("Assess changed the register")
	}
	// Nor do results share memory with it.
	reg.Risks[0].Inherent.Likelihood = num("1")
	reg.Risks[0].Inherent.Consequences[DimAvailability] = num("1")
	if r, _ := a.Result("R-1"); r.Inherent.Level != "critical" || r.Inherent.Explanation.Inputs[0].Value != "4" {
		t.Error("the assessment changed with the register")
	}
}

func TestAssessValidation(t *testing.T) {
	e := mustCompile(t, Default5x5())
	reg := Register{Risks: []Risk{
		{ID: "R-1", Kind: "threat", Approach: "guess", Properties: []Property{Confidentiality, "secrecy", Confidentiality},
			Inherent: &Rating{Likelihood: num("7"), Consequences: map[string]decimal.Decimal{"morale": num("2"), DimLegal: num("2.5"), "aura": num("1")}}},
		{ID: "R-1", Inherent: &Rating{Likelihood: num("2")}},
		{ID: "", Residual: rating("1", DimLegal, "1")},
		{ID: "R-3", Inherent: rating("2", DimLegal, "1"),
			Residual: &Rating{Likelihood: num("1"), Consequences: map[string]decimal.Decimal{DimLegal: num("1")},
				Quantitative: &QuantInputs{Frequency: num("-1"), Magnitude: decimal.New(1, 300)}},
			Treatment: &Treatment{Options: []Option{Modify, "ignore", Modify}, Controls: []string{"8.1", " "}, Actions: []Action{
				{ID: "A", Status: "waiting"}, {ID: "A", Status: Done}, {Status: ""},
			}}},
		{ID: "R-4", Treatment: &Treatment{}},
		{ID: "R-5", Inherent: rating("2", DimLegal, "1")},
	}}
	want := []string{
		"risks[0].kind", "risks[0].approach", "risks[0].properties[1]", "risks[0].properties[2]",
		"risks[0].inherent.likelihood", "risks[0].inherent.consequences.legal",
		"risks[0].inherent.consequences.aura", "risks[0].inherent.consequences.morale",
		"risks[1].id", "risks[1].inherent.consequences",
		"risks[2].id", "risks[2].residual",
		"risks[3].residual.quantitative.frequency", "risks[3].residual.quantitative.magnitude",
		"risks[3].treatment.options[1]", "risks[3].treatment.options[2]", "risks[3].treatment.controls[1]",
		"risks[3].treatment.actions[0].status", "risks[3].treatment.actions[1].id", "risks[3].treatment.actions[2].status",
		"risks[4].treatment.options",
	}
	err := e.ValidateRegister(reg)
	if d := gocmp.Diff(want, problemKeys(err)); d != "" {
		t.Errorf("ValidateRegister problems (-want +got):\n%s\n%v", d, err)
	}
	for _, par := range []int{1, 3} {
		a, err := e.Assess(context.Background(), reg, testAsOf, Parallelism(par))
		if a != nil {
			t.Error("Assess returned an assessment of an invalid register")
		}
		if d := gocmp.Diff(want, problemKeys(err)); d != "" {
			t.Errorf("Assess problems (-want +got):\n%s", d)
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("errors.Is(err, ErrInvalid) = false")
		}
	}
	if !strings.Contains(err.Error(), `risks[1].id: duplicate risk ID "R-1" (also risks[0])`) {
		t.Errorf("message: %v", err)
	}
	if !strings.Contains(err.Error(), `risks[0].inherent.likelihood: 7 is not a value of the likelihood scale (1, 2, 3, 4, 5)`) {
		t.Errorf("message: %v", err)
	}
}

func TestAssessOptions(t *testing.T) {
	e := mustCompile(t, Default5x5())
	_, err := e.Assess(context.Background(), sampleRegister(), testAsOf, Parallelism(0))
	if err == nil || !strings.Contains(err.Error(), "parallelism must be at least 1") {
		t.Errorf("Parallelism(0): %v", err)
	}
	a, err := e.Assess(context.Background(), Register{}, testAsOf)
	if err != nil || len(a.Results) != 0 || a.Summary.Risks != 0 || len(a.Summary.Levels) != 4 {
		t.Errorf("empty register: %+v, %v", a, err)
	}
}

func TestAssessRuleFailures(t *testing.T) {
	c := Default5x5()
	// Tier 1 risks are raised a level; a missing tier is an error, and a
	// tier of 9 yields a level that does not exist.
	c.LevelRule = `cel.bind(base, score <= 4 ? 1 : score <= 9 ? 2 : score <= 16 ? 3 : 4,
  ["", "low", "medium", "high", "critical", "extreme"][attributes["tier"] == decimal(1) ? base + 1 : attributes["tier"] == decimal(9) ? 5 : base])`
	e := mustCompile(t, c)
	reg := Register{Risks: []Risk{
		{ID: "R-1", Inherent: rating("2", DimLegal, "2"), Attributes: map[string]Attr{"tier": Number(num("1"))}},
		{ID: "R-2", Inherent: rating("2", DimLegal, "2"), Attributes: map[string]Attr{"tier": Number(num("2"))}},
		{ID: "R-3", Inherent: rating("2", DimLegal, "2")},
		{ID: "R-4", Inherent: rating("5", DimLegal, "5"), Attributes: map[string]Attr{"tier": Number(num("1"))}},
		{ID: "R-5", Inherent: rating("1", DimLegal, "1"), Attributes: map[string]Attr{"tier": Number(num("9"))}},
		{ID: "R-6", Inherent: rating("1", DimLegal, "1"), Residual: rating("1", DimLegal, "1"), Attributes: map[string]Attr{"tier": Number(num("2"))}},
	}}
	a, err := e.Assess(context.Background(), reg, testAsOf)
	if a == nil {
		t.Fatalf("no assessment: %v", err)
	}
	var re *RatingError
	if !errors.As(err, &re) || re.RiskID != "R-3" || !errors.Is(err, rules.ErrEval) {
		t.Errorf("error = %v", err)
	}
	type row struct{ ID, Status, Level, Error string }
	var got []row
	for _, r := range a.Results {
		x := row{ID: r.ID, Status: string(r.Status), Error: r.Error}
		if r.Inherent != nil {
			x.Level = r.Inherent.Level
		}
		if len(x.Error) > 30 {
			x.Error = x.Error[:30]
		}
		got = append(got, x)
	}
	want := []row{
		{"R-1", "assessed", "medium", ""},
		{"R-2", "assessed", "low", ""},
		{"R-6", "assessed", "low", ""},
		{"R-3", "failed", "", "default-5x5.levelRule: no such"},
		{"R-4", "failed", "", `the level rule yields "extreme`},
		{"R-5", "failed", "", `the level rule yields "extreme`},
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
	if a.Summary.Failed != 3 || a.Summary.Assessed != 3 {
		t.Errorf("summary %+v", a.Summary)
	}
	if r, _ := a.Result("R-1"); r.Inherent.Explanation.LevelBy != MethodCEL ||
		r.Inherent.Explanation.Inputs[len(r.Inherent.Explanation.Inputs)-1] != (Input{"attributes.tier", "1"}) {
		t.Errorf("R-1 explanation %+v", r.Inherent.Explanation)
	}
}

func TestAssessCancelled(t *testing.T) {
	e := mustCompile(t, Default5x5())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Assess(ctx, sampleRegister(), testAsOf)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, rules.ErrLimit) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestAssessQuantitative(t *testing.T) {
	e := mustCompile(t, formulaCriteria())
	q := func(f, m string) *Rating {
		return &Rating{Likelihood: num(f), Consequences: map[string]decimal.Decimal{DimFinancial: num(m)},
			Quantitative: &QuantInputs{Frequency: num(f), Magnitude: num(m), Currency: "EUR"}}
	}
	reg := Register{Risks: []Risk{
		{ID: "Q-1", Inherent: q("0.5", "250000.00"), Residual: q("0.1", "250000.00")},
		{ID: "Q-2", Inherent: q("12", "9000")},
		{ID: "Q-3", Inherent: q("0.02", "40000")},
	}}
	a, err := e.Assess(context.Background(), reg, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ ID, ALE, Level, ResidualALE, ResidualLevel, Score string }
	var got []row
	for _, r := range a.Results {
		got = append(got, row{r.ID, rules.FormatDecimal(r.Inherent.ALE), r.Inherent.Level,
			rules.FormatDecimal(r.Residual.ALE), r.Residual.Level, rules.FormatDecimal(r.Inherent.Score)})
	}
	want := []row{
		{"Q-1", "125000.000", "high", "25000.000", "medium", "125000.000"},
		{"Q-2", "108000", "high", "108000", "high", "108000"},
		{"Q-3", "800.00", "low", "800.00", "low", "800.00"},
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	r, _ := a.Result("Q-1")
	wantIn := []Input{{"likelihood", "0.5"}, {"consequences.financial", "250000.00"}, {"frequency", "0.5"}, {"magnitude", "250000.00"}}
	if d := gocmp.Diff(wantIn, r.Inherent.Explanation.Inputs); d != "" {
		t.Errorf("inputs (-want +got):\n%s", d)
	}
	if _, err := e.HeatMap(a); !errors.Is(err, ErrNoGrid) {
		t.Errorf("heat map of continuous scales: %v", err)
	}
}

func TestAssessAttributesAndAsOf(t *testing.T) {
	c := Default5x5()
	c.AcceptanceRule = `rank <= 2 || (has(attributes.acceptedUntil) && timestamp(attributes.acceptedUntil) > asOf)`
	e := mustCompile(t, c)
	if e.acceptBy != tabNone {
		t.Fatalf("acceptance should not be tabulated")
	}
	reg := Register{Risks: []Risk{
		{ID: "R-1", Inherent: rating("5", DimLegal, "5"), Attributes: map[string]Attr{"acceptedUntil": String("2026-06-30T00:00:00Z"), "note": String("x")}},
		{ID: "R-2", Inherent: rating("5", DimLegal, "5"), Attributes: map[string]Attr{"acceptedUntil": String("2026-01-31T00:00:00Z")}},
		{ID: "R-3", Inherent: rating("5", DimLegal, "5")},
	}}
	a, err := e.Assess(context.Background(), reg, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range a.Results {
		got[r.ID] = r.Inherent.Acceptable
		if r.Inherent.Explanation.AcceptanceBy != MethodCEL || r.Inherent.Explanation.LevelBy != MethodTabulated {
			t.Errorf("%s: %+v", r.ID, r.Inherent.Explanation)
		}
	}
	if d := gocmp.Diff(map[string]bool{"R-1": true, "R-2": false, "R-3": false}, got); d != "" {
		t.Errorf("acceptable (-want +got):\n%s", d)
	}
	r, _ := a.Result("R-1")
	wantIn := []Input{{"likelihood", "5"}, {"consequences.legal", "5"}, {"attributes.acceptedUntil", "2026-06-30T00:00:00Z"}, {"attributes.note", "x"}}
	if d := gocmp.Diff(wantIn, r.Inherent.Explanation.Inputs); d != "" {
		t.Errorf("inputs (-want +got):\n%s", d)
	}
}

func TestRate(t *testing.T) {
	e := mustCompile(t, Default5x5())
	_, err := e.Rate(context.Background(), rating("6", "mood", "2"), nil, testAsOf)
	if d := gocmp.Diff([]string{"rating.likelihood", "rating.consequences.mood"}, problemKeys(err)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := e.Rate(context.Background(), nil, nil, testAsOf); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil rating: %v", err)
	}
	c := Default5x5()
	c.PriorityRule = `attributes["weight"] * score`
	e = mustCompile(t, c)
	ev, err := e.Rate(context.Background(), rating("2", DimLegal, "3"), map[string]Attr{"weight": Number(num("1.5"))}, testAsOf)
	if err != nil || !ev.Priority.Equal(num("9")) || ev.Explanation.PriorityBy != MethodCEL {
		t.Errorf("priority %s by %s, %v", ev.Priority, ev.Explanation.PriorityBy, err)
	}
	_, err = e.Rate(context.Background(), rating("2", DimLegal, "3"), map[string]Attr{"weight": String("heavy")}, testAsOf)
	var re *RatingError
	if !errors.As(err, &re) || re.Rating != "rating" {
		t.Errorf("string weight: %v", err)
	}
}

// TestConcurrentUse assesses with one engine from many goroutines at once
// (run it with -race).
func TestConcurrentUse(t *testing.T) {
	for _, e := range propertyEngines(t) {
		reg := genDefaultRegister(2500, 7)
		want, err := e.Assess(context.Background(), reg, testAsOf, Parallelism(1))
		if err != nil {
			t.Fatal(err)
		}
		wantJSON, _ := json.Marshal(want)
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				a, err := e.Assess(context.Background(), reg, testAsOf, Parallelism(1+i%3))
				if err == nil {
					if got, _ := json.Marshal(a); string(got) != string(wantJSON) {
						err = errors.New("concurrent assessments differ")
					}
				}
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	}
}
