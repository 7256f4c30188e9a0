package risk

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// doublingRule builds `cel.bind(l1, l0 + l0, cel.bind(l2, l1 + l1, ...))`
// over n levels with body at the centre: ~700 characters that would build
// a list of 2^n items if nothing charged for it.
func doublingRule(first string, n int, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cel.bind(l0, %s, ", first)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "cel.bind(l%d, l%d + l%d, ", i, i-1, i-1)
	}
	b.WriteString(fmt.Sprintf(body, fmt.Sprintf("l%d", n)))
	b.WriteString(strings.Repeat(")", n+1))
	return b.String()
}

// A hostile criteria rule must not make Compile (which evaluates level
// rules over every cell to tabulate them) or Assess run away: it ends
// with a limit error from the CEL layer.
func TestCompileHostileRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		patch func(*Criteria)
	}{
		{"level rule doubling a list", func(c *Criteria) {
			c.LevelRule = doublingRule("[1]", 22, `%[1]s == %[1]s ? "high" : "low"`)
		}},
		{"acceptance rule summing a doubled list", func(c *Criteria) {
			c.AcceptanceRule = doublingRule("[decimal(1)]", 22, `decimals.sum(%[1]s) > decimal(0)`)
		}},
		{"level rule doubling a string", func(c *Criteria) {
			c.LevelRule = doublingRule(`"ab"`, 22, `size(%[1]s) > 3 ? "high" : "low"`)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default5x5()
			tc.patch(&c)
			e, err := Compile(c)
			if err == nil {
				// A rule that Compile cannot tabulate runs at Assess.
				reg := Register{Risks: []Risk{{ID: "R-1", Inherent: &Rating{Likelihood: num("3"), Consequences: map[string]decimal.Decimal{DimFinancial: num("4")}}}}}
				_, err = e.Assess(t.Context(), reg, testAsOf)
			}
			var le *rules.LimitError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *rules.LimitError", err)
			}
		})
	}
}
