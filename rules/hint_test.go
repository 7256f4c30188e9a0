package rules

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// Using / or % on decimals gets a hint naming div, with the position kept.
func TestCompileHintForDecimalDivision(t *testing.T) {
	env, err := NewEnv(Variable("x", DecimalType), Variable("n", IntType))
	if err != nil {
		t.Fatal(err)
	}
	const div = ": decimals have no / operator; write a.div(b, places) or a.div(b, places, \"half_even\") (see docs/cel.md)"
	for _, c := range []struct{ expr, want string }{
		{`x / decimal("2")`, `r.c:1:3: found no matching overload for '_/_' applied to '(decimal, decimal)'` + div},
		{`x / 2`, `r.c:1:3: found no matching overload for '_/_' applied to '(decimal, int)'` + div},
		{`1 + 2 / x`, `r.c:1:7: found no matching overload for '_/_' applied to '(int, decimal)'` + div},
		{`x % 2`, `r.c:1:3: found no matching overload for '_%_' applied to '(decimal, int)': decimals have no % operator; compare a.div(b, 0, "down") * b with a, or convert whole numbers with int(a)`},
		// No hint where it would not help.
		{`n / "a"`, `r.c:1:3: found no matching overload for '_/_' applied to '(int, string)'`},
		{`x + "a"`, `r.c:1:3: found no matching overload for '_+_' applied to '(decimal, string)'`},
	} {
		_, err := env.Compile("r", "c", c.expr, nil)
		var ce CompileErrors
		if !errors.As(err, &ce) {
			t.Fatalf("%s: %v is not CompileErrors", c.expr, err)
		}
		if diff := cmp.Diff(c.want, err.Error()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.expr, diff)
		}
	}
	// The advice compiles and gives the exact quotient.
	prg, err := env.Compile("r", "c", `x.div(3, 2)`, DecimalType)
	if err != nil {
		t.Fatal(err)
	}
	got, err := prg.EvalDecimal(t.Context(), NewVars(nil).Set("x", decimal.NewFromInt(1)))
	if err != nil || got.String() != "0.33" {
		t.Errorf("x.div(3, 2) = %v, %v; want 0.33", got, err)
	}
}
