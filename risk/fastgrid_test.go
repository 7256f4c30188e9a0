package risk

import (
	"context"
	"fmt"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// gridCriteria are the default 5×5 criteria with two dimensions on
// scales of their own: one with a value off the consequence scale (whose
// ratings the level rule then evaluates), one whose values are written
// with a decimal place.
func gridCriteria() Criteria {
	c := Default5x5()
	c.ID = "grid-mixed"
	for i := range c.Dimensions {
		switch c.Dimensions[i].ID {
		case DimLegal:
			c.Dimensions[i].Scale.Levels = []ScaleLevel{{Value: num("1"), Name: "minor"}, {Value: num("2.5"), Name: "some"}, {Value: num("5"), Name: "major"}}
		case DimAvailability:
			c.Dimensions[i].Scale.Levels = []ScaleLevel{{Value: num("1.0"), Name: "low"}, {Value: num("3.0"), Name: "mid"}, {Value: num("5.0"), Name: "high"}}
		}
	}
	return c
}

// withoutGrid is a copy of e that never takes the grid fast path.
func withoutGrid(e *Engine) *Engine {
	u := *e
	u.gridDims, u.cellEvals = false, nil
	return &u
}

// TestPropertyGridFastPath: assessments that take the grid fast path
// where they can give what the general path gives (with OmitInputs,
// without the inputs), and the same error for a bad register; also with ratings off the scales, on unknown dimensions,
// written with extra zeros, with quantitative inputs, and tied across
// dimensions.
func TestPropertyGridFastPath(t *testing.T) {
	var engines []*Engine
	for _, c := range []Criteria{Default5x5(), Default3x3(), gridCriteria()} {
		e, err := Compile(c)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if !e.gridFast() {
			t.Fatalf("%s: no grid fast path", c.ID)
		}
		engines = append(engines, e)
	}
	bad := []string{"0", "6", "-1", "4.5", "2.5", "1e40"}
	valid, checks := 0, 0
	defer func() {
		if valid < checks/4 {
			t.Errorf("only %d of %d registers drawn were valid", valid, checks)
		}
	}()
	rapid.Check(t, func(t *rapid.T) {
		checks++
		e := engines[rapid.IntRange(0, len(engines)-1).Draw(t, "engine")]
		// value draws a value of the scale, now and then with extra zeros
		// (equal, but written otherwise), rarely one off the scale.
		value := func(si *scaleInfo, label string) decimal.Decimal {
			// (rapid draws the ends of a range more often than the middle.)
			if rapid.IntRange(0, 499).Draw(t, label+"Bad") == 223 {
				return num(rapid.SampledFrom(bad).Draw(t, label))
			}
			v := rapid.SampledFrom(si.levels).Draw(t, label).Value
			if rapid.IntRange(0, 9).Draw(t, label+"Zeros") == 5 {
				v = decimal.New(v.CoefficientInt64()*10, v.Exponent()-1)
			}
			return v
		}
		rating := func(label string) *Rating {
			r := &Rating{Likelihood: value(&e.lik, label+"L"), Consequences: map[string]decimal.Decimal{}}
			for _, di := range rapid.SliceOfNDistinct(rapid.IntRange(0, len(e.dims)-1), 1, 5, rapid.ID).Draw(t, label+"Dims") {
				r.Consequences[e.dims[di].id] = value(&e.dims[di].scale, label+e.dims[di].id)
			}
			switch rapid.IntRange(0, 299).Draw(t, label+"Odd") {
			case 123:
				r.Quantitative = &QuantInputs{Frequency: num("0.5"), Magnitude: num("1000")}
			case 124:
				r.Consequences["unknown"] = num("1")
			case 125:
				clear(r.Consequences)
			}
			return r
		}
		n := rapid.IntRange(0, 60).Draw(t, "n")
		reg := Register{ID: "grid"}
		for i := range n {
			r := Risk{ID: fmt.Sprint("R-", i+1), Title: "t", Owner: "o"}
			switch rapid.IntRange(0, 199).Draw(t, "oddRisk") {
			case 77:
				r.Kind = "odd"
			case 78:
				r.Treatment = &Treatment{Options: []Option{"odd"}}
			case 79:
				r.Treatment = &Treatment{Options: []Option{Modify}, Controls: []string{"8.7"}}
			case 80:
				r.ID = "R-1"
			}
			if rapid.IntRange(0, 9).Draw(t, "analysed") > 0 {
				r.Inherent = rating("inh")
			}
			if (r.Inherent != nil || rapid.IntRange(0, 199).Draw(t, "orphan") == 99) && rapid.IntRange(0, 2).Draw(t, "residual") > 0 {
				r.Residual = rating("res")
			}
			reg.Risks = append(reg.Risks, r)
		}
		workers := Parallelism(rapid.IntRange(1, 3).Draw(t, "workers"))
		full, _ := withoutGrid(e).Assess(context.Background(), reg, testAsOf)
		if full != nil {
			valid++
		}
		for _, opts := range [][]AssessOption{{Prevalidated(), OmitInputs()}, {Prevalidated()}, nil} {
			want, wantErr := withoutGrid(e).Assess(context.Background(), reg, testAsOf, opts...)
			got, err := e.Assess(context.Background(), reg, testAsOf, append(opts, workers)...)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("%d options: errors differ:\ngeneral: %v\nfast: %v", len(opts), wantErr, err)
			}
			if (want == nil) != (got == nil) {
				t.Fatalf("%d options: assessment: general %v, fast %v", len(opts), want != nil, got != nil)
			}
			if want == nil {
				continue
			}
			if d := gocmp.Diff(mustJSON(t, want), mustJSON(t, got)); d != "" {
				t.Fatalf("%d options: the fast path changed the assessment:\n%s", len(opts), d)
			}
			if d := gocmp.Diff(want, got, decimalEqual); d != "" {
				t.Fatalf("%d options: the fast path changed the assessment:\n%s", len(opts), d)
			}
			if len(opts) == 2 && full != nil {
				if d := gocmp.Diff(mustJSON(t, withoutInputs(full)), mustJSON(t, got)); d != "" {
					t.Fatalf("OmitInputs changed more than the inputs:\n%s", d)
				}
			}
		}
	})
}

// TestPropertyRadixByOrd: the radix sort of large registers orders as
// one sort by status, ord and ID does, also for IDs that share their
// first eight key bytes and for equal IDs.
func TestPropertyRadixByOrd(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		id := rapid.OneOf(
			rapid.StringMatching(`(R|RISK|A)-0{0,2}[0-9]{1,4}`),
			rapid.StringMatching(`RISK-2026-0{0,3}[0-9]{1,3}[a-c]?`),
			rapid.StringMatching(`[a-c]{0,10}`),
		)
		checkSortByOrd(t, rapid.IntRange(radixMin, 3*radixMin).Draw(t, "n"), id)
	})
}

// TestPropertySameIndex: sameIndex finds the level sameText accepts.
func TestPropertySameIndex(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s Scale
		for _, v := range rapid.SliceOfNDistinct(rapid.IntRange(-3, 40), 1, 8, rapid.ID).Draw(t, "levels") {
			s.Levels = append(s.Levels, ScaleLevel{Value: decimal.New(int64(v), rapid.Int32Range(-1, 1).Draw(t, "exp"))})
		}
		si := newScaleInfo(s)
		d := decimal.New(rapid.Int64Range(-5, 50).Draw(t, "c"), rapid.Int32Range(-2, 2).Draw(t, "e"))
		if rapid.IntRange(0, 10).Draw(t, "huge") == 0 {
			d = num("18446744073709551619") // truncates to 3 in an int64
		}
		want := -1
		for i := range s.Levels {
			if si.sameText(i, d) {
				want = i
				break
			}
		}
		if got := si.sameIndex(d); got != want {
			t.Fatalf("sameIndex(%s) = %d, want %d", d, got, want)
		}
	})
}

// TestGridFastPathLargeRegisters: the fast path over registers of several
// tasks, on one goroutine or more, gives what the general path gives.
func TestGridFastPathLargeRegisters(t *testing.T) {
	e := mustCompile(t, Default5x5())
	reg := genDefaultRegister(3*assessChunk+17, 7)
	for _, opts := range [][]AssessOption{{Prevalidated(), OmitInputs()}, {Prevalidated()}, nil} {
		want, err := withoutGrid(e).Assess(context.Background(), reg, testAsOf, opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []int{1, 2, 3} {
			got, err := e.Assess(context.Background(), reg, testAsOf, append(opts, Parallelism(p))...)
			if err != nil {
				t.Fatal(err)
			}
			if d := gocmp.Diff(mustJSON(t, want), mustJSON(t, got)); d != "" {
				t.Fatalf("%d options, parallelism %d: the fast path changed the assessment:\n%s", len(opts), p, d)
			}
		}
	}
}
