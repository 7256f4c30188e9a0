package risk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Comparers for values that round-trip through JSON by value rather than
// by representation.
var roundTripOpts = gocmp.Options{
	decimalEqual,
	gocmp.Comparer(func(a, b Attr) bool { return a.Equal(b) }),
	gocmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmpopts.EquateEmpty(),
}

// drawDecimal draws v written with extra trailing zeros now and then, so
// that equal values come in different representations.
func drawDecimal(t *rapid.T, label string, v int64, exp int32) decimal.Decimal {
	k := rapid.IntRange(0, 2).Draw(t, label+"Zeros")
	d := decimal.New(v, exp)
	for range k {
		d = decimal.New(d.CoefficientInt64()*10, d.Exponent()-1)
	}
	return d
}

func drawRating5(t *rapid.T, label string, max int) *Rating {
	r := &Rating{
		Likelihood:   drawDecimal(t, label+"L", int64(rapid.IntRange(1, max).Draw(t, label+"Likelihood")), 0),
		Consequences: map[string]decimal.Decimal{},
	}
	for _, dim := range rapid.SliceOfNDistinct(rapid.SampledFrom(dims5x5), 1, 4, rapid.ID).Draw(t, label+"Dims") {
		r.Consequences[dim] = drawDecimal(t, label+dim, int64(rapid.IntRange(1, max).Draw(t, label+dim+"Value")), 0)
	}
	return r
}

var attrGen = rapid.OneOf(
	rapid.Map(rapid.IntRange(0, 5), func(i int) Attr { return Number(decimal.NewFromInt(int64(i))) }),
	rapid.Map(rapid.SampledFrom([]string{"erp", "crm", "", "hr"}), String),
	rapid.Map(rapid.Bool(), Bool),
)

// drawRegister draws a register valid under the 5×5 default criteria:
// unique IDs (some equal in number but not in text, "R-01" and "R-1"),
// some risks not analysed, residual ratings, treatments and attributes.
func drawRegister(t *rapid.T) Register {
	idGen := rapid.StringMatching(`(R|RISK|A)-0?[0-9]{1,3}`)
	idList := rapid.SliceOfNDistinct(idGen, 0, 30, rapid.ID).Draw(t, "ids")
	reg := Register{ID: rapid.SampledFrom([]string{"", "reg"}).Draw(t, "regID")}
	for i, id := range idList {
		l := fmt.Sprint(i)
		r := Risk{ID: id, Title: "risk " + l, Owner: rapid.SampledFrom([]string{"", "ann", "bob"}).Draw(t, "owner"+l),
			Kind: rapid.SampledFrom([]Kind{"", InformationSecurity, ISMSRisk, ISMSOpportunity}).Draw(t, "kind"+l)}
		if rapid.IntRange(0, 9).Draw(t, "analysed"+l) > 0 {
			r.Inherent = drawRating5(t, "inherent"+l, 5)
			if rapid.Bool().Draw(t, "hasResidual"+l) {
				r.Residual = drawRating5(t, "residual"+l, 3)
			}
		}
		if rapid.Bool().Draw(t, "treated"+l) {
			r.Treatment = &Treatment{
				Options:  rapid.SliceOfNDistinct(rapid.SampledFrom(options), 1, 3, rapid.ID).Draw(t, "options"+l),
				Controls: rapid.SliceOfN(rapid.SampledFrom([]string{"5.1", "8.7", "C-1"}), 0, 2).Draw(t, "controls"+l),
			}
			for j := range rapid.IntRange(0, 3).Draw(t, "actions"+l) {
				r.Treatment.Actions = append(r.Treatment.Actions, Action{
					ID: fmt.Sprint("A", j), Description: "step", Status: rapid.SampledFrom(statuses).Draw(t, "status"),
					Due: testAsOf.AddDate(0, 0, rapid.IntRange(-40, 40).Draw(t, "due")),
				})
			}
		}
		r.Attributes = rapid.MapOfN(rapid.SampledFrom([]string{"tier", "system", "waived"}), attrGen, 0, 3).Draw(t, "attrs"+l)
		if len(r.Attributes) == 0 {
			r.Attributes = nil
		}
		reg.Risks = append(reg.Risks, r)
	}
	return reg
}

// propertyEngines are the engines the register properties run on: the
// tabulated default, the same run through CEL, and one whose rules read
// attributes and asOf.
func propertyEngines(t testing.TB) []*Engine {
	e := mustCompile(t, Default5x5())
	c := Default5x5()
	c.ID = "attribute-rules"
	c.PriorityRule = `score + (has(attributes.tier) && type(attributes.tier) == decimal ? attributes.tier : decimal(0))`
	c.AcceptanceRule = `rank <= 2 || (has(attributes.waived) && attributes.waived == true && asOf < timestamp("2027-01-01T00:00:00Z"))`
	return []*Engine{e, e.untabulated(), mustCompile(t, c)}
}

func assessJSON(t *rapid.T, e *Engine, reg Register, opts ...AssessOption) []byte {
	a, err := e.Assess(context.Background(), reg, testAsOf, opts...)
	if err != nil {
		t.Fatalf("assess: %v", err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPropertyShuffledRegister(t *testing.T) {
	engines := propertyEngines(t)
	rapid.Check(t, func(t *rapid.T) {
		e := rapid.SampledFrom(engines).Draw(t, "engine")
		reg := drawRegister(t)
		want := assessJSON(t, e, reg)
		shuffled := reg
		shuffled.Risks = rapid.Permutation(reg.Risks).Draw(t, "order")
		if got := assessJSON(t, e, shuffled); string(got) != string(want) {
			t.Fatalf("the order of the register changed the assessment:\n%s", gocmp.Diff(string(want), string(got)))
		}
	})
}

func TestPropertyParallelism(t *testing.T) {
	engines := propertyEngines(t)
	rapid.Check(t, func(t *rapid.T) {
		e := rapid.SampledFrom(engines).Draw(t, "engine")
		n := rapid.IntRange(0, 3*assessChunk).Draw(t, "n")
		reg := genDefaultRegister(n, rapid.Uint64().Draw(t, "seed"))
		one := assessJSON(t, e, reg, Parallelism(1))
		many := assessJSON(t, e, reg, Parallelism(rapid.IntRange(2, 16).Draw(t, "workers")))
		if string(one) != string(many) {
			t.Fatal("the number of goroutines changed the assessment")
		}
	})
}

func TestPropertyRegisterRoundTrip(t *testing.T) {
	e := mustCompile(t, Default5x5())
	rapid.Check(t, func(t *rapid.T) {
		reg := drawRegister(t)
		b, err := json.Marshal(reg)
		if err != nil {
			t.Fatal(err)
		}
		var back Register
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if d := gocmp.Diff(reg, back, roundTripOpts); d != "" {
			t.Fatalf("register round trip (-before +after):\n%s", d)
		}
		a, err := e.Assess(context.Background(), reg, testAsOf)
		if err != nil {
			t.Fatal(err)
		}
		b, err = json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var aback Assessment
		if err := json.Unmarshal(b, &aback); err != nil {
			t.Fatal(err)
		}
		if d := gocmp.Diff(*a, aback, roundTripOpts); d != "" {
			t.Fatalf("assessment round trip (-before +after):\n%s", d)
		}
		b2, _ := json.Marshal(aback)
		if string(b) != string(b2) {
			t.Fatal("assessment JSON changed on the second trip")
		}
		if c := Compare(a, &aback); len(c.Changes) != 0 || c.CriteriaChanged {
			t.Fatalf("a round trip shows changes: %+v", c)
		}
	})
}

// drawScale draws a discrete scale with n strictly ascending values.
func drawScale(t *rapid.T, label string, kind ScaleKind) Scale {
	n := rapid.IntRange(1, 6).Draw(t, label+"N")
	exp := int32(-rapid.IntRange(0, 2).Draw(t, label+"Exp"))
	s := Scale{Name: label, Kind: kind}
	v := int64(rapid.IntRange(0, 3).Draw(t, label+"Start"))
	for i := range n {
		s.Levels = append(s.Levels, ScaleLevel{Value: drawDecimal(t, fmt.Sprint(label, i), v, exp), Name: fmt.Sprint(label, "-", i)})
		v += int64(rapid.IntRange(1, 50).Draw(t, fmt.Sprint(label, "Step", i)))
	}
	return s
}

// drawCriteria draws valid criteria with discrete scales whose rules read
// only what may be tabulated, in several shapes.
func drawCriteria(t *rapid.T) Criteria {
	kind := rapid.SampledFrom(scaleKinds).Draw(t, "kind")
	lik, cons := drawScale(t, "likelihood", kind), drawScale(t, "consequence", kind)
	c := Criteria{
		ID: "random", Version: fmt.Sprint(rapid.IntRange(1, 9).Draw(t, "version")),
		Likelihood: lik, Consequence: cons,
		Dimensions: []Dimension{{ID: "a", Scale: cons}, {ID: "b", Scale: cons}, {ID: "c", Scale: cons}},
		Levels:     []Level{{Name: "low", Rank: 1, Color: "#00aa00"}, {Name: "mid", Rank: 5}, {Name: "top", Rank: 9, Color: "#AA0000"}},
	}
	if rapid.Bool().Draw(t, "approved") {
		c.Approval = Approval{By: "board", Role: "top management",
			On: time.Date(2026, 1, rapid.IntRange(1, 28).Draw(t, "approvedOn"), 9, 0, 0, 0, time.FixedZone("CET", 3600))}
	}
	t1 := rapid.IntRange(0, 200).Draw(t, "t1")
	t2 := t1 + rapid.IntRange(0, 200).Draw(t, "t2")
	c.LevelRule = rapid.SampledFrom([]string{
		fmt.Sprintf(`score <= %d ? "low" : score <= %d ? "mid" : "top"`, t1, t2),
		fmt.Sprintf(`likelihood + consequence <= decimal("%d.5") ? "low" : consequence > %d ? "top" : "mid"`, t1/10, t2/10),
		fmt.Sprintf(`cel.bind(s, score.round(0, "floor"), [%d, %d].filter(x, s > x).size() == 0 ? "low" : s > %d ? "top" : "mid")`, t1, t2, t2),
	}).Draw(t, "levelRule")
	c.AcceptanceRule = rapid.SampledFrom([]string{
		`rank <= 5`, `level == "low"`, fmt.Sprintf(`rank <= 5 && score < %d`, t2), `likelihood < consequence || rank == 1`,
	}).Draw(t, "acceptanceRule")
	c.PriorityRule = rapid.SampledFrom([]string{"", `rank * 100`, `score * decimal("1.5") + decimal(rank)`, `score.div(3, 2, "half_even")`}).Draw(t, "priorityRule")
	c.CombineRule = rapid.SampledFrom([]string{"", `decimals.max(consequences.map(k, consequences[k]))`}).Draw(t, "combineRule")
	return c
}

func TestPropertyCriteriaRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := drawCriteria(t)
		if err := c.Validate(); err != nil {
			t.Fatalf("drawn criteria are invalid: %v", err)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Criteria
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if d := gocmp.Diff(c, back, roundTripOpts); d != "" {
			t.Fatalf("criteria round trip (-before +after):\n%s", d)
		}
		if c.Fingerprint() != back.Fingerprint() {
			t.Fatal("the fingerprint changed on a round trip")
		}
	})
}

// withoutMethods blanks how results were found, which is all a tabulated
// and an untabulated engine may differ in.
func withoutMethods(ev Evaluation) Evaluation {
	ev.Explanation.LevelBy, ev.Explanation.AcceptanceBy, ev.Explanation.PriorityBy = 0, 0, 0
	return ev
}

func TestPropertyTabulatedAgreesWithCEL(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := drawCriteria(t)
		e, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		if !e.levelTab {
			t.Fatalf("level rule %q not tabulated", c.LevelRule)
		}
		u := e.untabulated()
		ctx := context.Background()
		check := func(r *Rating) {
			got, err1 := e.Rate(ctx, r, nil, testAsOf)
			want, err2 := u.Rate(ctx, r, nil, testAsOf)
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("tabulated: %v, CEL: %v", err1, err2)
			}
			if d := gocmp.Diff(withoutMethods(want), withoutMethods(got), decimalEqual); d != "" {
				t.Fatalf("rating %+v (-cel +tabulated):\n%s", r, d)
			}
			if want.Explanation.LevelBy != MethodCEL {
				t.Fatalf("untabulated engine used %s", want.Explanation.LevelBy)
			}
		}
		// Every cell.
		for _, l := range c.Likelihood.Levels {
			for _, cl := range c.Consequence.Levels {
				check(&Rating{Likelihood: l.Value, Consequences: map[string]decimal.Decimal{"b": cl.Value}})
			}
		}
		// Random ratings over several dimensions, with quantitative inputs.
		for i := range 20 {
			l := fmt.Sprint(i)
			r := &Rating{Likelihood: rapid.SampledFrom(c.Likelihood.Levels).Draw(t, "l"+l).Value, Consequences: map[string]decimal.Decimal{}}
			for _, dim := range rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"a", "b", "c"}), 1, 3, rapid.ID).Draw(t, "dims"+l) {
				r.Consequences[dim] = rapid.SampledFrom(c.Consequence.Levels).Draw(t, dim+l).Value
			}
			if rapid.Bool().Draw(t, "quant"+l) {
				r.Quantitative = &QuantInputs{
					Frequency: decimal.New(rapid.Int64Range(0, 100000).Draw(t, "f"+l), -int32(rapid.IntRange(0, 4).Draw(t, "fe"+l))),
					Magnitude: decimal.New(rapid.Int64Range(0, 1e9).Draw(t, "m"+l), -int32(rapid.IntRange(0, 2).Draw(t, "me"+l))),
				}
			}
			check(r)
		}
	})
}

// TestPropertyFormula checks the quantitative formula criteria against
// plain Go on random decimal inputs.
func TestPropertyFormula(t *testing.T) {
	e := mustCompile(t, formulaCriteria())
	rapid.Check(t, func(t *rapid.T) {
		f := decimal.New(rapid.Int64Range(0, 1e7).Draw(t, "f"), -int32(rapid.IntRange(0, 6).Draw(t, "fe")))
		m := decimal.New(rapid.Int64Range(0, 1e12).Draw(t, "m"), -int32(rapid.IntRange(0, 4).Draw(t, "me")))
		r := &Rating{Likelihood: f, Consequences: map[string]decimal.Decimal{DimFinancial: m}, Quantitative: &QuantInputs{Frequency: f, Magnitude: m}}
		ev, err := e.Rate(context.Background(), r, nil, testAsOf)
		if err != nil {
			t.Fatal(err)
		}
		ale := f.Mul(m)
		want := "low"
		switch {
		case ale.Cmp(aleCritical) >= 0:
			want = "critical"
		case ale.Cmp(aleHigh) >= 0:
			want = "high"
		case ale.Cmp(aleMedium) >= 0:
			want = "medium"
		}
		if ev.Level != want || !ev.ALE.Equal(ale) || !ev.Score.Equal(ale) || ev.Acceptable != (want == "low" || want == "medium") {
			t.Fatalf("f=%s m=%s: got %s (ale %s), want %s (ale %s)", f, m, ev.Level, ev.ALE, want, ale)
		}
	})
}

// TestPropertyBadRatingsAreReported feeds ratings off every scale, with
// hostile numbers: they are reported, never a panic or a hang.
func TestPropertyBadRatingsAreReported(t *testing.T) {
	e := mustCompile(t, Default5x5())
	numGen := rapid.Custom(func(t *rapid.T) decimal.Decimal {
		return decimal.New(rapid.Int64().Draw(t, "coef"), rapid.Int32Range(-1e9, 1e9).Draw(t, "exp"))
	})
	rapid.Check(t, func(t *rapid.T) {
		r := &Rating{Likelihood: numGen.Draw(t, "l"),
			Consequences: rapid.MapOfN(rapid.SampledFrom(append(slices.Clone(dims5x5), "x", "")), numGen, 0, 3).Draw(t, "cons")}
		if rapid.Bool().Draw(t, "quant") {
			r.Quantitative = &QuantInputs{Frequency: numGen.Draw(t, "f"), Magnitude: numGen.Draw(t, "m")}
		}
		reg := Register{Risks: []Risk{{ID: "R-1", Inherent: r,
			Attributes: map[string]Attr{"n": Number(numGen.Draw(t, "attr"))}}}}
		_, err := e.Rate(context.Background(), r, nil, testAsOf)
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("rate: %v", err)
		}
		if err != nil && !strings.Contains(err.Error(), "rating.") {
			t.Fatalf("error names no field: %v", err)
		}
		if _, err := e.Assess(context.Background(), reg, testAsOf); err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("assess: %v", err)
		}
	})
}

// TestRunawayRule: a rule that would run for ever ends at the cost limit.
func TestRunawayRule(t *testing.T) {
	c := Default5x5()
	c.AcceptanceRule = `rank <= 2 || attributes.size() > 0 && [1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b,
  [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, a + b + c + d + e > 0)))))`
	e, err := Compile(c, rules.WithCostLimit(10_000))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = e.Rate(context.Background(), rating("5", DimLegal, "5"), map[string]Attr{"x": Bool(true)}, testAsOf)
	if !errors.Is(err, rules.ErrLimit) {
		t.Errorf("runaway rule: %v, want a limit error", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("the limit took %s to stop the rule", el)
	}
}

// TestPropertyNaturalKeys: comparing sort keys bytewise orders IDs as
// rules.NaturalCompare does.
func TestPropertyNaturalKeys(t *testing.T) {
	idGen := rapid.OneOf(rapid.StringMatching(`[A-Za-z./-]{0,3}(0{0,3}[0-9]{0,12}[a-z:-]{0,2}){0,3}`), rapid.String())
	rapid.Check(t, func(t *rapid.T) {
		a, b := idGen.Draw(t, "a"), idGen.Draw(t, "b")
		if rapid.Bool().Draw(t, "sharePrefix") {
			b = a[:rapid.IntRange(0, len(a)).Draw(t, "prefix")] + b
		}
		ka, kb := string(appendNaturalKey(nil, a, math.MaxInt)), string(appendNaturalKey(nil, b, math.MaxInt))
		if got, want := strings.Compare(ka, kb), rules.NaturalCompare(a, b); got != want {
			t.Fatalf("%q vs %q: keys compare %d, NaturalCompare %d", a, b, got, want)
		}
	})
}

// TestPropertyTabulatedOrder: sorting by the cells' ranks gives the same
// order as sorting by the decimals.
func TestPropertyTabulatedOrder(t *testing.T) {
	e := mustCompile(t, Default5x5())
	u := e.untabulated()
	c := Default5x5()
	c.PriorityRule = `score.div(7, 0, "floor")`
	p := mustCompile(t, c)
	if p.prioBy != tabCell {
		t.Fatalf("priority by %v", p.prioBy)
	}
	rapid.Check(t, func(t *rapid.T) {
		reg := drawRegister(t)
		for _, pair := range [][2]*Engine{{e, u}, {p, p.untabulated()}} {
			a, err1 := pair[0].Assess(context.Background(), reg, testAsOf)
			b, err2 := pair[1].Assess(context.Background(), reg, testAsOf)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if d := gocmp.Diff(ids(b), ids(a)); d != "" {
				t.Fatalf("order (-cel +tabulated):\n%s", d)
			}
		}
	})
}
