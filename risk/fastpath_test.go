package risk

import (
	"context"
	"errors"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestPropertyPrevalidated: on a valid register, Prevalidated changes
// nothing in the assessment.
func TestPropertyPrevalidated(t *testing.T) {
	engines := propertyEngines(t)
	rapid.Check(t, func(t *rapid.T) {
		e := rapid.SampledFrom(engines).Draw(t, "engine")
		reg := drawRegister(t)
		want := assessJSON(t, e, reg)
		if got := assessJSON(t, e, reg, Prevalidated()); string(got) != string(want) {
			t.Fatalf("Prevalidated changed the assessment:\n%s", gocmp.Diff(string(want), string(got)))
		}
	})
}

// TestPrevalidatedBadInput: a register that was not in fact valid gives
// errors, never a panic.
func TestPrevalidatedBadInput(t *testing.T) {
	e := mustCompile(t, Default5x5())
	reg := Register{ID: "bad", Risks: []Risk{
		{ID: "R-1", Inherent: rating("7", DimFinancial, "2")},
		{ID: "R-2", Inherent: rating("2", "nonsense", "2")},
		{ID: "R-3", Residual: rating("2", DimFinancial, "2")},
		{ID: "R-4", Inherent: &Rating{Likelihood: num("1")}},
	}}
	_, err := e.Assess(context.Background(), reg, testAsOf, Prevalidated())
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("want ErrInvalid, got %v", err)
	}
	var paths []string
	for _, x := range err.(interface{ Unwrap() error }).Unwrap().(interface{ Unwrap() []error }).Unwrap() {
		var fe *FieldError
		if errors.As(x, &fe) {
			paths = append(paths, fe.Path)
		}
	}
	want := []string{"risks[0].inherent.likelihood", "risks[1].inherent.consequences.nonsense", "risks[2].residual", "risks[3].inherent.consequences"}
	if d := gocmp.Diff(want, paths); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}

	// Duplicate IDs are not detected, but keep the register's order.
	dup := Register{Risks: []Risk{
		{ID: "R-1", Title: "first", Inherent: rating("2", DimFinancial, "2")},
		{ID: "R-1", Title: "second", Inherent: rating("2", DimFinancial, "2")},
	}}
	a, err := e.Assess(context.Background(), dup, testAsOf, Prevalidated())
	if err != nil {
		t.Fatal(err)
	}
	if a.Results[0].Title != "first" || a.Results[1].Title != "second" {
		t.Errorf("duplicates out of register order: %q, %q", a.Results[0].Title, a.Results[1].Title)
	}
}

// TestZeroValues: the zero Engine, a nil *Engine and a nil context give
// clear errors, never a panic or an empty result.
func TestZeroValues(t *testing.T) {
	good := mustCompile(t, Default5x5())
	reg := sampleRegister()
	var zero Engine
	var nilEngine *Engine
	var nilCtx context.Context
	for _, tc := range []struct {
		name string
		e    *Engine
		ctx  context.Context
		want error
	}{
		{"zero engine", &zero, context.Background(), ErrNotCompiled},
		{"nil engine", nilEngine, context.Background(), ErrNotCompiled},
		{"nil context", good, nilCtx, ErrNilContext},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if a, err := tc.e.Assess(tc.ctx, reg, testAsOf); !errors.Is(err, tc.want) || a != nil {
				t.Errorf("Assess: %v, %v; want %v", a, err, tc.want)
			}
			if _, err := tc.e.Rate(tc.ctx, rating("2", DimFinancial, "2"), nil, testAsOf); !errors.Is(err, tc.want) {
				t.Errorf("Rate: %v; want %v", err, tc.want)
			}
			if tc.ctx != nil {
				if err := tc.e.ValidateRegister(reg); !errors.Is(err, tc.want) {
					t.Errorf("ValidateRegister: %v; want %v", err, tc.want)
				}
				if fp := tc.e.Fingerprint(); fp != "" {
					t.Errorf("Fingerprint of an engine not compiled: %q", fp)
				}
			}
		})
	}
}

// cancelAfter is a context that reports cancellation from its n-th call
// of Err on, and counts the calls.
type cancelAfter struct {
	context.Context
	n, calls int
}

func (c *cancelAfter) Err() error {
	c.calls++
	if c.calls >= c.n {
		return context.Canceled
	}
	return nil
}

// TestAssessStopsBetweenRisks: once the context is cancelled, a worker
// rates at most ctxCheckEvery more risks before Assess returns.
func TestAssessStopsBetweenRisks(t *testing.T) {
	e := mustCompile(t, Default5x5())
	// One task's worth of risks: the cancellation arrives inside it.
	reg := genDefaultRegister(assessChunk, 3)
	ctx := &cancelAfter{Context: context.Background(), n: 3}
	_, err := e.Assess(ctx, reg, testAsOf, Parallelism(1))
	if !errors.Is(err, rules.ErrLimit) || !errors.Is(err, context.Canceled) {
		t.Fatalf("want a context limit error, got %v", err)
	}
	if ctx.calls > 5 { // before the task, two in it, after it, and context.Cause
		t.Errorf("Err called %d times: the assessment went on after the cancellation", ctx.calls)
	}
}

// TestPropertyAppendDecimal: appendDecimal writes what
// rules.FormatDecimal writes.
func TestPropertyAppendDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var d decimal.Decimal
		if rapid.Bool().Draw(t, "big") {
			d = decimal.RequireFromString(rapid.StringMatching(`-?[1-9][0-9]{15,30}`).Draw(t, "digits")).Shift(-rapid.Int32Range(0, 20).Draw(t, "shift"))
		} else {
			d = decimal.New(rapid.Int64().Draw(t, "coef"), rapid.Int32Range(-40, 40).Draw(t, "exp"))
		}
		if got, want := string(appendDecimal([]byte("x"), d)), "x"+rules.FormatDecimal(d); got != want {
			t.Fatalf("appendDecimal %q, FormatDecimal %q", got, want)
		}
	})
}

// TestPropertySortKeys: the integer sort keys order results as the
// decimals do, also when some value does not fit them.
func TestPropertySortKeys(t *testing.T) {
	e := mustCompile(t, Default5x5())
	decGen := rapid.Custom(func(t *rapid.T) decimal.Decimal {
		if rapid.IntRange(0, 20).Draw(t, "huge") == 0 {
			return decimal.RequireFromString("123456789012345678901234567")
		}
		return decimal.New(rapid.Int64Range(-50, 50).Draw(t, "c"), rapid.Int32Range(-3, 3).Draw(t, "e"))
	})
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(t, "n")
		risks := make([]Risk, n)
		recs := make([]riskRec, n)
		evs := make([]Evaluation, 2*n)
		for i := range n {
			risks[i].ID = rapid.SampledFrom([]string{"R-1", "R-2", "R-10", "R-02", "A", "R-1a"}).Draw(t, "id") + string(rune('a'+i))
			recs[i] = riskRec{status: uint8(rapid.IntRange(0, 2).Draw(t, "status")), ord: -1}
			evs[2*i] = Evaluation{Priority: decGen.Draw(t, "prio"), Rank: rapid.IntRange(1, 4).Draw(t, "rank"), Score: decGen.Draw(t, "score")}
		}
		evalOf := func(i int32) (*Evaluation, *Evaluation) { return &evs[2*i], &evs[2*i+1] }
		got := e.sortRisks(risks, recs, evalOf)
		want := make([]int32, n)
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortFunc(want, func(x, y int32) int {
			if c := int(recs[x].status) - int(recs[y].status); c != 0 {
				return c
			}
			if recs[x].status == recAssessed {
				ex, ey := &evs[2*x], &evs[2*y]
				if c := ey.Priority.Cmp(ex.Priority); c != 0 {
					return c
				}
				if c := ey.Rank - ex.Rank; c != 0 {
					return c
				}
				if c := ey.Score.Cmp(ex.Score); c != 0 {
					return c
				}
			}
			return rules.NaturalCompare(risks[x].ID, risks[y].ID)
		})
		if d := gocmp.Diff(want, got); d != "" {
			t.Fatalf("order (-decimals +keys):\n%s", d)
		}
	})
}

// TestZeroEnginePlan: Plan needs no rules; on an engine not compiled it
// names no criteria and flags every assessment as made under others.
func TestZeroEnginePlan(t *testing.T) {
	good := mustCompile(t, Default5x5())
	reg := sampleRegister()
	a, err := good.Assess(context.Background(), reg, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	var nilEngine *Engine
	for _, e := range []*Engine{{}, nilEngine} {
		p := e.Plan(reg, a, testAsOf)
		if p.CriteriaID != "" || p.Fingerprint != "" || !p.CriteriaMismatch || len(p.Items) == 0 {
			t.Errorf("plan of an engine not compiled: criteria %q, fingerprint %q, mismatch %t, %d items",
				p.CriteriaID, p.Fingerprint, p.CriteriaMismatch, len(p.Items))
		}
	}
}

// TestScaleIndex: values are found on a scale by value, whatever their
// scale, and long coefficients are compared exactly.
func TestScaleIndex(t *testing.T) {
	si := newScaleInfo(Default5x5().Likelihood)
	for _, tc := range []struct {
		v    string
		want int
	}{
		{"3", 2}, {"3.0", 2}, {"0.3e1", 2}, {"3.00000000000000000000000001", -1},
		{"18446744073709551619", -1}, // its coefficient truncates to 3 in an int64
		{"6", -1}, {"0", -1},
	} {
		if got := si.index(num(tc.v)); got != tc.want {
			t.Errorf("index(%s) = %d, want %d", tc.v, got, tc.want)
		}
	}
}

// TestPropertySortByOrd: the bucket sort on cell ords orders as one sort
// by status, ord and ID does.
func TestPropertySortByOrd(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		id := rapid.Custom(func(t *rapid.T) string {
			return rapid.SampledFrom([]string{"R-1", "R-2", "R-10", "R-02", "A", "R-1a", "RISK-2026-000", "RISK-2026-00"}).Draw(t, "id") +
				rapid.SampledFrom([]string{"", "1", "10", "x"}).Draw(t, "suffix")
		})
		checkSortByOrd(t, rapid.IntRange(0, 60).Draw(t, "n"), id)
	})
}

// checkSortByOrd draws n risks with IDs from id and random statuses and
// cells, and checks sortByOrd against one stable sort by status, ord and
// ID.
func checkSortByOrd(t *rapid.T, n int, id *rapid.Generator[string]) {
	risks := make([]Risk, n)
	recs := make([]riskRec, n)
	maxOrd := int32(-1)
	for i := range n {
		risks[i].ID = id.Draw(t, "id")
		recs[i] = riskRec{status: uint8(rapid.IntRange(0, 2).Draw(t, "status")), ord: -1}
		if recs[i].status == recAssessed {
			recs[i].ord = int32(rapid.IntRange(0, 6).Draw(t, "ord"))
			maxOrd = max(maxOrd, recs[i].ord)
		}
	}
	got := sortByOrd(risks, recs, maxOrd)
	want := make([]int32, n)
	for i := range want {
		want[i] = int32(i)
	}
	slices.SortStableFunc(want, func(x, y int32) int {
		if c := int(recs[x].status) - int(recs[y].status); c != 0 {
			return c
		}
		if c := int(recs[x].ord) - int(recs[y].ord); c != 0 {
			return c
		}
		return rules.NaturalCompare(risks[x].ID, risks[y].ID)
	})
	if d := gocmp.Diff(want, got); d != "" {
		t.Fatalf("order (-one sort +sortByOrd):\n%s", d)
	}
}
