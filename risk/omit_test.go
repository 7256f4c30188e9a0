package risk

import (
	"context"
	"encoding/json"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// withoutInputs is a deep copy of a's results with every evaluation's
// inputs dropped, as OmitInputs leaves them.
func withoutInputs(a *Assessment) *Assessment {
	out := *a
	out.Results = make([]RiskResult, len(a.Results))
	for i, r := range a.Results {
		for _, ev := range []**Evaluation{&r.Inherent, &r.Residual} {
			if *ev != nil {
				c := **ev
				c.Explanation.Inputs = nil
				*ev = &c
			}
		}
		out.Results[i] = r
	}
	return &out
}

func mustJSON(t interface{ Fatal(...any) }, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPropertyOmitInputs: OmitInputs changes nothing but the inputs,
// with or without Prevalidated, on one goroutine or more, also when
// values are written with extra zeros (which keeps them out of a shared
// cell evaluation) and when rules read attributes.
func TestPropertyOmitInputs(t *testing.T) {
	engines := propertyEngines(t)
	rapid.Check(t, func(t *rapid.T) {
		e := rapid.SampledFrom(engines).Draw(t, "engine")
		reg := drawRegister(t)
		full, err := e.Assess(context.Background(), reg, testAsOf)
		if err != nil {
			t.Fatal(err)
		}
		want := mustJSON(t, withoutInputs(full))
		opts := []AssessOption{OmitInputs(), Parallelism(rapid.IntRange(1, 3).Draw(t, "workers"))}
		if rapid.Bool().Draw(t, "prevalidated") {
			opts = append(opts, Prevalidated())
		}
		got, err := e.Assess(context.Background(), reg, testAsOf, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if g := mustJSON(t, got); g != want {
			t.Fatalf("OmitInputs changed more than the inputs:\n%s", gocmp.Diff(want, g))
		}
	})
}

// TestOmitInputsLargeRegisters: the same over registers of several tasks,
// for the tabulated default and for a quantitative formula, whose
// evaluations are never shared.
func TestOmitInputsLargeRegisters(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Criteria
		reg  Register
	}{
		{"default", Default5x5(), genDefaultRegister(3*assessChunk+17, 5)},
		{"formula", formulaCriteria(), genFormulaRegister(3*assessChunk+17, 5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustCompile(t, tc.c)
			full, err := e.Assess(context.Background(), tc.reg, testAsOf)
			if err != nil {
				t.Fatal(err)
			}
			want := mustJSON(t, withoutInputs(full))
			for _, p := range []int{1, 2} {
				got, err := e.Assess(context.Background(), tc.reg, testAsOf, OmitInputs(), Parallelism(p))
				if err != nil {
					t.Fatal(err)
				}
				if g := mustJSON(t, got); g != want {
					t.Fatalf("parallelism %d: OmitInputs changed more than the inputs:\n%s", p, gocmp.Diff(want, g))
				}
			}
		})
	}
}

// TestOmitInputsShares: with OmitInputs, ratings in the same cell written
// as on the scales share one evaluation, a residual taken from the
// inherent shares the inherent's, and a value written differently gets
// its own evaluation that keeps its text.
func TestOmitInputsShares(t *testing.T) {
	e := mustCompile(t, Default5x5())
	reg := Register{Risks: []Risk{
		{ID: "R-1", Inherent: rating("3", DimFinancial, "4")},
		{ID: "R-2", Inherent: rating("3", DimLegal, "4")},
		{ID: "R-3", Inherent: rating("3.0", DimFinancial, "4")},
		{ID: "R-4", Inherent: rating("3", DimFinancial, "4"), Residual: rating("1", DimFinancial, "2")},
	}}
	a, err := e.Assess(context.Background(), reg, testAsOf, OmitInputs(), Parallelism(1))
	if err != nil {
		t.Fatal(err)
	}
	r := func(id string) *RiskResult {
		res, ok := a.Result(id)
		if !ok {
			t.Fatalf("no result for %s", id)
		}
		return res
	}
	if r("R-1").Inherent != r("R-2").Inherent || r("R-1").Inherent != r("R-4").Inherent {
		t.Error("ratings of one cell written as on the scales do not share their evaluation")
	}
	if r("R-1").Residual != r("R-1").Inherent {
		t.Error("a residual taken from the inherent rating does not share its evaluation")
	}
	if r("R-3").Inherent == r("R-1").Inherent || r("R-3").Inherent.Likelihood.Exponent() != -1 {
		t.Errorf("likelihood 3.0 shares the evaluation of 3 or lost its text: %v", r("R-3").Inherent.Likelihood)
	}
	if r("R-4").Residual == r("R-4").Inherent || r("R-4").Residual.Level != "low" {
		t.Errorf("R-4 residual: %+v", r("R-4").Residual)
	}
	for _, res := range a.Results {
		if res.Inherent.Explanation.Inputs != nil || res.Inherent.Explanation.Cell == "" {
			t.Errorf("%s: inputs %v, cell %q", res.ID, res.Inherent.Explanation.Inputs, res.Inherent.Explanation.Cell)
		}
	}
}
