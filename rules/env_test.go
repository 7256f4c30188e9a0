package rules

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func evalExpr(t *testing.T, env *Env, expr string, vars Activation) (Value, error) {
	t.Helper()
	p, err := env.Compile("t", "", expr, nil)
	if err != nil {
		return nil, err
	}
	return p.Eval(context.Background(), vars)
}

// TestExpressions runs expressions over the fixture register and checks
// what they yield, formatted as messages format values.
func TestExpressions(t *testing.T) {
	env := tEnv(t, Variable("risk", tRiskType.Type()))
	rs := tRegister()
	tests := []struct {
		risk int
		expr string
		want string
	}{
		{0, `risk.id`, "R-1"},
		{0, `risk.loss`, "12500.00"},
		{0, `risk.loss * 2`, "25000.00"},
		{0, `2 * risk.loss`, "25000.00"},
		{0, `risk.loss - 500`, "12000.00"},
		{0, `1000 - risk.loss`, "-11500.00"},
		{0, `risk.loss + decimal("0.005")`, "12500.005"},
		{0, `-risk.loss`, "-12500.00"},
		{0, `risk.loss > 10000`, "true"},
		{0, `10000 < risk.loss`, "true"},
		{0, `risk.loss >= decimal("12500")`, "true"},
		{0, `risk.loss == decimal("12500")`, "true"},
		{0, `risk.loss != decimal("12500.01")`, "true"},
		{0, `risk.loss.div(3, 2)`, "4166.67"},
		{0, `risk.loss.div(decimal("3"), 0, "floor")`, "4166"},
		{0, `decimal("2.5").round(0, "half_even")`, "2"},
		{0, `decimal("2.5").round(0)`, "3"},
		{0, `decimal("-2.5").round(0, "half_up")`, "-3"},
		{0, `decimal("1.005").div(1, 2, "half_even")`, "1.00"},
		{0, `decimal(7).div(2, 0, "half_even")`, "4"},
		{0, `decimal("12.75").toInt()`, "<error>"},
		{0, `int(decimal("12"))`, "12"},
		{0, `string(decimal("1.50"))`, "1.50"},
		{0, `decimals.max([decimal(1), risk.loss, decimal("3")])`, "12500.00"},
		{0, `decimals.min([decimal(1), risk.loss])`, "1"},
		{0, `decimals.sum([decimal("0.1"), decimal("0.2")]) == decimal("0.3")`, "true"},
		{0, `risk.loss.abs().sign()`, "1"},
		{0, `risk.owner.name`, "ana"},
		{1, `has(risk.owner)`, "false"},
		{1, `risk.owner == null`, "true"},
		{0, `risk.actions.map(a, a.id)`, "A-1"},
		{1, `risk.actions.exists(a, a.due < asOf)`, "true"},
		{1, `risk.attrs["regulated"] == true`, "true"},
		{1, `risk.attrs["cost"]`, "10.5"},
		{1, `"backup" in risk.tags`, "true"},
		{1, `risk.tags.join("/")`, "malware/backup"},
		{0, `daysBetween(risk.reviewed, asOf)`, "61"},
		{0, `addPeriod(risk.reviewed, "P12M") > asOf`, "true"},
		{2, `risk.reviewed.addPeriod(period("P1Y")) < asOf`, "true"},
		{0, `addPeriod(timestamp("2024-01-31T00:00:00Z"), "P1M")`, "2024-02-29"},
		{0, `string(period("P2W"))`, "P14D"},
		{0, `sets.contains(["a", "b"], ["a"])`, "true"},
		{0, `math.greatest(1, 5, 3)`, "5"},
		{0, `optional.of(risk.id).orValue("x")`, "R-1"},
		{0, `cel.bind(x, risk.level * 2, x + 1)`, "5"},
		{0, `dyn(risk).owner.name`, "ana"},
		{0, `dyn(risk)["loss"] > 1`, "true"},
		{0, `dyn(risk.actions)[0].due > asOf`, "true"},
		{0, `has(dyn(risk).owner)`, "true"},
		{1, `has(dyn(risk).owner)`, "false"},
		{0, `risk.actions + risk.actions == risk.actions + risk.actions`, "true"},
		{0, `risk.actions[0] in risk.actions`, "true"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			v, err := evalExpr(t, env, tc.expr, NewVars(nil).Set("risk", &rs[tc.risk]).SetAsOf(tAsOf))
			got := "<error>"
			if err == nil {
				got = FormatValue(v)
			} else if tc.want != "<error>" {
				t.Logf("error: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.expr, diff)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	env := tEnv(t, Variable("risk", tRiskType.Type()))
	rs := tRegister()
	vars := NewVars(nil).Set("risk", &rs[0]).SetAsOf(tAsOf)
	tests := []struct {
		expr string
		want string // substring of the error
		lim  Limit  // the limit hit, if any
	}{
		{`risk.loss.div(0, 2) > 0`, "division by zero", ""},
		{`decimal(risk.title) > 0`, `invalid decimal "laptop theft"`, ""},
		{`decimal("1e60") * decimal("1e60") > 0`, "limit", LimitDecimal},
		{`decimal(risk.id.replace("R-1", "` + strings.Repeat("9", 70) + `")) > 0`, "too many digits", LimitDecimal},
		{`decimal(9223372036854775807) * 10 > 0 && int(decimal(9223372036854775807) * 10) > 0`, "overflows int", ""},
		{`risk.loss.round(0, "sideways") > 0`, "unknown rounding mode", ""},
		{`addPeriod(asOf, "12 months") > asOf`, "invalid period", ""},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			p, err := env.Compile("r1", "condition", tc.expr, BoolType)
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.EvalBool(context.Background(), vars)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			var ee *EvalError
			if !errors.As(err, &ee) || ee.ID != "r1" || ee.Field != "condition" {
				t.Errorf("error %#v does not name the rule", err)
			}
			if tc.lim != "" {
				var le *LimitError
				if !errors.As(err, &le) || le.Limit != tc.lim || !errors.Is(err, ErrLimit) {
					t.Errorf("error %v: want limit %s", err, tc.lim)
				}
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	env := tEnv(t, Variable("risk", tRiskType.Type()))
	tests := []struct {
		expr string
		want []CompileError
	}{
		{"risk.loss >", []CompileError{{Code: CodeSyntax, Line: 1, Column: 12}}},
		{"risk.owner.nmae == 'x'", []CompileError{{Code: CodeType, Line: 1, Column: 11}}},
		{"risk.id", []CompileError{{Code: CodeType, Line: 1, Column: 1}}},
		{"risk.loss /\n 2 > 1", []CompileError{{Code: CodeType, Line: 1, Column: 11}}},
		{"", []CompileError{{Code: CodeSyntax}}},
		{"risk.loss >\n decimal('abc')", []CompileError{{Code: CodeType, Line: 2, Column: 9}}},
		{"risk.loss > decimal('1e99')", []CompileError{{Code: CodeType, Line: 1, Column: 20}}},
		{strings.Repeat("(", 40) + "true" + strings.Repeat(")", 40), nil}, // checked below: CodeLimit
		{strings.Repeat("x", DefaultMaxExpressionLength+1), []CompileError{{Code: CodeLimit}}},
	}
	for _, tc := range tests {
		_, err := env.Compile("R-9", "condition", tc.expr, BoolType)
		var ces CompileErrors
		if !errors.As(err, &ces) || !errors.Is(err, ErrCompile) {
			t.Fatalf("%q: error %v is not CompileErrors", tc.expr, err)
		}
		if tc.want == nil {
			if ces[0].Code != CodeLimit || !errors.Is(err, ErrLimit) {
				t.Errorf("%q: %v, want a limit error", tc.expr[:10], err)
			}
			continue
		}
		var got []CompileError
		for _, ce := range ces {
			if ce.ID != "R-9" || ce.Field != "condition" || ce.Expr != tc.expr || ce.Message == "" {
				t.Errorf("%q: error %+v lacks ID, field, expression or message", tc.expr, ce)
			}
			got = append(got, CompileError{Code: ce.Code, Line: ce.Line, Column: ce.Column})
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.expr, diff)
		}
	}
}

func TestEnvOptions(t *testing.T) {
	if _, err := NewEnv(Variable("x", IntType), Variable("x", StringType)); err == nil || !strings.Contains(err.Error(), `"x" declared twice`) {
		t.Errorf("duplicate variable: %v", err)
	}
	if _, err := NewEnv(Variable("asOf", IntType)); err == nil {
		t.Error("redeclaring asOf must fail")
	}
	_, err := NewEnv(WithCostLimit(0), WithMaxNodes(-1), WithMaxNestingDepth(0))
	if err == nil || strings.Count(err.Error(), "must be positive") != 3 {
		t.Errorf("want all three option errors at once, got %v", err)
	}
	env := tEnv(t, WithCostLimit(50))
	if env.CostLimit() != 50 {
		t.Errorf("cost limit %d", env.CostLimit())
	}
	ext, err := env.Extend(Variable("n", IntType))
	if err != nil || ext.CostLimit() != 50 {
		t.Fatalf("extend: %v", err)
	}
	if _, err := env.Compile("x", "", "n > 1", BoolType); err == nil {
		t.Error("Extend changed the receiver")
	}
	if _, err := ext.Compile("x", "", "n > 1", BoolType); err != nil {
		t.Error(err)
	}
}

func TestCancelledContext(t *testing.T) {
	env := tEnv(t)
	p, err := env.Compile("c", "", "true", BoolType)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.EvalBool(ctx, nil)
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitContext || !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want a context limit error wrapping context.Canceled", err)
	}
}

func TestReferences(t *testing.T) {
	env := tEnv(t, Variable("risk", tRiskType.Type()), Variable("limit", IntType))
	p, err := env.Compile("r", "", `risk.actions.exists(a, a.due < asOf) && risk.level > limit && [1].all(limit2, limit2 > 0)`, BoolType)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"asOf", "limit", "risk"}, p.References()); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
}

// TestHugeDecimalsFromGo: a decimal that reaches CEL from Go without
// parsing is bounds-checked before any arithmetic or comparison.
func TestHugeDecimalsFromGo(t *testing.T) {
	env := tEnv(t, Variable("x", DecimalType))
	huge := decimal.New(1, 999_999_999)
	for _, expr := range []string{"x > 1", "x == decimal(1)", "x + 1 > 0", "x * 2 > 0", "decimal(1) < x"} {
		p, err := env.Compile("h", "", expr, BoolType)
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.EvalBool(context.Background(), NewVars(nil).Set("x", huge))
		if !errors.Is(err, ErrLimit) {
			t.Errorf("%s: error %v, want a decimal limit error", expr, err)
		}
	}
}
