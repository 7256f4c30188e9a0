package rules

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzCompileEval compiles and evaluates arbitrary expressions under the
// default limits: no panic, no hang. An evaluation either succeeds or
// fails with an *EvalError.
func FuzzCompileEval(f *testing.F) {
	for _, s := range []string{
		`risk.loss > 10`, `risk.loss.div(0, 2) > 1`, `risk.actions.exists(a, a.due < asOf)`,
		`lists.range(1000000).all(i, i >= 0)`, `decimal("1e60") * decimal("1e60")`, `"{"`,
		`addPeriod(asOf, "P1M")`, `risk.attrs["x"]`, `[[[[[[]]]]]]`, `2 < risk.loss`, `1/0`,
		`risk.title.matches("(a*)*b")`, `string(period("P2W"))`, `decimals.max([])`,
	} {
		f.Add(s)
	}
	env := tEnv(f, Variable("risk", tRiskType.Type()))
	rs := tRegister()
	vars := NewVars(nil).Set("risk", &rs[1]).SetAsOf(tAsOf)
	f.Fuzz(func(t *testing.T, expr string) {
		p, err := env.Compile("fuzz", "", expr, nil)
		if err != nil {
			var ces CompileErrors
			if !errors.As(err, &ces) {
				t.Fatalf("compile error of type %T: %v", err, err)
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err = p.Eval(ctx, vars)
		var ee *EvalError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("eval error of type %T: %v", err, err)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%q ran past 2s: the cost limit did not stop it", expr)
		}
	})
}

// FuzzTemplate compiles arbitrary message templates: no panic, and
// errors are CompileErrors with positions inside the template.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"risk {risk.id}", "{{literal}}", "{", "}", "a {risk.nope} b", "line\n{1 +}"} {
		f.Add(s)
	}
	env := tEnv(f, Variable("risk", tRiskType.Type()))
	rs := tRegister()
	vars := NewVars(nil).Set("risk", &rs[0]).SetAsOf(tAsOf)
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := env.CompileTemplate("fuzz", "message", src)
		if err != nil {
			var ces CompileErrors
			if !errors.As(err, &ces) || len(ces) == 0 {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		_, _ = tpl.Execute(context.Background(), vars)
	})
}
