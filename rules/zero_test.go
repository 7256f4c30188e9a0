package rules

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// nilCtx is a nil context.Context, as a caller might pass by mistake.
var nilCtx context.Context

// TestZeroValues: every zero or nil value of the package's types, and
// every nil argument, gives an error callers can test with errors.Is,
// never a panic and never a silent empty result.
func TestZeroValues(t *testing.T) {
	env := tEnv(t)
	prg, err := env.Compile("p", "", "1 < 2", BoolType)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := env.CompileTemplate("t", "", "x {1}")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := CompileRules(env, []Collection{tRisks}, Rule{ID: "r", Clause: "6.1.2", Severity: Minor, Subjects: "risks",
		Condition: "true", Message: "m"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := Input{AsOf: tAsOf, Subjects: tItems(tRegister())}
	for _, tc := range []struct {
		name string
		want error
		run  func() error
	}{
		{"Env{}.Compile", ErrZeroValue, func() error { _, err := (&Env{}).Compile("x", "", "true", nil); return err }},
		{"nil Env.Compile", ErrZeroValue, func() error { _, err := (*Env)(nil).Compile("x", "", "true", nil); return err }},
		{"Env{}.Extend", ErrZeroValue, func() error { _, err := (&Env{}).Extend(); return err }},
		{"Env{}.CompileTemplate", ErrZeroValue, func() error { _, err := (&Env{}).CompileTemplate("x", "", "text only"); return err }},
		{"CompileRules(nil env)", ErrZeroValue, func() error { _, err := CompileRules(nil, nil); return err }},
		{"CompileRules(Env{})", ErrZeroValue, func() error { _, err := CompileRules(&Env{}, nil); return err }},
		{"Program{}.Eval", ErrZeroValue, func() error { _, err := (&Program{}).Eval(ctx, nil); return err }},
		{"nil Program.EvalBool", ErrZeroValue, func() error { _, err := (*Program)(nil).EvalBool(ctx, nil); return err }},
		{"Template{}.Execute", ErrZeroValue, func() error { _, err := (&Template{}).Execute(ctx, nil); return err }},
		{"nil Template.Execute", ErrZeroValue, func() error { _, err := (*Template)(nil).Execute(ctx, nil); return err }},
		{"RuleSet{}.Evaluate", ErrZeroValue, func() error { _, err := (&RuleSet{}).Evaluate(ctx, in); return err }},
		{"nil RuleSet.Evaluate", ErrZeroValue, func() error { _, err := (*RuleSet)(nil).Evaluate(ctx, in); return err }},
		{"Program.Eval(nil ctx)", ErrNilContext, func() error { _, err := prg.Eval(nilCtx, nil); return err }},
		{"Program.EvalBool(nil ctx)", ErrNilContext, func() error { _, err := prg.EvalBool(nilCtx, nil); return err }},
		{"Template.Execute(nil ctx)", ErrNilContext, func() error { _, err := tpl.Execute(nilCtx, nil); return err }},
		{"RuleSet.Evaluate(nil ctx)", ErrNilContext, func() error { _, err := rs.Evaluate(nilCtx, in); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}

	if _, err := NewEnv(nil); err == nil || !strings.Contains(err.Error(), "option 0 is nil") {
		t.Errorf("NewEnv(nil) = %v, want an error naming the nil option", err)
	}
	if _, err := env.Extend(Variable("v", IntType), nil); err == nil || !strings.Contains(err.Error(), "option 1 is nil") {
		t.Errorf("Extend(v, nil) = %v, want an error naming the nil option", err)
	}
	if _, err := rs.Evaluate(ctx, in, nil); err == nil || !strings.Contains(err.Error(), "option 0 is nil") {
		t.Errorf("Evaluate(nil option) = %v", err)
	}
	if got := (&RuleSet{}).Rules(); got != nil {
		t.Errorf("RuleSet{}.Rules() = %v", got)
	}
	if _, ok := (*RuleSet)(nil).Rule("r"); ok {
		t.Error("nil RuleSet has a rule")
	}
	if (*Program)(nil).ID() != "" || (&Env{}).CEL() != nil || (*Env)(nil).CostLimit() != 0 {
		t.Error("accessors of zero values are not zero")
	}
	// A nil *Vars reads as empty, also as a parent.
	v, err := env.Extend(Variable("x", IntType))
	if err != nil {
		t.Fatal(err)
	}
	px, err := v.Compile("x", "", "x > 0", BoolType)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := px.EvalBool(ctx, (*Vars)(nil)); err == nil || !strings.Contains(err.Error(), "no such attribute") {
		t.Errorf("nil *Vars: %v", err)
	}

	// Not zero values: a rule set of no rules and a template of no
	// expressions are compiled and give their (empty) results.
	empty, err := CompileRules(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := empty.Evaluate(ctx, in); err != nil || len(res.Findings) != 0 || len(res.Rules) != 0 {
		t.Errorf("empty rule set: %v, %v", res, err)
	}
	if s, err := tEnvMust(t).CompileTemplate("t", "", ""); err != nil {
		t.Error(err)
	} else if out, err := s.Execute(ctx, nil); err != nil || out != "" {
		t.Errorf("empty template: %q, %v", out, err)
	}
}

func tEnvMust(t *testing.T) *Env { return tEnv(t) }

// cancelOnResolve cancels its context the first time an expression reads
// the variable "trigger", so that a test can cancel in the middle of an
// evaluation without timing. It is safe for concurrent use, as the
// workers of a rule-set run share it.
type cancelOnResolve struct {
	cancel context.CancelFunc
	once   sync.Once
	at     time.Time // set once, under once
}

func (c *cancelOnResolve) ResolveName(name string) (any, bool) {
	if name != "trigger" {
		return nil, false
	}
	c.once.Do(func() {
		c.at = time.Now()
		c.cancel()
	})
	return int64(1), true
}

func (c *cancelOnResolve) Parent() Activation { return nil }

const longLoop = "lists.range(100000).all(i, lists.range(100000).all(j, trigger + i + j > 0))"

// TestCancelMidEvaluation: cancelling the context while a long
// comprehension runs ends it with LimitContext, for a single program and
// for a rule-set run, even under a cost limit that would allow 10^10
// iterations.
func TestCancelMidEvaluation(t *testing.T) {
	env := tEnv(t, WithCostLimit(1<<62), Variable("trigger", IntType))
	p, err := env.Compile("slow", "", longLoop, BoolType)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = p.EvalBool(ctx, &cancelOnResolve{cancel: cancel})
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitContext || !errors.Is(err, context.Canceled) {
		t.Fatalf("program: error %v, want a context limit wrapping context.Canceled", err)
	}

	rs, err := CompileRules(env, []Collection{tRisks}, Rule{ID: "slow", Clause: "6.1.2", Severity: Minor, Subjects: "risks",
		Condition: longLoop, Message: "m"})
	if err != nil {
		t.Fatal(err)
	}
	for _, par := range []int{1, 2} {
		ctx, cancel := context.WithCancel(context.Background())
		_, err = rs.Evaluate(ctx, Input{AsOf: tAsOf, Vars: &cancelOnResolve{cancel: cancel}, Subjects: tItems(benchRegister(2000))}, Parallelism(par))
		cancel()
		if !errors.As(err, &le) || le.Limit != LimitContext || !errors.Is(err, context.Canceled) {
			t.Fatalf("rule set, parallelism %d: error %v, want a context limit", par, err)
		}
	}
	// Cancelled before it starts: nothing runs.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := p.EvalBool(ctx, nil); !errors.As(err, &le) || le.Limit != LimitContext {
		t.Errorf("cancelled before: %v", err)
	}
}

// BenchmarkCancelLatency measures how long an evaluation takes to return
// once its context is cancelled mid-comprehension, for a program and for
// a rule-set run; the target is under 10 ms.
func BenchmarkCancelLatency(b *testing.B) {
	env := tEnv(b, WithCostLimit(1<<62), Variable("trigger", IntType))
	p, err := env.Compile("slow", "", longLoop, BoolType)
	if err != nil {
		b.Fatal(err)
	}
	rs, err := CompileRules(env, []Collection{tRisks}, Rule{ID: "slow", Clause: "6.1.2", Severity: Minor, Subjects: "risks",
		Condition: longLoop, Message: "m"})
	if err != nil {
		b.Fatal(err)
	}
	reg := tItems(benchRegister(2000))
	for _, tc := range []struct {
		name string
		run  func(ctx context.Context, act *cancelOnResolve) error
	}{
		{"program", func(ctx context.Context, act *cancelOnResolve) error { _, err := p.EvalBool(ctx, act); return err }},
		{"ruleset", func(ctx context.Context, act *cancelOnResolve) error {
			_, err := rs.Evaluate(ctx, Input{AsOf: tAsOf, Vars: act, Subjects: reg}, Parallelism(1))
			return err
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var total time.Duration
			n := 0
			for b.Loop() {
				ctx, cancel := context.WithCancel(context.Background())
				act := &cancelOnResolve{cancel: cancel}
				err := tc.run(ctx, act)
				total += time.Since(act.at)
				n++
				cancel()
				if !errors.Is(err, context.Canceled) {
					b.Fatal(err)
				}
			}
			per := total / time.Duration(n)
			b.ReportMetric(float64(per.Nanoseconds()), "ns-to-return")
			if per >= 10*time.Millisecond {
				b.Errorf("returned %v after the cancellation, want < 10ms", per)
			}
		})
	}
}
