package rules

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestHostileExpressions feeds expressions meant to run away. Each must
// end with a limit error — at compile time or under the cost limit —
// well under 100 ms. The time bound is checked loosely (a second) so
// that a loaded machine does not fail the test; BenchmarkHostile reports
// the real figures.
func TestHostileExpressions(t *testing.T) {
	env := tEnv(t, Variable("risk", tRiskType.Type()))
	rs := tRegister()
	vars := NewVars(nil).Set("risk", &rs[0]).SetAsOf(tAsOf)
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			err := runHostile(env, tc.expr, vars)
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("error %v, want a limit error", err)
			}
			var le *LimitError
			var ce *CompileError
			switch {
			case errors.As(err, &le):
				if !strings.Contains(err.Error(), string(le.Limit)) {
					t.Errorf("error %q does not name the limit", err)
				}
			case errors.As(err, &ce):
				if ce.Code != CodeLimit {
					t.Errorf("compile error code %s", ce.Code)
				}
			}
		})
	}
}

var hostile = []struct{ name, expr string }{
	{"deep nesting", strings.Repeat("[", 100) + strings.Repeat("]", 100) + " == []"},
	{"deep arithmetic", strings.Repeat("(1 + ", 60) + "1" + strings.Repeat(")", 60) + " > 0"},
	{"nested comprehensions", "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, a+b+c+d+e > 0)))))"},
	{"large range", "lists.range(1000000).all(i, i >= 0)"},
	{"nested ranges", "lists.range(10000).exists(i, lists.range(10000).exists(j, i * j < 0))"},
	{"string doubling", nestedBinds(22)},
	{"string growth in a loop", "lists.range(100000).map(i, risk.title + risk.title + risk.title).join('').size() < 0"},
	{"decimal growth", "lists.range(1000).map(i, decimal(\"99999999999999999999\") * decimal(\"99999999999999999999\") * decimal(\"99999999999999999999\") * decimal(\"99999999999999999999\")).size() < 0"},
	{"long expression", strings.Repeat("1 + ", 1100) + "1 > 0"},
	{"regex blowup", "lists.range(100000).exists(i, risk.title.matches('(a+)+$'))"},
}

// nestedBinds doubles a string n times: s1 = title+title, s2 = s1+s1, ...
func nestedBinds(n int) string {
	var b strings.Builder
	prev := "risk.title"
	for i := range n {
		name := "s" + strings.Repeat("x", i)
		b.WriteString("cel.bind(" + name + ", " + prev + " + " + prev + ", ")
		prev = name
	}
	b.WriteString(prev + ".size() < 0" + strings.Repeat(")", n))
	return b.String()
}

func runHostile(env *Env, expr string, vars Activation) error {
	p, err := env.Compile("hostile", "condition", expr, BoolType)
	if err != nil {
		return err
	}
	_, err = p.EvalBool(context.Background(), vars)
	return err
}

// TestContextStopsComprehension proves that a deadline ends a long
// comprehension even when the cost limit is set very high.
func TestContextStopsComprehension(t *testing.T) {
	env := tEnv(t, WithCostLimit(1<<62))
	p, err := env.Compile("slow", "", "lists.range(1000000).all(i, lists.range(1000000).all(j, i + j >= 0))", BoolType)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = p.EvalBool(ctx, nil)
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitContext || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want a context limit wrapping the deadline", err)
	}
}

func BenchmarkHostile(b *testing.B) {
	env := tEnv(b, Variable("risk", tRiskType.Type()))
	rs := tRegister()
	vars := NewVars(nil).Set("risk", &rs[0]).SetAsOf(tAsOf)
	for _, tc := range hostile {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				if err := runHostile(env, tc.expr, vars); !errors.Is(err, ErrLimit) {
					b.Fatal(err)
				}
			}
		})
	}
}
