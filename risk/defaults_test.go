package risk

import (
	"context"
	"fmt"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// cellResult is what the cell-by-cell tables check.
type cellResult struct {
	Level      string
	Acceptable bool
	Priority   string
	Score      string
}

// rateGrid rates every cell of the criteria's grid, with the consequence
// given in dimension dim, through the tabulated engine and through one
// that runs every rule in CEL; both must agree.
func rateGrid(t *testing.T, c Criteria, dim string) [][]cellResult {
	t.Helper()
	e, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	u := e.untabulated()
	var out [][]cellResult
	for _, l := range c.Likelihood.Levels {
		var row []cellResult
		for _, cl := range c.Consequence.Levels {
			r := &Rating{Likelihood: l.Value, Consequences: map[string]decimal.Decimal{dim: cl.Value}}
			ev, err := e.Rate(context.Background(), r, nil, testAsOf)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Explanation.LevelBy != MethodTabulated {
				t.Errorf("cell %s: level by %s, want tabulated", ev.Explanation.Cell, ev.Explanation.LevelBy)
			}
			direct, err := u.Rate(context.Background(), r, nil, testAsOf)
			if err != nil {
				t.Fatal(err)
			}
			if direct.Explanation.LevelBy != MethodCEL || direct.Explanation.AcceptanceBy != MethodCEL {
				t.Errorf("untabulated engine used %s/%s", direct.Explanation.LevelBy, direct.Explanation.AcceptanceBy)
			}
			direct.Explanation.LevelBy, direct.Explanation.AcceptanceBy, direct.Explanation.PriorityBy =
				ev.Explanation.LevelBy, ev.Explanation.AcceptanceBy, ev.Explanation.PriorityBy
			if d := gocmp.Diff(ev, direct, decimalEqual); d != "" {
				t.Errorf("cell %s: tabulated and CEL differ (-tabulated +cel):\n%s", ev.Explanation.Cell, d)
			}
			row = append(row, cellResult{ev.Level, ev.Acceptable, ev.Priority.String(), ev.Score.String()})
		}
		out = append(out, row)
	}
	return out
}

func TestDefault5x5Cells(t *testing.T) {
	const (
		L = "low"
		M = "medium"
		H = "high"
		C = "critical"
	)
	// Rows are likelihood 1..5, columns consequence 1..5.
	levels := [5][5]string{
		{L, L, L, L, M},
		{L, L, M, M, H},
		{L, M, M, H, H},
		{L, M, H, H, C},
		{M, H, H, C, C},
	}
	rank := map[string]int{L: 1, M: 2, H: 3, C: 4}
	var want [][]cellResult
	for l := range 5 {
		var row []cellResult
		for c := range 5 {
			lv := levels[l][c]
			row = append(row, cellResult{lv, rank[lv] <= 2, fmt.Sprint(rank[lv]), fmt.Sprint((l + 1) * (c + 1))})
		}
		want = append(want, row)
	}
	for _, dim := range dims5x5 {
		t.Run(dim, func(t *testing.T) {
			if d := gocmp.Diff(want, rateGrid(t, Default5x5(), dim)); d != "" {
				t.Errorf("5×5 cells (-want +got):\n%s", d)
			}
		})
	}
}

func TestDefault3x3Cells(t *testing.T) {
	want := [][]cellResult{
		{{"low", true, "1", "1"}, {"low", true, "1", "2"}, {"medium", false, "2", "3"}},
		{{"low", true, "1", "2"}, {"medium", false, "2", "4"}, {"high", false, "3", "6"}},
		{{"medium", false, "2", "3"}, {"high", false, "3", "6"}, {"high", false, "3", "9"}},
	}
	for _, dim := range []string{DimConfidentiality, DimIntegrity, DimAvailability} {
		t.Run(dim, func(t *testing.T) {
			if d := gocmp.Diff(want, rateGrid(t, Default3x3(), dim)); d != "" {
				t.Errorf("3×3 cells (-want +got):\n%s", d)
			}
		})
	}
}

func TestCombinedConsequenceIsTheWorstDimension(t *testing.T) {
	e, err := Compile(Default5x5())
	if err != nil {
		t.Fatal(err)
	}
	ev, err := e.Rate(context.Background(), rating("3", DimFinancial, "2", DimLegal, "4", DimAvailability, "4.0"), nil, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	want := Evaluation{
		Likelihood: num("3"), Consequence: num("4"), Score: num("12"), Level: "high", Rank: 3, Acceptable: false, Priority: num("3"),
		Explanation: Explanation{
			CriteriaID: "default-5x5", CriteriaVersion: "1.0.0",
			Inputs: []Input{
				{"likelihood", "3"}, {"consequences.financial", "2"}, {"consequences.legal", "4"}, {"consequences.availability", "4"},
			},
			Cell:       "likelihood=3,consequence=4",
			CombinedBy: MethodDefault, LevelBy: MethodTabulated, AcceptanceBy: MethodTabulated, PriorityBy: MethodDefault,
		},
	}
	if d := gocmp.Diff(want, ev, decimalEqual); d != "" {
		t.Errorf("evaluation (-want +got):\n%s", d)
	}
}
